"""First walk 33, a keyboard-only tester on the expert's review screen (Chromium): a limit moved with the
arrows does not take the focus back from the title the expert tabbed into; letters typed fast on a step's
time are typing, not shortcuts (« Mettre » merged steps, added one, asked to approve); a title typed and not
saved yet asks before a reload; the long keyboard help is not shown on a touch phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HINT = "Raccourci ignoré\u00a0: vous sembliez taper du texte. Cliquez dans le titre d'une étape pour le renommer."


def _open(browser, live_server, footage, user, **kw):
    ctx = browser.new_context(locale="fr-FR", **(kw or {"viewport": {"width": 1280, "height": 800}}))
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(footage.steps.count())
    return ctx, page


def test_a_moved_limit_does_not_take_the_focus_back_from_a_title(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    handle = page.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(150)
    title = page.locator('[data-step-title="1"]')
    title.click()  # the expert goes on to a title before the limit's save (0.6 s later)
    page.keyboard.press("End")
    page.wait_for_timeout(1500)
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    expect(title).to_be_focused()
    page.keyboard.type(" Mettre")
    expect(title).to_have_value("Dévisser l'écrou Mettre")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)  # no M, no E acted
    expect(page.locator('[data-dialog="approve"]')).to_be_hidden()
    # Staying on the limit: the save's redraw gives the focus back to it, the next arrow moves it on.
    handle = page.locator('.geste-timeline__handle[data-prev="1"][data-next="2"]')
    handle.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(1500)
    expect(page.locator('.geste-timeline__handle[data-prev="1"][data-next="2"]')).to_be_focused()
    ctx.close()
    assert footage.steps.order_by("start")[1].start == pytest.approx(6.1)
    assert footage.steps.order_by("start")[2].start == pytest.approx(12.9)


def test_letters_typed_fast_on_a_step_are_not_shortcuts(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.locator('[data-role="steps"] .geste-steps__time').first.focus()
    page.keyboard.type("Mettre le linge", delay=80)
    page.wait_for_timeout(1200)
    # At most M acted (the first letter: a shortcut alone), merging steps 1 and 2; E added no step.
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    expect(page.locator('[data-dialog="approve"]')).to_be_hidden()
    hint = page.locator('[data-role="typing-hint"]')
    expect(hint).to_have_text(HINT)
    expect(hint).to_have_attribute("role", "status")
    expect(hint).to_be_visible()
    count = 2
    # The same key again is not typing: N, N goes through the steps.
    page.wait_for_timeout(1200)
    page.locator('[data-role="steps"] .geste-steps__time').first.focus()
    page.keyboard.type("nn", delay=80)
    expect(page.locator('[data-role="steps"] .geste-steps__time').nth(count - 1)).to_be_focused()
    # A shortcut alone acts as before.
    page.wait_for_timeout(500)
    page.keyboard.press("k")
    expect(page.locator('[data-dialog="key-point"]')).to_be_visible()
    ctx.close()
    assert footage.steps.count() == count


def test_a_title_typed_and_not_saved_asks_before_a_reload(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    seen = []

    def on_dialog(dialog):
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", on_dialog)
    title = page.locator('[data-step-title="2"]')
    title.click()
    page.keyboard.press("End")
    page.keyboard.type(" et le jo")
    page.reload()
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    assert seen == ["beforeunload"]
    # Saved (the field left): no question. Whether the title typed before the reload was kept is the unloading
    # page's race (the field's change, sent as it goes: kept with a cookie session, lost after the login form,
    # session 43), so the whole title is typed anew.
    title = page.locator('[data-step-title="2"]')
    title.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Remonter le siphon et le joint")
    page.keyboard.press("Tab")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    page.reload()
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    assert seen == ["beforeunload"]
    ctx.close()
    assert footage.steps.order_by("start")[2].title == "Remonter le siphon et le joint"


def test_the_keyboard_help_is_not_shown_on_a_touch_phone(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer,
                      viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    assert page.evaluate("matchMedia('(hover: none) and (pointer: coarse)').matches")
    expect(page.locator("#geste-playhead-help")).to_be_hidden()
    expect(page.locator('[data-role="edit-help"]')).to_be_hidden()
    expect(page.locator('[data-role="touch-help"]')).to_be_visible()
    ctx.close()
