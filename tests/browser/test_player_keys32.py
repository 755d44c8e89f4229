"""First users after walk 31, the learner's player by keyboard (a computer, 1280 px):

- K did nothing with the focus on the page's body (after a click beside the player, or on arriving) or on the
  seek bar, though it played on every button of the player; Space on the body scrolled the page instead.
  K now plays or pauses anywhere on the capsule page but in a text field (the site's search, the transcript's)
  or on a question's answer; Space on the body plays or pauses without scrolling, and on the seek bar too (a
  range has no Space action). A link or a button outside the player keeps its own Space. An open mandatory
  question not answered yet still refuses, with its message.
- After « Voir la réponse attendue » of a self-rated question (free recall), ▶ said « Répondez d'abord à la
  question obligatoire. », which the learner had done: it now says what is missing, the self-rating (its
  three choices named as on screen), and puts the focus on its first choice; once rated, « Valider ».

``GESTE_SCREENSHOTS=<folder>`` keeps a screenshot of the card after ▶ for a person to look at."""

from __future__ import annotations

import os

import pytest

from capsules import models
from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GATE = "Répondez d'abord à la question obligatoire."
RATE = "Évaluez-vous d'abord\u00a0: «\u00a0Je savais\u00a0», «\u00a0En partie\u00a0» ou «\u00a0Je ne savais pas\u00a0»."
SUBMIT = "Validez d'abord votre évaluation («\u00a0Valider\u00a0»)."
PAUSED = "document.querySelector('video.gp-video').paused"
SCREENSHOTS = os.environ.get("GESTE_SCREENSHOTS")


def _said(page, text: str) -> None:
    page.wait_for_function("t => document.getElementById('gp-live').textContent === t", arg=text, timeout=3000)


def _on_body(page) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    assert page.evaluate("document.activeElement === document.body")


def _page(browser, live_server, published, username, lang="fr"):
    ctx = browser.new_context(locale="en-GB" if lang == "en" else "fr-FR", viewport={"width": 1280, "height": 800})
    log_in(ctx, live_server, factories.learner(username=username))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    video(page, "(v.muted = true)")
    return ctx, page, errors


@pytest.mark.timeout(240)
def test_k_anywhere_space_on_the_body_and_the_seek_bar_play_and_pause(live_server, browser, published):
    published["q2"].delete()
    ctx, page, errors = _page(browser, live_server, published, "kim-keys")

    # K on the page's body plays, and pauses again.
    _on_body(page)
    page.keyboard.press("k")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    page.keyboard.press("k")
    page.wait_for_function(PAUSED, timeout=5000)

    # Space on the body: plays (and pauses), the page does not scroll.
    assert page.evaluate("document.documentElement.scrollHeight > innerHeight + 100")
    page.evaluate("window.scrollTo(0, 40)")
    page.wait_for_function("scrollY === 40")
    _on_body(page)
    page.keyboard.press(" ")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    page.keyboard.press(" ")
    page.wait_for_function(PAUSED, timeout=5000)
    page.wait_for_timeout(300)
    assert page.evaluate("scrollY") == 40

    # A click beside the player focuses the page's main region (tabindex -1, for the skip link): Space there
    # plays too, without scrolling (walk 32: it scrolled the player off the screen).
    page.evaluate("document.getElementById('contenu').focus({preventScroll: true})")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.keyboard.press(" ")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    page.keyboard.press(" ")
    page.wait_for_function(PAUSED, timeout=5000)
    page.wait_for_timeout(300)
    assert page.evaluate("scrollY") == 40

    # The seek bar: Space and K play and pause; its arrows still move the video.
    page.focus(".gp-seek")
    page.keyboard.press(" ")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    page.keyboard.press("k")
    page.wait_for_function(PAUSED, timeout=5000)
    page.keyboard.press("K")  # Caps Lock or Shift: the same key
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    page.keyboard.press("k")
    page.wait_for_function(PAUSED, timeout=5000)
    assert page.evaluate("document.activeElement.classList.contains('gp-seek')")

    # A text field keeps its letters: K typed in the site's search is a « k », the video stays paused.
    search = page.locator("input[type=search], input[name=q]").first
    search.focus()
    page.keyboard.type("kk")
    page.keyboard.press(" ")
    page.wait_for_timeout(400)
    assert search.input_value() == "kk "
    assert video(page, "v.paused") is True

    # An open mandatory question not answered: K (and Space) on the body refuse, with its message, the
    # focus on its first choice, as ▶ does.
    q1 = published["q1"]
    video(page, "(v.currentTime = 4.4)")
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    _on_body(page)
    page.keyboard.press("k")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    # Walk 32: the card says the question is mandatory before any answer.
    assert page.evaluate("document.querySelector('.gp-question h2').textContent") == "Question obligatoire"
    for key in ("k", " "):
        _on_body(page)
        page.evaluate("document.getElementById('gp-live').textContent = ''")
        page.keyboard.press(key)
        _said(page, GATE)
        page.wait_for_timeout(300)
        assert video(page, "v.paused") is True
        assert page.evaluate("document.activeElement.closest('.gq-choice') !== null")
    # On the question's choices, K is not the player's: nothing is said, the choice keeps the focus.
    page.evaluate("document.getElementById('gp-live').textContent = ''")
    page.keyboard.press("k")
    page.wait_for_timeout(400)
    assert page.evaluate("document.getElementById('gp-live').textContent") == ""
    assert page.evaluate("document.activeElement.closest('.gq-choice') !== null")
    assert not models.Attempt.objects.filter(interaction=q1).exists()
    leave(page)
    ctx.close()
    assert not errors, errors


