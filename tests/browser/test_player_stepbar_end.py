"""First users: when the video reached its end, the step bar under the video lost its current step (no
step lit, the step's name under the player gone) while the last frame of the last step was still on
screen. At the end the last step stays the current one, in the bar, the list and the label. At 360 px."""

from __future__ import annotations

import pytest

from tests.browser import test_player as base
from tests.browser.test_player import leave, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(180)
def test_the_last_step_stays_current_when_the_video_ends(live_server, phone_context, published):
    published["capsule"].interactions.all().delete()
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    video(page, "(v.muted = true, v.currentTime = 10.5)")
    page.wait_for_timeout(300)
    page.click(".gp-play")
    page.wait_for_selector("[data-geste-player][data-ended='1']", timeout=15000)
    page.wait_for_timeout(800)  # the last timeupdates and the "ended" event have all been handled
    assert _state(page)["bar"] == [False, False, True]
    # Where the video stops depends on the last timeupdate: at the capsule's end, or on the renditions' last
    # frame, a few hundredths past the last step's end (the case that went blank). The seek bar dragged
    # to the very end lands there for sure.
    page.evaluate("(() => { const v = document.querySelector('video.gp-video'); v.currentTime = v.duration; })()")
    page.wait_for_timeout(800)
    state = _state(page)
    print(state)
    assert state["t"] > 12.0, state  # past the last step's end (12.0): the case at stake
    assert state["bar"] == [False, False, True], state
    assert state["list"] == [False, False, True], state
    assert "Serrer le joint" in state["label"], state
    assert video(page, "v.paused")
    leave(page)
    assert not errors, errors


def _state(page) -> dict:
    return page.evaluate("""() => ({
        bar: [...document.querySelectorAll('.gp-mark-step')].map((b) => b.classList.contains('current')),
        list: [...document.querySelectorAll('.gp-steps > ol > li')].map((li) => li.classList.contains('current')),
        label: document.querySelector('.gp-step-now').textContent,
        t: document.querySelector('video.gp-video').currentTime })""")
