"""The upload form's refusal of a file that is not a video: a red error announced at once (role=alert),
not a plain line under a full green progress bar (as a first user saw it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser]


def test_a_text_file_named_mp4_is_refused_as_an_error(live_server, page, tmp_path):
    ensure_baseline()
    factories.designer(username="camille")
    block = factories.SkillsBlockFactory(title="Réaliser des travaux de plomberie sanitaire")
    fake = tmp_path / "faux.mp4"
    fake.write_text("Ceci est un texte, pas une vidéo.\n" * 200, encoding="utf-8")
    login(page, live_server.url, "camille")
    page.goto(f"{live_server.url}/admin/geste/footage/upload/")
    page.set_input_files("#gu-file", str(fake))
    page.fill("#gu-title", "Faux fichier")
    page.select_option("#gu-block", str(block.pk))
    page.get_by_role("button", name="Téléverser").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("pas une vidéo", timeout=30_000)
    assert "geste-upload-message--error" in (alert.get_attribute("class") or "")
    assert page.locator(".geste-upload-progress").is_hidden()
    color = alert.evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(205, 68, 68)", color
    expect(page.get_by_role("button", name="Téléverser")).to_be_enabled()
