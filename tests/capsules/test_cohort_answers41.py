"""Walk 41: the trainer's page for one learner said « 67 % (2 sur 3 questions) » per capsule but not which
question was missed nor what the learner answered (« tasse » typed where « conférence » was expected). It now
lists every question with its tries, the first try (the one the badge counts) and the answers in words; what a
learner typed is escaped."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from capsules.models import Attempt, Interaction
from tests import factories
from tests.capsules.test_cohort_walk29 import _english, _session

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _answer(user, question, response, correct, minutes):
    return Attempt.objects.create(user=user, interaction=question, response=response, correct=correct,
                                  score=1.0 if correct else 0.0,
                                  answered_at=datetime(2026, 12, 16, 10, tzinfo=UTC) + timedelta(minutes=minutes))


def test_the_trainer_sees_each_question_its_tries_and_the_answers_in_words(client):
    cohort, trainer, karim, capsule = _session(reviews=False)
    choice = factories.InteractionFactory(capsule=capsule, time=5.0, mandatory=True)
    blank = factories.InteractionFactory(
        capsule=capsule, time=13.6, kind=Interaction.Kind.CLOZE, choices=[], mandatory=False,
        prompt="Vous allez maintenant joindre la ____.", answer_key={"blanks": [["conférence"]]})
    recall = factories.InteractionFactory(capsule=capsule, time=20.0, kind="free_recall", choices=[], mandatory=False,
                                          prompt="Que vérifiez-vous ?", answer_key={})
    untouched = factories.InteractionFactory(capsule=capsule, time=30.0, prompt="Et ensuite ?", mandatory=False)
    _answer(karim, choice, {"choice": "b"}, False, 1)
    _answer(karim, choice, {"choice": "a"}, True, 2)
    _answer(karim, blank, {"blanks": ["<b>tasse</b>"]}, False, 3)
    _answer(karim, blank, {"blanks": ["conférence"]}, True, 4)
    _answer(karim, recall, {"text": "le joint", "self_assessment": "partly"}, False, 5)
    client.force_login(trainer)
    url = reverse("geste_cohort_learner", args=[cohort.pk, karim.pk])
    response = client.get(url)
    body = response.content.decode()
    assert "<b>tasse</b>" not in body and "&lt;b&gt;tasse&lt;/b&gt;" in body  # typed text is escaped
    rows = {int(m.group(1)): _text_of(m.group(2)) for m in
            re.finditer(r'<tr data-question="(\d+)">(.*?)</tr>', body, re.S)}
    assert rows[choice.pk] == ("Quel outil faut-il pour serrer l'écrou ? (obligatoire) | 0:05 | 2 | fausse | "
                               "Un marteau | juste : Une clé dynamométrique")
    assert rows[blank.pk] == ("Vous allez maintenant joindre la ____. | 0:13 | 2 | fausse | <b>tasse</b> | "
                             "juste : conférence")
    assert rows[recall.pk] == ("Que vérifiez-vous ? | 0:20 | 1 | auto-évaluation (non notée) | "
                               "«\u00a0le joint\u00a0» — En partie | —")
    assert rows[untouched.pk] == "Et ensuite ? | 0:30 | 0 | pas encore répondue | — | —"
    # Another learner's answers are not this learner's.
    other = factories.learner()
    cohort.learners.add(other)
    _answer(other, untouched, {"choice": "a"}, True, 6)
    assert "pas encore répondue" in _text(client.get(url))
    # In English for an English trainer.
    _english(trainer)
    text = _text(client.get(url))
    assert "Answers to the questions" in text and "wrong" in text and "Partly" in text


def test_a_learner_of_another_session_is_not_shown(client):
    cohort, trainer, karim, capsule = _session(reviews=False)
    other = factories.UserFactory(groups=["Trainers"])
    client.force_login(other)
    assert client.get(reverse("geste_cohort_learner", args=[cohort.pk, karim.pk])).status_code == 404


def _text_of(row_html: str) -> str:
    cells = re.findall(r"<td>(.*?)</td>", row_html, re.S)
    return " | ".join(re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", c))).strip() for c in cells)


def test_proposals_not_accepted_are_not_questions_of_the_learner(client):
    """Walk 46: the designer accepted one of six proposed questions; the trainer's page listed all six, the five
    others « pas encore répondue » and « (obligatoire) », though the learner never saw them."""
    cohort, trainer, karim, capsule = _session(reviews=False)
    asked = factories.InteractionFactory(capsule=capsule, time=5.0, mandatory=True)
    proposed = factories.InteractionFactory(capsule=capsule, time=9.0, mandatory=True, prompt="Proposée, en attente",
                                            origin="drafted", draft_status=Interaction.DraftStatus.PROPOSED)
    discarded = factories.InteractionFactory(capsule=capsule, time=12.0, mandatory=True, prompt="Écartée",
                                             origin="drafted", draft_status=Interaction.DraftStatus.DISCARDED)
    _answer(karim, asked, {"choice": "a"}, True, 1)
    client.force_login(trainer)
    body = client.get(reverse("geste_cohort_learner", args=[cohort.pk, karim.pk])).content.decode()
    shown = {int(pk) for pk in re.findall(r'<tr data-question="(\d+)">', body)}
    assert asked.pk in shown and not shown & {proposed.pk, discarded.pk}
    assert "pas encore répondue" not in _text(client.get(reverse("geste_cohort_learner", args=[cohort.pk, karim.pk])))
