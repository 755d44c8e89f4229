"""The review screen's truth export in a real browser (designers and administrators only): hidden while the
steps are a draft, shown once they are approved, and the downloaded file is the approved steps in the benchmark's
format."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from media_pipeline.evaluation.truth import from_dict
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (the shared fixture)
from tests.factories import expert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_approver_with_the_designer_role_exports_the_truth(live_server, page, footage_in_review):  # noqa: F811
    """The export is for designers and administrators (walk 36): here the assigned expert is also a designer,
    so the link appears once they approve (an expert alone never gets it: test_authoring_walk36)."""
    footage, reviewer = footage_in_review
    reviewer.groups.add(Group.objects.get(name="Designers"))
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    export = page.get_by_role("link", name="Exporter les étapes validées (JSON)")
    expect(export).to_be_hidden()  # a draft is not truth

    page.keyboard.press("a")
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    expect(export).to_be_visible()

    with page.expect_download() as info:
        export.click()
    download = info.value
    assert download.suggested_filename == f"verite-terrain-{footage.pk}.json"
    truth = from_dict(json.loads(open(download.path(), encoding="utf-8").read()))
    assert truth.spans == [(0.0, 6.0), (6.0, 13.0), (13.0, 20.0)]
    assert [s.title for s in truth.steps] == ["Couper l'eau", "Dévisser l'écrou", "Remonter le siphon"]
    assert truth.video["sha256"] == footage.checksum and truth.annotation["by"] == "Camille Roux"

    page.reload()  # after a reload the link is there from the server-rendered page too
    expect(page.get_by_role("link", name="Exporter les étapes validées (JSON)")).to_be_visible()


def test_another_expert_cannot_fetch_the_truth(live_server, page, footage_in_review):  # noqa: F811
    footage, _ = footage_in_review
    other = expert(username="expert-autre-atelier")
    login(page, live_server.url, other.username)
    res = page.goto(f"{live_server.url}/api/review/footage/{footage.pk}/truth.json")
    assert res.status == 404
    assert "Couper l'eau" not in page.content()
