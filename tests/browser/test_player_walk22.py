"""A first user's walk of the learner's player (walk 22), in Chromium:

1. a question placed at 0:00 of a capsule (its time is the capsule's start) was never asked on normal
   playback (Play, and the video ran to the end), yet it counted in the score; it is asked as playback
   starts, and one at the very end is asked at the end;
2. a mandatory question answered wrong and left with « Continuer »: a link to a later time (« Y aller »
   on the block page, #t=) opened at that question with « Répondez d'abord à la question obligatoire »;
   an attempt lets the learner past, as playback did; a question never answered still stops the link;
3. an optional question at the very end: the progress sent as the video stopped completes the capsule
   and the live region said « Capsule terminée » while the question still waited on screen; it is said
   once the question is dismissed, with the end panel.
"""

from __future__ import annotations

import pytest

from capsules.models import Capsule, Interaction, Progress, Step
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

RIGHT = "Couper l'arrivée d'eau"
WRONG = "Serrer l'écrou au maximum"
LIVE = "document.getElementById('gp-live').textContent"


def _answer(page, text: str, outcome: str) -> None:
    page.locator(".gq-choice", has_text=text).locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(outcome)


def _fast(page) -> None:
    page.evaluate("document.querySelector('video.gp-video').playbackRate = 2")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("start", [0.0, 2.8])
def test_a_question_at_the_capsule_start_is_asked_when_playback_starts(live_server, context, published, start):  # noqa: F811
    capsule, steps, q2 = published["capsule"], published["steps"], published["q2"]
    if start:
        Capsule.objects.filter(pk=capsule.pk).update(start=start, end=12.0)
        Step.objects.filter(pk=steps[0].pk).update(start=start)
    Interaction.objects.filter(pk=q2.pk).update(time=start, step=steps[0])
    log_in(context, live_server, factories.learner(username=f"walk22start{int(start)}"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    page.wait_for_timeout(500)
    assert page.get_attribute("[data-geste-player]", "data-asking") in (None, "")  # not before Play
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=5000)
    assert video(page, "v.paused") and video(page, "v.currentTime") < start + 1
    assert page.text_content(".gp-time").startswith("0:00 /")
    page.check(".gp-question input[value='true']")
    page.click(".gq-submit")
    page.click(".gq-continue")
    # Answered: playback goes on and does not ask it again.
    page.wait_for_function(f"document.querySelector('video.gp-video').currentTime > {start + 1.5}", timeout=10000)
    assert page.get_attribute("[data-geste-player]", "data-asking") in (None, "")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_an_optional_question_at_the_end_is_asked_before_complete_is_said(live_server, context, published):  # noqa: F811
    capsule, q1, q2 = published["capsule"], published["q1"], published["q2"]
    Interaction.objects.filter(pk=q2.pk).update(time=12.0)  # the capsule's end
    user = factories.learner(username="walk22end")
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    _fast(page)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    _answer(page, RIGHT, ".gq-right")
    page.click(".gq-feedback .gq-continue")
    page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=20000)
    # The progress sent as the video stopped completes the capsule (the question is optional) ...
    page.wait_for_function("document.querySelector('[data-geste-player]').dataset.completed === '1'", timeout=10000)
    assert Progress.objects.get(user=user, capsule=capsule).completed
    page.wait_for_timeout(300)
    # ... but while the question waits on screen, neither the live region nor the end panel says so.
    assert "Capsule terminée" not in page.evaluate(LIVE)
    assert page.locator(".gp-end").is_hidden()
    assert page.locator(".gp-question").is_visible()
    page.click(".gq-skip")
    end = page.locator(".gp-end:not([hidden])")
    end.wait_for(timeout=5000)
    assert end.locator("h2").inner_text() == "Capsule terminée"
    page.wait_for_function(f"{LIVE}.startsWith('Capsule terminée.')", timeout=5000)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(240)
@pytest.mark.parametrize("how", ["played_on", "left_at_once", "never_answered"])
def test_a_link_past_a_mandatory_question_answered_wrong_is_not_stopped(live_server, context, published, how):  # noqa: F811
    q1 = published["q1"]
    published["q2"].delete()  # at 0:10: not in the way of playing on from the link
    log_in(context, live_server, factories.learner(username=f"walk22{how}"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = f"{live_server.url}{published['page'].url}"
    if how != "never_answered":
        open_capsule(page, url)
        _fast(page)
        page.click(".gp-play")
        page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
        _answer(page, WRONG, ".gq-wrong")
        page.click(".gq-feedback .gq-continue")
        if how == "played_on":
            page.wait_for_function("document.querySelector('video.gp-video').currentTime > 7", timeout=10000)
            page.click(".gp-play")  # pause: the position is saved past the question
            # Another device: only the server's word (the attempt, the position).
            page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('geste:'))"
                          ".forEach((k) => localStorage.removeItem(k))")
        leave(page)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    # « Y aller » on the block page: a link to 0:09.
    page.goto(f"{url}#t=9.5")
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.wait_for_function("document.querySelector('[data-geste-player]').dataset.linked != null", timeout=10000)
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    page.wait_for_timeout(500)
    if how == "never_answered":
        # Never answered: the link still stops at it, and says why.
        assert abs(video(page, "v.currentTime") - q1.time) < 0.1
        assert "Répondez d'abord à la question obligatoire" in page.evaluate(LIVE)
    else:
        assert abs(video(page, "v.currentTime") - 9.5) < 0.1
        assert "Répondez d'abord" not in page.evaluate(LIVE)
        assert "Répondez d'abord" not in page.inner_text("body")
        assert page.get_attribute("[data-geste-player]", "data-asking") in (None, "")
        # The reminder still names it.
        assert page.locator(".gp-todo-go").count() == 1
        # Playback goes on from there.
        page.click(".gp-play")
        page.wait_for_function("document.querySelector('video.gp-video').currentTime > 10", timeout=10000)
        assert page.get_attribute("[data-geste-player]", "data-asking") in (None, "")
    leave(page)
    assert not errors, errors
