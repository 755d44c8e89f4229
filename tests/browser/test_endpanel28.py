"""A re-check walk of the learner player on a 360-px phone (end panel 28), in Chromium:

1. one wrong first answer made the badge's first-try minimum unreachable, and the end panel said both « Ce
   minimum ne peut plus être atteint » and « Pour le badge du bloc, la question obligatoire … doit être
   réussie » with « Reprendre la question »: the badge box now says, in its short line, that the badge can
   only come from the trainer (the block page's words), and the retake is offered for the capsule only;
2. a wrong answer's feedback said « Ce n'est pas la bonne réponse. », the designer's « Non. Revoyez l'étape… »
   and « Revoyez l'étape (bouton ci-dessous) ou réessayez. »: the player's own guidance line went (the
   buttons say it); only the designer's « replay » option keeps a short line, which says what it adds;
3. the site's « Hors ligne — version du … » mark stayed at the top once the connection was back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from capsules import models
from capsules.models import Achievement, Attempt, Progress
from tests import factories
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
)
from tests.browser.test_player_words28 import _wrong_at_q1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"
TRAINER = "Votre formateur peut vous attribuer le badge après vous avoir observé."


@pytest.mark.timeout(120)
def test_unreachable_first_try_minimum_says_the_trainer_and_no_retake_for_the_badge(live_server, phone_context,
                                                                                    published):  # noqa: F811
    capsule, q1 = published["capsule"], published["q1"]
    published["q2"].delete()
    Achievement.objects.create(skills_block=capsule.skills_block, name="Plomberie sanitaire", min_first_try_score=50,
                               description="Joints et siphons.", criteria_narrative="Toutes les capsules.")
    learner = factories.learner(username="endpanel28a")
    now = datetime.now(UTC) - timedelta(minutes=2)
    Attempt.objects.create(user=learner, interaction=q1, response={}, correct=False, score=0, answered_at=now)
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    Progress.objects.create(user=learner, capsule=capsule, position=12.0, watched=[[0, 12]],
                            watched_fraction=1.0, completed=True, completed_at=now + timedelta(seconds=5))
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.onCompleted(true)")
    page.evaluate(f"document.querySelector('{PLAYER}').gestePlayer.ended()")
    page.wait_for_selector(".gp-end:not([hidden]) .gp-badge--pending[data-final='1'] .gp-badge-short", timeout=10000)
    page.wait_for_selector(".gp-end .gp-end-badge-retake", timeout=5000)
    state = page.evaluate("""() => { const end = document.querySelector('.gp-end');
        const short = end.querySelector('.gp-badge-short');
        return {short: short.innerText, shortVisible: short.getBoundingClientRect().height > 0,
                retake: [...end.querySelectorAll('.gp-end-badge-retake')].map((p) => p.innerText),
                state: end.querySelector('.gp-end-state').innerText}; }""")
    assert TRAINER in state["short"] and state["shortVisible"], state
    assert state["short"] == ("Score au premier essai\u00a0: 0\u00a0% (minimum 50\u00a0%). Ce minimum ne peut "
                              "plus être atteint. "
                              + TRAINER), state  # not « · 1 question obligatoire à réussir » as a way to it
    # Retaking no longer leads to the badge: offered for the capsule, labelled as such.
    assert "Pour le badge du bloc" not in state["state"], state
    assert state["retake"] == ["Pour maîtriser la capsule, vous pouvez reprendre la question obligatoire "
                               "«\u00a0Avant de dévisser l'écrou, que faut-il faire ?\u00a0». "
                               "Reprendre la question de 0:05"], state
    leave(page)
    # The block page agrees: the trainer, and no « doit être réussie » for the badge under the capsule.
    page = phone_context.new_page()
    page.goto(f"{live_server.url}{capsule.page.get_parent().url}")
    texts = page.evaluate("""() => ({badge: document.querySelector('.block-badge').innerText,
        note: [...document.querySelectorAll('ol.capsules .capsule-to-get-right')].map((p) => p.innerText)
              .join(' ')})""")
    assert TRAINER in texts["badge"], texts
    assert "Pour le badge du bloc" not in texts["note"] and "Pour maîtriser la capsule" in texts["note"], texts
    page.close()
    assert not errors, errors


@pytest.mark.timeout(90)
def test_wrong_answer_feedback_says_review_the_step_once(live_server, phone_context, published):  # noqa: F811
    published["q2"].delete()
    models.Interaction.objects.filter(pk=published["q1"].pk).update(
        feedback_wrong="Non. Revoyez l'étape « Dévisser l'écrou » à partir de 0:00 : l'eau d'abord.")
    log_in(phone_context, live_server, factories.learner(username="endpanel28b"))
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _wrong_at_q1(page, live_server, published)
    state = page.evaluate("""() => { const fb = document.querySelector('.gq-feedback');
        return {text: [...fb.querySelectorAll('p')].map((p) => p.innerText).join(' '),
                next: fb.querySelectorAll('.gq-next').length,
                buttons: [...fb.querySelectorAll('button')].map((b) => b.innerText)}; }""")
    assert state["text"].count("Revoyez") == 1 and state["next"] == 0, state
    assert state["buttons"] == ["Réessayer", "Revoir l'étape", "Continuer"], state
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(60)
def test_offline_mark_goes_when_the_connection_comes_back(live_server, phone_context, published):  # noqa: F811
    """The worker's copy is imitated: the block page as the service worker serves it offline (the mark
    before <main>, offline.js at the end), then the connection drops and comes back."""
    block_url = f"{live_server.url}{published['page'].get_parent().url}"
    mark = '<p class="offline-stale" role="status" data-offline-stale>Hors ligne — version du 4 décembre à 23:27</p>'

    def kept(route):
        html = route.fetch().text()
        html = html.replace("<main", mark + "<main", 1).replace(
            "</body>", '<script src="/static/cms/offline.js"></script></body>')
        route.fulfill(status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8"})

    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(block_url, kept)
    page.goto(block_url)
    expect(page.locator("[data-offline-stale]")).to_have_text("Hors ligne — version du 4 décembre à 23:27")
    phone_context.set_offline(True)
    page.wait_for_function("!navigator.onLine")
    expect(page.locator("[data-offline-stale]")).to_be_visible()
    phone_context.set_offline(False)
    expect(page.locator("[data-offline-stale]")).to_have_text("De nouveau en ligne.")
    phone_context.set_offline(True)  # gone again: the copy's date is said again
    expect(page.locator("[data-offline-stale]")).to_have_text("Hors ligne — version du 4 décembre à 23:27")
    phone_context.set_offline(False)
    page.close()
    assert not errors, errors
