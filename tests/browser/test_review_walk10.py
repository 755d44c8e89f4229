"""First-user walk 10, the expert's review screen: after "Annuler la fusion" the keyboard focus goes to
the step that came back (named after it), not to the screen's container."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _open(browser, live_server, footage, reviewer, phone=False):
    kw = ({"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True} if phone
          else {"viewport": {"width": 1280, "height": 800}})
    ctx = browser.new_context(locale="fr-FR", **kw)
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    return ctx, page


def test_undo_merge_puts_focus_on_the_step_that_came_back(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.locator('[data-role="steps"] .geste-steps__time').first.click()
    page.keyboard.press("m")
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    undo = page.get_by_role("button", name="Annuler la fusion")
    undo.focus()
    page.keyboard.press("Enter")  # as a keyboard user does
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    expect(page.locator('[data-role="saved"]')).to_have_text("Fusion annulée : les deux étapes sont revenues.")
    back = page.locator('[data-role="steps"] > li').nth(1).locator(".geste-steps__time")
    expect(back).to_be_focused()
    expect(back).to_be_in_viewport()
    name = back.get_attribute("aria-label")
    live = page.locator('[data-role="saved"]').get_attribute("aria-live")
    ctx.close()
    assert name.startswith("0:06,0 – 0:13,0") and "Dévisser l'écrou" in name, name  # visible text first
    assert live == "polite"  # the undo is said by the live region
