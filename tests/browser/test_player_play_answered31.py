"""User walk 31, the learner's player at 360 px: after an answer, the card (« Merci. … Continuer ») stayed
open over the paused video and the ▶ button under it, shown enabled, did nothing and said nothing (60 taps).

Now ▶ (and the K / Space shortcuts) does what « Continuer » does when the question is settled (answered
right, self-rated, sent offline, or an optional question answered wrong): the card closes and the video plays
on. Where going on is the learner's choice to make, the video still waits, and the card says why, with the
focus where the learner acts: a question not answered yet (a mandatory one is never passed this way, the
server's rules are the same), or a mandatory question answered wrong (« Continuer » leaves it « à
reprendre »: the learner chooses it, not the play button).

``GESTE_SCREENSHOTS=<folder>`` keeps screenshots of the card after ▶, for a person to look at."""

from __future__ import annotations

import os

import pytest

from capsules.models import Attempt
from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("GESTE_SCREENSHOTS")
GATE = "Répondez d'abord à la question obligatoire."
CHOOSE = "Choisissez «\u00a0Continuer\u00a0» pour relancer la vidéo\u00a0: la question obligatoire restera à reprendre."
PAUSED = "document.querySelector('video.gp-video').paused"
ACTIVE = "(() => { const a = document.activeElement; return a.className + '|' + (a.textContent || '').trim(); })()"


def _snap(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png")


def _said(page, text: str) -> None:
    page.wait_for_function("t => document.getElementById('gp-live').textContent === t", arg=text, timeout=3000)


@pytest.mark.timeout(240)
def test_play_after_an_answer_goes_on_and_never_passes_a_mandatory_question(live_server, phone_context, published):
    q1, q2 = published["q1"], published["q2"]
    user = factories.learner(username="lea-play")
    log_in(phone_context, live_server, user)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    video(page, "(v.muted = true)")
    page.tap(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=20000)
    card = page.locator(".gp-question")

    # Not answered yet, mandatory: ▶ plays nothing; the card says why, the focus on the first choice.
    page.evaluate("document.getElementById('gp-live').textContent = ''")
    page.tap(".gp-play")
    _said(page, GATE)
    page.wait_for_timeout(400)
    assert video(page, "v.paused") is True
    assert page.locator(f"[data-asking='{q1.pk}']").count() == 1
    note = card.locator(".gq-gate")
    assert note.is_visible() and note.inner_text() == GATE
    assert page.evaluate("document.activeElement.closest('.gq-choice') !== null")
    assert not Attempt.objects.filter(interaction=q1).exists()

    # Answered wrong (mandatory): ▶ does not take « Continuer » for the learner: it says where it is, and the
    # focus goes there; nothing is left « à reprendre » behind the learner's back.
    card.locator("label.gq-choice", has_text="Serrer l'écrou au maximum").locator("input").check()
    page.tap(".gq-submit")
    page.wait_for_selector(".gq-wrong")
    page.tap(".gp-play")
    _said(page, CHOOSE)
    page.wait_for_timeout(400)
    assert video(page, "v.paused") is True
    assert page.locator(f"[data-asking='{q1.pk}']").count() == 1
    said = card.locator(".gq-play-note")
    assert said.is_visible() and said.inner_text() == CHOOSE
    assert page.evaluate(ACTIVE).startswith("gq-continue|Continuer"), page.evaluate(ACTIVE)
    assert page.locator(".gp-todo").is_hidden()
    assert card.locator(".gq-gate").count() == 0  # « Répondez d'abord… » no longer beside it: answered
    _snap(page, "play-wrong-mandatory-360")

    # Tried again, right: « Bonne réponse ! … Continuer »; ▶ closes the card and plays on, as « Continuer ».
    page.tap(".gq-retry")
    card.locator("label.gq-choice", has_text="Couper l'arrivée d'eau").locator("input").check()
    page.tap(".gq-submit")
    page.wait_for_selector(".gq-right")
    _snap(page, "play-answered-before-tap-360")
    page.tap(".gp-play")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    assert page.locator("[data-asking]").count() == 0 and card.is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('gp-play')")
    page.wait_for_function("document.querySelector('.gp-play').getAttribute('aria-label') === 'Pause'", timeout=3000)
    _snap(page, "play-answered-after-tap-360")
    tries = Attempt.objects.filter(interaction=q1).order_by("pk").values_list("correct", flat=True)
    assert list(tries) == [False, True]

    # The keyboard: K with the focus on the answer's feedback (where it lands after « Valider ») goes on too.
    page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=15000)
    card.locator("label.gq-choice", has_text="Vrai").locator("input").check()
    card.locator(".gq-submit").press("Enter")
    page.wait_for_selector(".gq-right")
    assert page.evaluate("document.activeElement.classList.contains('gq-feedback')")
    page.keyboard.press("k")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    assert page.locator("[data-asking]").count() == 0
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_space_on_play_after_an_optional_question_answered_wrong_goes_on(live_server, phone_context, published):
    q1, q2 = published["q1"], published["q2"]
    q1.delete()
    log_in(phone_context, live_server, factories.learner(username="leo-play"))
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    video(page, "(v.muted = true, v.currentTime = 9)")
    page.wait_for_function("Math.abs(document.querySelector('video.gp-video').currentTime - 9) < 0.1", timeout=5000)
    page.focus(".gp-play")
    page.keyboard.press(" ")
    page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=15000)
    card = page.locator(".gp-question")
    # Optional, not answered: ▶ says to answer or pass it.
    page.focus(".gp-play")
    page.keyboard.press(" ")
    _said(page, "Répondez à la question, ou passez-la, pour relancer la vidéo.")
    assert video(page, "v.paused") is True
    assert card.locator(".gq-gate").inner_text() == "Répondez à la question, ou passez-la, pour relancer la vidéo."
    # Answered wrong: optional, so « Continuer » passes it; Space on ▶ does the same.
    card.locator("label.gq-choice", has_text="Faux").locator("input").check()
    card.locator(".gq-submit").press("Enter")
    page.wait_for_selector(".gq-wrong")
    page.focus(".gp-play")
    page.keyboard.press(" ")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    assert page.locator("[data-asking]").count() == 0
    leave(page)
    assert not errors, errors
