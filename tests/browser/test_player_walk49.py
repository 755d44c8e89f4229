"""Walk 49, the learner's player on a phone:

- a wrong answer brought the captions and the transcript back while the question stayed open: the caption over
  the card and the transcript under the player gave the blank's word to copy before « Réessayer ». They stay
  hidden until the question is answered right or closed (« Revoir l'étape », « Continuer »);
- the « Reprise à 0:04 · Recommencer au début » note stayed over the video's top while the question asked there
  was open."""

from __future__ import annotations

import pytest

from tests.browser import test_player as base
from tests.browser.test_player import leave
from tests.browser.test_player_keys_resume37 import _open

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(180)
def test_a_wrong_answer_keeps_the_transcript_hidden_until_the_question_is_done(live_server, phone_context,
                                                                                 published):
    q1 = published["q1"]  # mandatory, at 5.0, « Réessayer » offered
    page, errors = _open(phone_context, live_server, published, "lea-wrong-hidden", position=4.0)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=10000)
    assert not page.locator(".gp-transcript").is_visible()
    page.click(".gq-choice:has-text('Serrer')")  # wrong
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-retry")
    page.wait_for_timeout(300)
    assert not page.locator(".gp-transcript").is_visible()
    assert not page.locator(".gp-caption").is_visible()
    page.click(".gq-retry")
    page.click(".gq-choice:has-text('Couper')")  # right
    page.click(".gq-submit")
    page.wait_for_selector(".gq-feedback .gq-right")
    page.wait_for_selector(".gp-transcript", state="visible", timeout=3000)
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_resume_note_goes_when_a_question_opens(live_server, phone_context, published):
    q1 = published["q1"]
    page, errors = _open(phone_context, live_server, published, "lea-resume-question", position=4.5)
    note = page.locator(".gp-resume-note")
    assert note.is_visible() and note.inner_text().startswith("Reprise à 0:04")
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=10000)
    assert page.locator(".gp-resume-note").count() == 0
    leave(page)
    assert not errors, errors
