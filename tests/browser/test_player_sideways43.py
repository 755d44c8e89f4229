"""Walk 43: on a phone held sideways (740x360) in fullscreen, the seek bar, the steps and two rows of controls
left the picture 144 px high, the caption over most of it, and the marks' legend was hidden (« the red triangle
unexplained »). The picture now takes the whole screen, the controls lie over its bottom and go after 3 s of
play untouched; a tap on the picture brings them back without pausing, a key too; paused, they stay."""

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
    shot(page, "sideways43-paused", full_page=False)
    page.tap(".gp-play")
    # Played untouched: the controls go (the first question is at 5 s).
    page.wait_for_function("document.querySelector('.gp').classList.contains('gp-idle')", timeout=4500)
    page.wait_for_timeout(350)
    seen = page.evaluate(STATE)
    assert seen["idle"] and not seen["paused"] and seen["opacity"] == 0, seen
    shot(page, "sideways43-playing", full_page=False)
    # A tap on the picture brings them back and does not pause.
    page.tap(".gp-video", position={"x": 370, "y": 60})
    page.wait_for_timeout(150)
    seen = page.evaluate(STATE)
    assert not seen["idle"] and not seen["paused"], seen
    if seen["captionBottom"] is not None:  # a caption shown goes above the controls
        assert seen["captionBottom"] <= seen["barTop"] + 1, seen
    shot(page, "sideways43-woken", full_page=False)
    # The question stops the video: the controls give way to it, and are back once it is answered.
    page.wait_for_selector(f"[data-asking='{published['q1'].pk}']", timeout=20000)
    assert not page.evaluate(STATE)["idle"]
    page.locator(".gq-choice", has_text="Couper l'arrivée d'eau").tap()
    page.tap(".gp-question .gq-submit")
    page.wait_for_selector(".gp-question .gq-feedback:not(:empty)", timeout=5000)
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("!document.fullscreenElement")
    assert not page.evaluate(STATE)["idle"]
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
    page.evaluate("document.querySelector('.gp').focus()")  # the player itself, as after a click on the picture
    page.keyboard.press("k")
    page.wait_for_function("document.querySelector('.gp').classList.contains('gp-idle')", timeout=4500)
    page.keyboard.press("Tab")
    page.wait_for_timeout(100)
    seen = page.evaluate(STATE)
    assert not seen["idle"] and not seen["paused"], seen
    page.keyboard.press("k")
    page.wait_for_timeout(3500)
    assert not page.evaluate(STATE)["idle"]  # paused: they stay
    page.evaluate("document.exitFullscreen()")
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
