"""Walk 36: the demo expert, signed in, found on the site's home page nothing of the footage waiting for their review.
The notice is on the first screen at 360x740 and 1280x800, and its link opens the review screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from capsules.models import Footage
from tests import factories
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("GESTE_SHOTS", "/work/notes/ux37"))


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)])
def test_the_expert_home_page_leads_to_the_footage_to_review(live_server, browser, size):
    expert = factories.expert(username="expert-home37", first_name="Camille")
    footage = factories.FootageFactory(title="Laver une tasse à la main", expert=expert,
                                       status=Footage.Status.IN_REVIEW, duration=20.0)
    w, h = size
    kw = {"has_touch": True, "is_mobile": True} if w < 800 else {}
    ctx = browser.new_context(locale="fr-FR", viewport={"width": w, "height": h}, **kw)
    page = ctx.new_page()
    login(page, live_server.url, expert.username)
    page.goto(live_server.url + "/")
    notice = page.get_by_role("region", name="Vos relectures")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(
        "1\u00a0vidéo attend votre relecture\u00a0: «\u00a0Laver une tasse à la main\u00a0».")
    link = notice.get_by_role("link", name="Relire les étapes")
    box = link.bounding_box()
    assert box["y"] + box["height"] <= h and box["height"] >= 44, box  # on the first screen, a finger's size
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-review-waiting-{w}.png"))
    link.click()
    expect(page).to_have_url(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".w-header__subtitle")).to_have_text("Laver une tasse à la main")
    ctx.close()
