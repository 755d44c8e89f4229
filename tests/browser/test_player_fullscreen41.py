"""Walk 41, the player in fullscreen (« Plein écran »):

- on a phone held sideways (740x360) the video was taller than the screen, the controls under it out of reach (the
  fullscreen player could not be scrolled) and a mandatory question came up off screen: the video froze with no
  sign of it; on a 1280x800 desktop the question's focused heading was under the bottom edge;
- the step bar kept its width from before fullscreen; the button still said « Plein écran » inside it; leaving
  it, the question was left off screen.
Now the picture takes the room the controls leave, the question comes over the picture, the button says « Quitter
le plein écran », and leaving fullscreen puts the question back under the player, in view."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser import test_player as base
from tests.browser.shots import shot
from tests.browser.test_player import leave, log_in, open_capsule

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Boxes of what the learner must see, in the viewport's coordinates.
BOXES = """() => {
  const box = (sel) => { const e = document.querySelector(sel); if (!e || !e.getClientRects().length) return null;
    const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  return {h: innerHeight, w: innerWidth, fs: document.fullscreenElement ? document.fullscreenElement.className : null,
          video: box('.gp-video'), play: box('.gp-play'), fsBtn: box('.gp-fs'),
          question: box('.gp-question:not([hidden])'),
          submit: box('.gp-question:not([hidden]) .gq-submit'), title: box('.gp-question:not([hidden]) h2'),
          lastStep: box('.gp-stepbar > :last-child'), stepbar: box('.gp-stepbar'), legend: box('.gp-legend'),
          focused: document.activeElement ? (document.activeElement.closest('.gp-question') ? 'question'
            : document.activeElement.className) : null,
          label: document.querySelector('.gp-fs').getAttribute('aria-label')};
}"""


def _inside(box, h, w=None) -> bool:
    return box is not None and box["top"] >= -0.5 and box["bottom"] <= h + 0.5 and (
        w is None or (box["left"] >= -0.5 and box["right"] <= w + 0.5))


def _open(context, live_server, data):
    log_in(context, live_server, factories.learner())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{data['page'].url}")
    return page, errors


def _fullscreen_by_keyboard(page):
    page.focus(".gp-fs")
    page.keyboard.press("Enter")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.gp')")


@pytest.mark.timeout(240)
def test_a_phone_sideways_in_fullscreen_keeps_the_controls_and_shows_the_question(live_server, browser, published):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 740, "height": 360}, has_touch=True, is_mobile=True)
    page, errors = _open(ctx, live_server, published)
    page.tap(".gp-fs")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.gp')")
    page.wait_for_function("document.querySelector('.gp-fs').getAttribute('aria-label') === 'Quitter le plein écran'")
    seen = page.evaluate(BOXES)
    # The picture, play and the fullscreen button are all on the screen.
    assert _inside(seen["video"], seen["h"]) and _inside(seen["play"], seen["h"]), seen
    assert _inside(seen["fsBtn"], seen["h"]), seen
    # Walk 43: the picture takes the whole screen, the controls and the marks' legend over its bottom.
    assert seen["video"]["bottom"] - seen["video"]["top"] >= seen["h"] - 1, seen
    assert _inside(seen["legend"], seen["h"], seen["w"]), seen
    # The step bar takes the new width (its last step ends at the bar's right edge).
    assert abs(seen["lastStep"]["right"] - seen["stepbar"]["right"]) <= 3, seen
    # Played up to the mandatory question at 5 s: it comes over the picture, its « Valider » on the screen.
    shot(page, "fullscreen41-phone-sideways", full_page=False)
    page.tap(".gp-play")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=20000)
    page.wait_for_timeout(300)
    seen = page.evaluate(BOXES)
    assert _inside(seen["question"], seen["h"], seen["w"]), seen
    assert _inside(seen["submit"], seen["h"]) and _inside(seen["title"], seen["h"]), seen
    # Beside the picture, not over all of it: sideways the card takes the right part of the screen.
    assert seen["question"]["left"] >= seen["w"] * 0.4, seen
    shot(page, "fullscreen41-phone-sideways-question", full_page=False)
    page.locator(".gq-choice", has_text="Couper l'arrivée d'eau").tap()
    page.tap(".gp-question .gq-submit")
    page.wait_for_selector(".gp-question .gq-feedback:not(:empty)", timeout=5000)
    # Leaving fullscreen: the button says so again, the question goes back under the player, in view.
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("!document.fullscreenElement")
    page.wait_for_function("document.querySelector('.gp-fs').getAttribute('aria-label') === 'Plein écran'")
    page.wait_for_timeout(300)
    assert page.evaluate("!document.querySelector('.gp-stage .gp-question')")
    seen = page.evaluate(BOXES)
    assert seen["question"] and seen["question"]["top"] < seen["h"] and seen["question"]["bottom"] > 0, seen
    leave(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.timeout(240)
def test_desktop_keyboard_fullscreen_shows_the_focused_question(live_server, context, published):
    page, errors = _open(context, live_server, published)
    _fullscreen_by_keyboard(page)
    page.wait_for_timeout(300)
    seen = page.evaluate(BOXES)
    assert seen["label"] == "Quitter le plein écran", seen
    assert _inside(seen["play"], seen["h"]) and _inside(seen["fsBtn"], seen["h"]), seen
    assert abs(seen["lastStep"]["right"] - seen["stepbar"]["right"]) <= 3, seen
    # Walk 42b: the marks' legend was hidden in fullscreen; a tall screen keeps it, on the screen.
    assert _inside(seen["legend"], seen["h"]), seen
    page.focus(".gp-play")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=20000)
    page.wait_for_timeout(300)
    seen = page.evaluate(BOXES)
    # The focus went to the question, and the question is on the screen, over the picture.
    assert seen["focused"] == "question", seen
    assert _inside(seen["question"], seen["h"], seen["w"]) and _inside(seen["submit"], seen["h"]), seen
    assert _inside(seen["play"], seen["h"]), seen  # a tall screen keeps the controls
    shot(page, "fullscreen41-desktop-question", full_page=False)
    # Answered with the keyboard, in fullscreen.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.focus(".gp-question .gq-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gp-question .gq-feedback:not(:empty)", timeout=5000)
    seen = page.evaluate(BOXES)
    assert _inside(seen["question"], seen["h"]), seen
    page.focus(".gp-fs")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.fullscreenElement")
    page.wait_for_timeout(300)
    seen = page.evaluate(BOXES)
    # The button, still focused, is on the screen after leaving.
    assert seen["label"] == "Plein écran" and seen["focused"] and "gp-fs" in seen["focused"], seen
    assert _inside(seen["fsBtn"], seen["h"]), seen
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(240)
def test_a_phone_upright_in_fullscreen_shows_the_question_over_the_picture(live_server, phone_context, published):
    page, errors = _open(phone_context, live_server, published)
    page.tap(".gp-fs")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.gp')")
    page.tap(".gp-play")
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=20000)
    page.wait_for_timeout(300)
    seen = page.evaluate(BOXES)
    assert _inside(seen["question"], seen["h"], seen["w"]) and _inside(seen["submit"], seen["h"]), seen
    assert _inside(seen["play"], seen["h"]), seen  # upright, the controls stay under the picture
    shot(page, "fullscreen41-phone-upright-question", full_page=False)
    leave(page)
    assert not errors, errors


FOCUS = """() => { const a = document.activeElement; const fs = document.fullscreenElement;
  return {inside: !!(fs && a && fs.contains(a) && a !== fs), tag: a ? a.tagName : null,
          cls: a ? a.className : null}; }"""


@pytest.mark.timeout(240)
def test_tab_in_fullscreen_goes_round_the_players_controls(live_server, context, published):
    """Walk 41: in desktop fullscreen, Tab from the last control went to the page's body behind the picture."""
    page, errors = _open(context, live_server, published)
    _fullscreen_by_keyboard(page)
    seen = []
    for _ in range(40):  # more presses than the player has controls: it must come round
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUS))
    assert all(s["inside"] for s in seen), seen
    # Round: the same control comes back under the focus.
    assert len({(s["tag"], s["cls"]) for s in seen}) < len(seen), seen
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUS)["inside"]
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("!document.fullscreenElement")
    leave(page)
    assert not errors, errors
