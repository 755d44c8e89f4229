"""« Continuer » after a wrong answer to a mandatory question, kept by the server (``Attempt.went_on_at``).

Before, only the browser remembered it (localStorage): on another device, or a fresh browser,
1. the question stopped playback again, although the learner had already chosen to go on there;
2. a mandatory question at the capsule's last second was asked again on each arrival (the position saved is
   capped at the capsule's end, so it never lies "after" the question).
Now the manifest says which wrong answers the learner went on from: the player lets playback past them and
still lists them « à reprendre »; a new answer to the question starts afresh.
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from capsules.models import Attempt, Interaction, Progress
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
WRONG = "Serrer l'écrou au maximum"
ASKING = "document.querySelector('[data-geste-player]').dataset.asking || ''"


def _fresh(browser, live_server, user):
    """Another device: a browser context that keeps nothing of the learner's (no localStorage)."""
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    log_in(ctx, live_server, user)
    return ctx


def _open(ctx, url, errors):
    page = ctx.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, url)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    return page


def _todo_ids(page) -> list[int]:
    return page.evaluate("[...document.querySelectorAll('.gp-todo-go')].map((b) => +b.dataset.interaction)")


def _went_on(attempt_of) -> None:
    """The « Continuer » reached the server (a POST of its own, sent as the learner presses it)."""
    for _ in range(100):
        if Attempt.objects.filter(interaction=attempt_of, went_on_at__isnull=False).exists():
            return
        time.sleep(0.05)


@pytest.mark.timeout(240)
def test_continuer_on_one_device_lets_playback_past_the_question_on_another(live_server, browser, published):  # noqa: F811
    q1, capsule = published["q1"], published["capsule"]
    user = factories.learner(username="went-on-a")
    url = f"{live_server.url}{published['page'].url}"
    errors: list[str] = []
    ctx = _fresh(browser, live_server, user)
    try:
        page = _open(ctx, url, errors)
        video(page, "(v.muted = true, v.playbackRate = 2)")
        page.tap(".gp-play")
        page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=20000)
        page.locator(".gq-choice", has_text=WRONG).locator("input").check()
        page.tap(".gq-submit")
        page.wait_for_selector(".gq-wrong")
        page.tap(".gq-feedback .gq-continue")
        page.wait_for_function(f"document.querySelector('video.gp-video').currentTime > {q1.time + 0.5}", timeout=10000)
        video(page, "v.pause()")
        _went_on(q1)
        leave(page)
    finally:
        ctx.close()
    # She went back to the first step before leaving (the position saved lies before the question).
    Progress.objects.filter(user=user, capsule=capsule).update(position=2.0, updated_at=timezone.now())

    ctx = _fresh(browser, live_server, user)
    try:
        page = _open(ctx, url, errors)
        page.wait_for_timeout(500)
        assert _todo_ids(page) == [q1.pk]  # « à reprendre » all the same
        video(page, "(v.muted = true, v.playbackRate = 2)")
        page.tap(".gp-play")
        # Playback crosses the question's time: not stopped there again.
        page.wait_for_function(
            f"document.querySelector('video.gp-video').currentTime > {q1.time + 2} || !!({ASKING})", timeout=15000
        )
        assert page.evaluate(ASKING) == "", "the question stopped playback again on another device"
        assert not video(page, "v.paused")
        assert _todo_ids(page) == [q1.pk]
        assert page.locator(".gp-step-todo").count() == 1
        video(page, "v.pause()")
        # The way back to it is still there, and asks it.
        page.click(f".gp-todo-go[data-interaction='{q1.pk}']")
        page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=5000)
        leave(page)
    finally:
        ctx.close()
    assert not errors, errors


@pytest.mark.timeout(240)
def test_a_mandatory_question_at_the_last_second_is_not_asked_again_on_arrival(live_server, browser, published):  # noqa: F811
    capsule, q1, q2 = published["capsule"], published["q1"], published["q2"]
    end = capsule.effective_end
    q1.delete()
    Interaction.objects.filter(pk=q2.pk).update(time=end, mandatory=True)  # true/false, right answer: « Vrai »
    user = factories.learner(username="went-on-end")
    url = f"{live_server.url}{published['page'].url}"
    errors: list[str] = []
    ctx = _fresh(browser, live_server, user)
    try:
        page = _open(ctx, url, errors)
        page.click(".gp-stepbar .gp-mark-step >> nth=2")
        video(page, f"(v.muted = true, v.currentTime = {end - 1.5}, v.play())")
        page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=20000)
        page.check(".gp-question input[value='false']")
        page.click(".gq-submit")
        page.wait_for_selector(".gq-wrong")
        page.click(".gq-feedback .gq-continue")
        page.wait_for_selector(".gp-end:not([hidden])", timeout=10000)
        _went_on(q2)
        leave(page)
    finally:
        ctx.close()
    assert Progress.objects.get(user=user, capsule=capsule).position >= end - 0.1

    # Second arrival, from a browser that keeps nothing of hers.
    ctx = _fresh(browser, live_server, user)
    try:
        page = _open(ctx, url, errors)
        page.wait_for_timeout(2500)  # a question pending at the resume point opens within 1.5 s
        assert page.evaluate(ASKING) == "", "the last-second question was asked again on arrival"
        assert page.locator(".gp-question").count() == 0 or not page.locator(".gp-question").is_visible()
        assert _todo_ids(page) == [q2.pk]  # still « à reprendre », with its way back
        leave(page)
    finally:
        ctx.close()
    assert not errors, errors
