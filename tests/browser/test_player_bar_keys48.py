"""Walk 48, the learner's player on a desk, keyboard only: the seek bar « Position dans la vidéo » is the first
control Tab reaches in the player, and there N, P, M, « , » and « . » did nothing while the shortcuts' list says
they act anywhere in the player but in a text field. They act on the bar now; the bar keeps a slider's own keys
(arrows, Home, End)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AT = "document.querySelector('video.gp-video').currentTime"


@pytest.mark.timeout(180)
def test_player_letters_act_with_the_focus_on_the_seek_bar(live_server, browser, published):
    published["q1"].delete()
    published["q2"].delete()
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    log_in(ctx, live_server, factories.learner(username="bar-keys"))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    steps = page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.m.steps.map((s) => s.start)")
    assert len(steps) >= 2

    def settled(cond: str) -> None:
        page.wait_for_function(f"!document.querySelector('video.gp-video').seeking && {cond}", timeout=5000)

    page.focus(".gp-seek")
    page.keyboard.press("n")  # next step
    settled(f"Math.abs({AT} - {steps[1]}) < 0.2")
    page.keyboard.press("p")  # back to the previous step's start
    settled(f"{AT} < {steps[1]} - 0.2")
    page.keyboard.press("m")
    assert video(page, "v.muted") is True
    page.keyboard.press("m")
    assert video(page, "v.muted") is False
    before = video(page, "v.currentTime")
    page.keyboard.press(".")  # one picture on
    settled(f"{AT} > {before} + 0.01")
    # The bar's own keys stay the bar's: → moves 5 s, End goes to the end, and the focus stays on the bar.
    page.keyboard.press("Home")
    settled(f"{AT} < 0.05")
    page.keyboard.press("ArrowRight")
    settled(f"Math.abs({AT} - 5) < 0.3")
    assert page.evaluate("document.activeElement.matches('.gp-seek')")
    leave(page)
    ctx.close()
    assert not errors, errors
