"""« Boucler l'étape » as a first user met it on a 360x740 phone (real Chromium, real video):

1. the loop on the last step keeps looping (the end of the capsule is a loop point, not the end);
2. with the loop on, another step (step list, « Étape précédente / suivante ») is reached, and the
   loop follows it (the loop is the current step's);
3. a step looped at 0,5× turns back at its end, before the mandatory question that opens the next step;
4. the chosen speed (0,5×) comes back after a reload, like the loop, also one set by the browser's
   own speed menu.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules import models
from tests import factories
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"


def seek(page, t: float) -> None:
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.seek({t})")
    page.wait_for_function(
        "t => { const v = document.querySelector('video.gp-video');"
        " return !v.seeking && Math.abs(v.currentTime - t) < 0.1; }", arg=t)


def loops(page) -> int:
    return int(page.get_attribute(PLAYER, "data-loops") or 0)


def errors_of(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.timeout(180)
def test_the_loop_on_the_last_step_keeps_looping(live_server, phone_context, published):  # noqa: F811
    """Step 3 runs to the capsule's end (12 s): the end of the media turns back to 8 s, again and again."""
    models.Interaction.objects.filter(pk=published["q2"].pk).delete()  # no question in the last step
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    seek(page, 10.0)
    page.click(".gp-loop")
    assert page.get_attribute(PLAYER, "data-loop") == str(published["steps"][2].pk)
    page.select_option(".gp-speed", "2")
    page.click(".gp-play")
    page.wait_for_selector(f"{PLAYER}[data-loops='2']", timeout=20000)
    page.wait_for_timeout(600)
    assert not video(page, "v.paused"), "the loop stopped after the end of the capsule"
    assert 8.0 <= video(page, "v.currentTime") < 12.0
    assert page.get_attribute(PLAYER, "data-ended") != "1"
    assert page.locator(".gp-end").is_hidden()
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_with_the_loop_on_another_step_is_reached_and_looped(live_server, phone_context, published):  # noqa: F811
    steps = published["steps"]
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.click(".gp-loop")
    assert page.get_attribute(PLAYER, "data-loop") == str(steps[0].pk)
    page.click(".gp-play")
    page.wait_for_timeout(400)
    # The step list: step 3 (past q1 at 5.0 s: a visitor may browse freely).
    page.locator(".gp-steps li[data-start] [data-seek]").nth(2).click()
    page.wait_for_timeout(1200)
    assert page.get_attribute(PLAYER, "data-loop") == str(steps[2].pk)
    assert page.get_attribute(".gp-loop", "aria-pressed") == "true"
    assert video(page, "v.currentTime") >= steps[2].start - 0.05, "snapped back to the looped step"
    # « Étape précédente » from the start of step 3: step 2, and the loop goes with it.
    page.click(".gp-step-back")
    page.wait_for_timeout(800)
    t = video(page, "v.currentTime")
    assert steps[1].start - 0.05 <= t < steps[1].end, t
    assert page.get_attribute(PLAYER, "data-loop") == str(steps[1].pk)
    # Answered or not, q1 (at 5.0 s, in step 2) may open: close it to keep the step going.
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.closeQuestion()")
    seek(page, 1.0)  # back into step 1 by the player's own seek: the loop follows there too
    assert page.get_attribute(PLAYER, "data-loop") == str(steps[0].pk)
    # « Étape suivante »: step 2 again, and the loop with it; the video stays there.
    page.click(".gp-step-fwd")
    page.wait_for_timeout(800)
    assert page.get_attribute(PLAYER, "data-loop") == str(steps[1].pk)
    assert video(page, "v.currentTime") >= steps[1].start - 0.05
    # The loop kept for a reload of this page (this tab's session) is the step reached.
    assert page.evaluate(f"sessionStorage.getItem('geste:loop:{published['capsule'].pk}')") == str(steps[1].pk)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_step_looped_at_half_speed_turns_back_before_the_next_steps_question(live_server, phone_context, published):  # noqa: F811
    """Step 1 ends at 4.1 s, step 2 starts at 4.2 s with a mandatory question at 4.2 s (the learner's)."""
    steps, q1 = published["steps"], published["q1"]
    models.Step.objects.filter(pk=steps[0].pk).update(end=4.1)
    models.Step.objects.filter(pk=steps[1].pk).update(start=4.2)
    models.Interaction.objects.filter(pk=q1.pk).update(time=4.2)
    log_in(phone_context, live_server, factories.learner(username="lente"))
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    seek(page, 3.0)
    page.click(".gp-loop")
    assert page.get_attribute(PLAYER, "data-loop") == str(steps[0].pk)
    page.select_option(".gp-speed", "0.5")
    # timeupdate comes every ~250 ms (0.125 s of video at 0,5×): where it falls near the step's end
    # depends on where playing started; several starting points cover a whole period.
    for k in range(9):
        page.evaluate("document.querySelector('video.gp-video').pause()")
        seek(page, 3.85 + 0.015 * k)
        before = loops(page)
        page.click(".gp-play")
        page.wait_for_function(
            "([sel, n]) => document.querySelector(sel).dataset.loops > n"
            " || !!document.querySelector(sel + '[data-asking]')",
            arg=[PLAYER, before], timeout=8000)
        start = 3.85 + 0.015 * k
        asked = page.locator(f"[data-asking='{q1.pk}']").count()
        assert asked == 0, f"the next step's question opened (start {start:.3f})"
        assert page.get_attribute(PLAYER, "data-loop") == str(steps[0].pk)
    page.wait_for_timeout(200)
    assert not video(page, "v.paused")
    assert video(page, "v.currentTime") < 4.1
    assert video(page, "v.playbackRate") == 0.5
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_half_speed_comes_back_after_a_reload_with_the_loop(live_server, phone_context, published):  # noqa: F811
    page = phone_context.new_page()
    errors = errors_of(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.select_option(".gp-speed", "0.5")
    page.click(".gp-loop")
    page.click(".gp-play")
    page.wait_for_timeout(800)
    page.reload()
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=15000)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    # the loop comes back once the player has resumed in its step (after the progress is read): waited for
    expect(page.locator(".gp-loop")).to_have_attribute("aria-pressed", "true", timeout=10000)
    assert page.eval_on_selector(".gp-speed", "s => s.value") == "0.5"
    assert video(page, "v.playbackRate") == 0.5
    page.click(".gp-play")
    page.wait_for_timeout(800)
    assert video(page, "v.playbackRate") == 0.5
    # A speed set by the browser's own menu (Chromium's "Vitesse de lecture") is shown and kept too.
    page.evaluate("document.querySelector('video.gp-video').playbackRate = 0.75")
    page.wait_for_function("document.querySelector('.gp-speed').value === '0.75'", timeout=3000)
    page.reload()
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=15000)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1")
    page.wait_for_timeout(300)
    assert page.eval_on_selector(".gp-speed", "s => s.value") == "0.75"
    assert video(page, "v.playbackRate") == 0.75
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_loop_turned_on_before_the_video_is_ready_survives_a_reload(live_server, phone_context, published):  # noqa: F811
    """On a loaded phone the video's metadata comes seconds after the player is ready; the loop turned on in
    between was erased when the player resumed (CI, stop 33: a reload then came back without it)."""
    page = phone_context.new_page()
    errors = errors_of(page)

    def slow_media(route):
        page.wait_for_timeout(1500)  # the media arrive late
        route.continue_()

    page.route("**/*.m3u8", slow_media)
    page.goto(f"{live_server.url}{published['page'].url}")
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=15000)
    assert page.evaluate("document.querySelector('video.gp-video').readyState") == 0  # before the metadata
    page.click(".gp-loop")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    expect(page.locator(".gp-loop")).to_have_attribute("aria-pressed", "true")
    page.unroute_all(behavior="ignoreErrors")
    page.reload()
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=15000)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    expect(page.locator(".gp-loop")).to_have_attribute("aria-pressed", "true", timeout=10000)
    leave(page)
    assert not errors, errors
