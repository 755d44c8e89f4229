"""A fifth first-user walk of the learner player:

1. "Revoir l'étape" on a question asked at a step boundary (a drafted "what comes next?") replays the
   step that leads to it, then asks it again (it showed the same question again at once);
2. an open question hides what gives its answer away (step label, step list, captions), shown again
   once answered;
3. the step loop still turns back while an optional question is open and the video plays;
5. the end screen's score is the first-try one, as in the portfolio and for the badge.
"""

from __future__ import annotations

import pytest

from capsules import models
from tests.browser.test_learner_journey import journey  # noqa: F401  (fixture)
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    open_capsule,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def player(page, expr: str):
    return page.evaluate(
        f"(() => {{ const p = document.querySelector('[data-geste-player]').gestePlayer; return {expr}; }})()")


@pytest.mark.timeout(180)
def test_replaying_a_question_at_a_step_boundary_replays_the_step_before(live_server, context, journey):  # noqa: F811
    tf = journey["tf"]
    journey["capsule"].interactions.exclude(pk=tf.pk).delete()
    # Asked where "Dévisser l'écrou" (4-8) ends and "Serrer le joint" (8-12) starts, attached to the latter.
    models.Interaction.objects.filter(pk=tf.pk).update(time=8.0, replay_step_on_wrong=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    player(page, "p.seek(7.0)")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{tf.pk}']", timeout=10000)
    page.click(".gq-choice:has-text('Faux')")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-replay")
    page.click(".gq-feedback .gq-replay")
    page.wait_for_timeout(600)
    # The step watched before the question plays again, the question closed...
    assert page.locator("[data-geste-player][data-asking]").count() == 0
    assert 4.0 <= video(page, "v.currentTime") < 6.0
    assert not video(page, "v.paused")
    # ...and the question comes back at its time.
    page.wait_for_selector(f"[data-asking='{tf.pk}']", timeout=10000)
    assert abs(video(page, "v.currentTime") - 8.0) < 0.5
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_an_open_question_hides_what_gives_its_answer_away(live_server, context, journey):  # noqa: F811
    tf = journey["tf"]  # at 10.0 in "Serrer le joint" (8-12), said in the caption and transcript then
    journey["capsule"].interactions.exclude(pk=tf.pk).delete()
    # A statement naming a step: the steps' names would tell it (a question naming none keeps them shown,
    # test_player_steps_during_question.py).
    models.Interaction.objects.filter(pk=tf.pk).update(
        prompt="Après « Dévisser l'écrou », on serre le joint avec une clé.")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    player(page, "p.seek(8.6)")
    page.click(".gp-play")
    page.wait_for_selector(".gp-caption:not([hidden])", timeout=10000)
    page.wait_for_function("document.querySelector('.gp-step-now').textContent.includes('Serrer le joint')",
                           timeout=5000)
    assert page.locator(".gp-steps li.current").count() == 1
    page.wait_for_selector(f"[data-asking='{tf.pk}']", timeout=10000)
    page.wait_for_timeout(400)  # a few more ticks: nothing comes back while it is open
    assert not page.locator(".gp-step-now").is_visible()
    assert page.locator(".gp-steps li.current").count() == 0
    assert not any(page.locator(".gp-steps .gp-step-title").nth(i).is_visible() for i in range(2))
    assert not page.locator(".gp-caption").is_visible()
    assert not page.locator(".gp-transcript").is_visible()
    assert page.locator(".gp-steps .gp-concealed-note").is_visible()
    assert page.locator(".gp-mark-step[title]").count() == 0  # no step name on hover over the bar
    # Answered: everything is back, and the video still paused at the question.
    page.click(".gq-choice:has-text('Vrai')")
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-continue")
    page.wait_for_selector(".gp-step-now", state="visible", timeout=3000)
    assert "Serrer le joint" in page.inner_text(".gp-step-now")
    assert page.locator(".gp-steps li.current").count() == 1
    assert page.locator(".gp-steps .gp-step-title").first.is_visible()
    assert page.locator(".gp-caption").is_visible() and "joint" in page.inner_text(".gp-caption")
    assert page.locator(".gp-transcript").is_visible()
    assert not page.locator(".gp-steps .gp-concealed-note").is_visible()
    assert page.locator(".gp-mark-step[title='Serrer le joint']").count() == 1
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_step_loop_turns_back_while_an_optional_question_is_open(live_server, context, journey):  # noqa: F811
    order = journey["order"]  # optional, at 7.0 in "Dévisser l'écrou" (4-8)
    journey["capsule"].interactions.exclude(pk=order.pk).delete()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    player(page, "p.seek(6.6)")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{order.pk}']", timeout=10000)
    page.click(".gp-loop")
    assert page.get_attribute(".gp-loop", "aria-pressed") == "true"
    # The question left open, the video plays on (as after a reload that reopened it): the loop holds.
    video(page, "v.play()")
    page.wait_for_selector("[data-loops='1']", timeout=8000)
    assert 4.0 <= video(page, "v.currentTime") < 7.0
    assert page.locator(f"[data-asking='{order.pk}']").count() == 1
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_end_screen_score_is_the_first_try_one_as_in_the_portfolio(live_server, context, journey):  # noqa: F811
    from capsules.learning.views import submit_answer
    from tests import factories
    from tests.browser.test_player import log_in

    tf = journey["tf"]  # at 10.0; the capsule ends at 12.0
    journey["capsule"].interactions.exclude(pk=tf.pk).delete()
    user = factories.learner(username="walk5")
    # Answered in an earlier visit: wrong, then right on a retry.
    assert submit_answer(user, tf, {"value": False}, None, None)[0].correct is False
    assert submit_answer(user, tf, {"value": True}, None, None)[0].correct is True
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{journey['page'].url}")
    player(page, "p.seek(11.0)")
    page.click(".gp-play")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-scores", timeout=15000)
    assert page.inner_text(".gp-end .gp-score") == "Score au premier essai\u00a0: 0\u00a0%"
    assert page.inner_text(".gp-end .gp-score-detail") == "0 question juste sur 1"
    assert page.inner_text(".gp-end .gp-retried").startswith("Après nouvelles tentatives\u00a0: 1 juste sur 1.")
    leave(page)
    assert not errors, errors
