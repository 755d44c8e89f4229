"""The expert's review screen on a 1024×768 tablet (issue "polish", item 4): the video and the timeline
are on screen without scrolling, and "Valider les étapes" is a visible primary button, reached by Tab
and pressed with Enter (not an action tucked in a menu)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Footage
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def in_view(page, selector: str, height: int) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box and box["height"] > 0, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= height + 0.5, (selector, box)
    return box


@pytest.mark.timeout(180)
def test_video_timeline_and_validate_button_fit_a_1024_tablet(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    page.wait_for_function("document.querySelector('[data-role=video]').readyState >= 1", timeout=10000)
    assert page.evaluate("window.scrollY") == 0
    shot(page, "review-1024x768", full_page=False)
    video = in_view(page, '[data-role="video"]', 768)
    assert video["width"] >= 320
    in_view(page, '[data-role="timeline"]', 768)
    button = page.get_by_role("button", name="Valider les étapes")
    expect(button).to_be_visible()
    assert "button-secondary" not in (button.get_attribute("class") or "")  # the primary action
    in_view(page, '[data-action="approve"]', 768)

    # Keyboard only, from the top of the page: Tab reaches the button, Enter opens the confirmation.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.action") == "approve":
            break
    else:
        pytest.fail("Tab never reached « Valider les étapes »")
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Confirmer la validation")
    expect(confirm).to_be_visible()
    shot(page, "review-1024x768-confirm", full_page=False)
    page.keyboard.press("Tab") if page.evaluate("document.activeElement.dataset.role") != "confirm-approve" else None
    confirm.focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="locked"]')).to_be_visible()
    footage.refresh_from_db()
    assert footage.status == Footage.Status.APPROVED
    ctx.close()


@pytest.mark.timeout(120)
def test_review_screen_on_a_360_phone(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    expect(page.get_by_role("button", name="Valider les étapes")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    shot(page, "review-360", full_page=True)
    ctx.close()
