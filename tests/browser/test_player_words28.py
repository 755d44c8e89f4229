"""A first user's walk of the learner player (words 28), in Chromium:

1. a wrong answer's feedback said « Revoyez l'étape avant de répondre à nouveau » beside a « Réessayer »
   available at once, and « Revoir l'étape » played from the step's start to the question only (1 s): now
   the text says what the buttons do, « Revoir l'étape » plays the whole step and then asks the question
   again; with the designer's « faire revoir l'étape » option, the replay is the way to try again;
2. the end panel's badge box was a long nested list on a phone: the reasons in short, the rest behind
   « Voir le détail »; the self-assessment question counted is named; « Capsule terminée » said once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from capsules import models
from capsules.models import Achievement, Attempt, Progress
from tests import factories, pages
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


def _wrong_at_q1(page, live_server, published):  # noqa: F811
    q1 = published["q1"]
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.seek(4.2)")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=10000)
    page.locator(".gq-choice", has_text="Serrer l'écrou au maximum").locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-wrong")


@pytest.mark.timeout(120)
def test_wrong_answer_says_what_its_buttons_do_and_the_replay_plays_the_whole_step(live_server, context,
                                                                                  published):  # noqa: F811
    q1 = published["q1"]  # mandatory, at 5.0 in « Dévisser l'écrou » (4-8)
    published["q2"].delete()
    log_in(context, live_server, factories.learner(username="words28a"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _wrong_at_q1(page, live_server, published)
    # The buttons say it: no « Revoyez l'étape (bouton ci-dessous) ou réessayez. » beside them (end panel 28).
    assert page.locator(".gq-feedback .gq-next").count() == 0
    assert page.locator(".gq-retry").is_visible() and page.locator(".gq-replay").is_visible()
    page.click(".gq-replay")
    # The whole step plays (past the question's time, which is not asked on the way)...
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 7.4", timeout=10000)
    assert page.locator(f"{PLAYER}[data-asking]").count() == 0
    # ...then back to the question, asked again at its time.
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=5000)
    assert 4.8 <= video(page, "v.currentTime") <= 5.3
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_the_designer_replay_option_makes_the_replay_the_way_to_try_again(live_server, context,
                                                                         published):  # noqa: F811
    models.Interaction.objects.filter(pk=published["q1"].pk).update(replay_step_on_wrong=True)
    log_in(context, live_server, factories.learner(username="words28b"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _wrong_at_q1(page, live_server, published)
    assert page.inner_text(".gq-feedback .gq-next") == (
        "Avec «\xa0Revoir l'étape\xa0», la question vous sera reposée à la fin de l'étape.")
    assert page.locator(".gq-retry").count() == 0
    assert page.eval_on_selector_all(".gq-actions button", "bs => bs.map(b => b.className)") == [
        "gq-replay", "gq-continue"]
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(120)
def test_end_panel_badge_box_is_short_on_a_phone(live_server, phone_context, published):  # noqa: F811
    capsule = published["capsule"]
    Achievement.objects.create(skills_block=capsule.skills_block, name="Plomberie", description="d",
                               criteria_narrative="c", min_first_try_score=100, require_mandatory_correct=True)
    other = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=capsule.skills_block,
                                                                      duration=20.0),
                                     title="Changer un flexible", skills_block=capsule.skills_block)
    factories.InteractionFactory(capsule=other, mandatory=True, time=6.0, prompt="Quel flexible choisir ?")
    factories.InteractionFactory(capsule=other, mandatory=True, time=8.0, kind="free_recall",
                                 prompt="Citez les trois contrôles.", choices=[], answer_key={})
    pages.capsule_page(other)
    learner = factories.learner(username="words28c")
    now = datetime.now(UTC) - timedelta(minutes=2)
    Attempt.objects.create(user=learner, interaction=published["q1"], response={}, correct=False, score=0,
                           answered_at=now)
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    # Completed on this page: the player's status said « Capsule terminée. » under the end panel's title.
    Progress.objects.create(user=learner, capsule=capsule, position=12.0, watched=[[0, 12]],
                            watched_fraction=1.0, completed=True, completed_at=now + timedelta(seconds=5))
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.onCompleted(true)")
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.ended()")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-badge--pending", timeout=10000)
    page.wait_for_selector(".gp-end .gp-badge-short", timeout=5000)
    state = page.evaluate(f"""() => {{ const b = document.querySelector('.gp-end .gp-badge');
        const d = b.querySelector('details.gp-badge-detail');
        return {{short: b.querySelector('.gp-badge-short').innerText, open: d && d.open,
                 summary: d && d.querySelector('summary').innerText, detail: d && d.textContent,
                 text: document.querySelector('{PLAYER}').innerText, height: b.getBoundingClientRect().height}}; }}""")
    # The first-try minimum out of reach: only that, and the trainer, in the short line (end panel 28).
    assert state["short"] == ("Score au premier essai\u00a0: 0\u00a0% (minimum 100\u00a0%). Ce minimum ne peut plus "
                              "être atteint. Votre formateur peut vous attribuer le badge après vous avoir "
                              "observé."), state
    assert state["summary"] == "Voir le détail" and state["open"] is False
    assert "dont 1 question d'auto-évaluation, «\u00a0Citez les trois contrôles.\u00a0»" in state["detail"]
    assert state["text"].count("Capsule terminée") == 1, state["text"]
    assert state["height"] < 260, state
    page.click(".gp-badge-detail summary")
    question = page.locator(".gp-badge-question").first
    assert question.is_visible() and question.locator("a").is_visible()
    leave(page)
    assert not errors, errors
