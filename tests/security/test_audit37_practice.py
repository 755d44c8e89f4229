"""Audit 37: the practice page (FSRS review) and its offline sync never ask or grade a question learners
may no longer see: a capsule withdrawn from publication (its page unpublished, or a parent page), or a
question the designer took back out of the accepted ones."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from capsules.learning import practice
from capsules.models import Interaction, PracticeCard, PracticeReview, Progress
from tests import factories, pages

pytestmark = pytest.mark.django_db

SECRET_PROMPT = "Question de la capsule retirée : quel couple de serrage ?"


@pytest.fixture
def world():
    learner = factories.learner()
    footage = factories.FootageFactory(duration=60.0)
    capsule = factories.CapsuleFactory(footage=footage, title="Capsule bientôt retirée")
    pages.capsule_page(capsule)
    question = factories.InteractionFactory(capsule=capsule, prompt=SECRET_PROMPT,
                                            draft_status=Interaction.DraftStatus.ACCEPTED)
    Progress.objects.create(user=learner, capsule=capsule, watched_fraction=1, completed=True,
                            completed_at=datetime.now(UTC) - timedelta(days=3))
    practice.ensure_cards(learner)
    card = PracticeCard.objects.get(user=learner, interaction=question)
    PracticeCard.objects.filter(pk=card.pk).update(due=datetime.now(UTC) - timedelta(days=1))
    client = Client()
    client.force_login(learner)
    assert escape(SECRET_PROMPT) in client.get(reverse("learner-practice")).content.decode()  # while published
    return learner, capsule, question, card, client


def _withdraw_page(capsule):
    capsule.page.unpublish()


def _withdraw_parent(capsule):
    capsule.page.get_parent().specific.unpublish()


def _discard_question(capsule):
    capsule.interactions.update(draft_status=Interaction.DraftStatus.DISCARDED)


@pytest.mark.parametrize("withdraw", [_withdraw_page, _withdraw_parent, _discard_question])
def test_practice_never_asks_or_grades_a_withdrawn_question(world, withdraw):
    learner, capsule, question, card, client = world
    withdraw(capsule)
    html = client.get(reverse("learner-practice")).content.decode()
    assert escape(SECRET_PROMPT) not in html and SECRET_PROMPT not in html
    answered = client.post(reverse("learner-practice"),
                           {"card": card.pk, "client_id": str(uuid.uuid4()), "choice": "a"})
    assert answered.status_code == 404
    assert "Oui : elle garantit" not in answered.content.decode()
    synced = client.post(reverse("learner-practice-sync"), json.dumps({"reviews": [
        {"card": card.pk, "client_id": str(uuid.uuid4()), "fields": [["choice", "a"]],
         "answered_at": datetime.now(UTC).isoformat()}]}), content_type="application/json")
    assert "Oui : elle garantit" not in synced.content.decode()
    assert not PracticeReview.objects.filter(card=card).exists()