def _recall(published):
    return models.Interaction.objects.create(
        capsule=published["capsule"],
        time=2.0,
        kind="free_recall",
        step=published["steps"][0],
        mandatory=True,
        prompt="Avant de démonter le siphon, que faites-vous ?",
        answer_key={"model_answer": "Couper l'eau, poser une bassine."},
    )


def _ask(page, inter) -> None:
    page.evaluate(
        "id => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
        " p.ask(p.m.interactions.find(i => i.id === id)); }",
        inter.pk,
    )
    page.wait_for_selector(f"[data-asking='{inter.pk}']")


@pytest.mark.timeout(240)
def test_play_after_the_expected_answer_asks_for_the_self_rating(live_server, browser, published):
    recall = _recall(published)
    ctx, page, errors = _page(browser, live_server, published, "sam-rates")
    _ask(page, recall)
    card = page.locator(".gp-question")

    # Before « Voir la réponse attendue »: the question is not answered, the usual message.
    page.click(".gp-play")
    _said(page, GATE)

    page.get_by_label("Votre réponse", exact=True).fill("Couper l'eau.")
    page.get_by_role("button", name="Voir la réponse attendue").click()
    page.wait_for_selector(".gq-model:not([hidden])")

    # ▶ now says what is missing, the self-rating, with the focus on its first choice.
    page.evaluate("document.getElementById('gp-live').textContent = ''")
    page.click(".gp-play")
    _said(page, RATE)
    assert card.locator(".gq-gate").inner_text() == RATE
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/player-rate-first-1280.png")
    assert page.evaluate("document.activeElement.type === 'radio' && document.activeElement.value === 'knew'")
    assert video(page, "v.paused") is True
    # By keyboard too (K on the body), the same.
    _on_body(page)
    page.evaluate("document.getElementById('gp-live').textContent = ''")
    page.keyboard.press("k")
    _said(page, RATE)

    # Rated, not sent: ▶ says to press « Valider », and goes there.
    page.get_by_text("En partie", exact=True).click()
    page.evaluate("document.getElementById('gp-live').textContent = ''")
    page.click(".gp-play")
    _said(page, SUBMIT)
    assert card.locator(".gq-gate").inner_text() == SUBMIT
    assert page.evaluate("document.activeElement.classList.contains('gq-submit')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gq-feedback .gq-self")
    assert models.Attempt.objects.get(interaction=recall).response["self_assessment"] == "partly"
    assert card.locator(".gq-gate").count() == 0  # « Validez d'abord… » no longer beside « Merci. »
    # « Merci. »: ▶ goes on.
    page.click(".gp-play")
    page.wait_for_function(f"!{PAUSED}", timeout=5000)
    leave(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_self_rating_message_in_english(live_server, browser, published):
    recall = _recall(published)
    ctx, page, errors = _page(browser, live_server, published, "sue-rates", lang="en")
    _ask(page, recall)
    page.get_by_role("button", name="See the expected answer").click()
    page.wait_for_selector(".gq-model:not([hidden])")
    page.click(".gp-play")
    _said(page, "Rate yourself first: “I knew”, “Partly” or “I didn't know”.")
    page.get_by_text("Partly", exact=True).click()
    page.click(".gp-play")
    _said(page, "Submit your rating first (“Submit”).")
    leave(page)
    ctx.close()
    assert not errors, errors
