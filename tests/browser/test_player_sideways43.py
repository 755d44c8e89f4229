"""Walk 43: on a phone held sideways (740x360) in fullscreen, the seek bar, the steps and two rows of controls
left the picture 144 px high, the caption over most of it, and the marks' legend was hidden (« the red triangle
unexplained »). The picture now takes the whole screen, the controls lie over its bottom and go after 3 s of
play untouched; a tap on the picture brings them back without pausing, a key too; paused, they stay."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser import test_player as base
from tests.browser.shots import shot
from tests.browser.test_player import leave, log_in, open_capsule

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATE = """() => { const v = document.querySelector('video.gp-video'), bar = document.querySelector('.gp-controls');
  const r = v.getBoundingClientRect(), c = document.querySelector('.gp-caption');
  return {idle: document.querySelector('.gp').classList.contains('gp-idle'), paused: v.paused, t: v.currentTime,
          videoH: r.height, h: innerHeight, opacity: parseFloat(getComputedStyle(bar).opacity),
          barTop: document.querySelector('.gp-bar').getBoundingClientRect().top,
          captionBottom: c && !c.hidden ? c.getBoundingClientRect().bottom : null}; }"""


@pytest.mark.timeout(240)
def test_sideways_the_picture_fills_the_screen_and_the_controls_come_and_go(live_server, browser, published):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 740, "height": 360}, has_touch=True, is_mobile=True)
    log_in(ctx, live_server, factories.learner())
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.tap(".gp-fs")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.gp')")
    page.wait_for_timeout(300)
    seen = page.evaluate(STATE)
    assert seen["videoH"] >= seen["h"] - 1 and not seen["idle"] and seen["opacity"] == 1, seen  # paused: they stay
    page.wait_for_timeout(3500)
    assert not page.evaluate(STATE)["idle"]  # still paused, still there
    # Walk 45: shown, the band took two thirds of the picture; its controls now hold on one row (signs for the
    # words, no volume slider or « ? » on a touch screen), and it leaves the picture's upper half.
    rows = page.evaluate("""() => [...document.querySelectorAll('.gp-controls > :not([hidden])')]
      .filter((e) => e.getClientRects().length).map((e) => { const r = e.getBoundingClientRect();
        return Math.round((r.top + r.bottom) / 2); })""")
    assert max(rows) - min(rows) <= 4, rows  # one row: every control's middle at the same height
    seen = page.evaluate(STATE)
    assert seen["barTop"] >= seen["h"] * 0.4, seen
    assert page.get_by_role("button", name="Boucler l'étape").is_visible()  # its name kept with the sign
    assert page.get_by_role("button", name="−1 image (image précédente)").is_visible()
    shot(page, "sideways43-paused", full_page=False)
    page.tap(".gp-play")
    # Played untouched: the controls go (the first question is at 5 s).
    page.wait_for_function("document.querySelector('.gp').classList.contains('gp-idle')", timeout=4500)
    page.wait_for_timeout(350)
    seen = page.evaluate(STATE)
    assert seen["idle"] and not seen["paused"] and seen["opacity"] == 0, seen
    shot(page, "sideways43-playing", full_page=False)
    # A tap on the picture brings them back and does not pause; where the band comes back (the seek bar's row,
    # walk 45: the finger's click went to it and the video jumped 8 s) it does not seek either.
    before = seen["t"]
    page.tap(".gp-video", position={"x": 370, "y": 150})
    page.wait_for_timeout(150)
    seen = page.evaluate(STATE)
    assert not seen["idle"] and not seen["paused"], seen
    assert before <= seen["t"] <= before + 1.0, (before, seen)
    if seen["captionBottom"] is not None:  # a caption shown goes above the controls
        assert seen["captionBottom"] <= seen["barTop"] + 1, seen
    shot(page, "sideways43-woken", full_page=False)
    # The question stops the video: the controls give way to it, and are back once it is answered.
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=20000)
    assert not page.evaluate(STATE)["idle"]
    page.locator(".gq-choice", has_text="Couper l'arrivée d'eau").tap()
    page.tap(".gp-question .gq-submit")
    page.wait_for_selector(".gp-question .gq-feedback:not(:empty)", timeout=5000)
    # Walk 44: the controls hidden by the question, « Quitter le plein écran » stays beside its card.
    out = page.locator(".gp-fs-exit")
    expect(out).to_be_visible()
    box, card = out.bounding_box(), page.locator(".gp-question").bounding_box()
    assert box["x"] + box["width"] <= card["x"] and box["y"] + box["height"] <= 360, (box, card)
    out.tap()
    page.wait_for_function("!document.fullscreenElement")
    assert not page.evaluate(STATE)["idle"]
    expect(out).to_have_count(0)
    leave(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.timeout(240)
def test_a_key_brings_the_controls_back_and_a_tall_screen_keeps_them(live_server, browser, published):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 740, "height": 360})
    log_in(ctx, live_server, factories.learner())
    page = ctx.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.focus(".gp-fs")
    page.keyboard.press("Enter")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.gp')")
    # Played from its button, under the keyboard's focus: the band goes all the same (walk 44: on a short desktop
    # window it never left a keyboard user's picture).
    page.focus(".gp-play")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.gp').classList.contains('gp-idle')", timeout=4500)
    page.keyboard.press("Tab")  # a key brings it back, before it acts; still playing
    page.wait_for_timeout(100)
    seen = page.evaluate(STATE)
    assert not seen["idle"] and not seen["paused"], seen
    page.keyboard.press("k")
    page.wait_for_timeout(3500)
    seen = page.evaluate(STATE)
    assert not seen["idle"] and seen["paused"], seen  # paused: it stays
    page.keyboard.press("f")  # walk 45: F leaves fullscreen (and enters it), as in mainstream players
    page.wait_for_function("!document.fullscreenElement")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.gp')")
    page.keyboard.press("f")
    page.wait_for_function("!document.fullscreenElement")
    # A tall screen (a desktop) keeps its controls under the picture, as before.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.focus(".gp-fs")
    page.keyboard.press("Enter")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.gp')")
    page.wait_for_timeout(300)
    seen = page.evaluate(STATE)
    assert not seen["idle"] and seen["opacity"] == 1 and seen["barTop"] >= seen["videoH"] - 1, seen
    page.evaluate("document.exitFullscreen()")
    leave(page)
    ctx.close()


@pytest.mark.timeout(240)
def test_leaving_fullscreen_gives_the_page_back_where_it_was(live_server, context, published):
    """Walk 43: on a desktop, leaving fullscreen scrolled the capsule's title partly off the top."""
    log_in(context, live_server, factories.learner())
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.focus(".gp-fs")  # brought into view, as a learner tabbing to it sees it
    title = page.locator("h1").first
    scrolled, before = page.evaluate("window.scrollY"), title.bounding_box()
    page.keyboard.press("Enter")
    page.wait_for_function("document.fullscreenElement && document.fullscreenElement.matches('.gp')")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")  # the same button, « Quitter le plein écran »
    page.wait_for_function("!document.fullscreenElement")
    page.wait_for_timeout(400)
    after = title.bounding_box()
    assert page.evaluate("window.scrollY") == scrolled and abs(after["y"] - before["y"]) <= 1, (scrolled, before, after)
    assert page.evaluate("document.activeElement.classList.contains('gp-fs')")
    leave(page)
