"""Audit 37: the first try (the end screen's score, the portfolio's, a badge's minimum, trainers' reports) is
the earliest attempt by ``answered_at``, a time the player sends (answers queued offline keep theirs). Sent
with a time before a wrong answer already recorded, a right answer became the first try. A new attempt now
never goes before the learner's latest recorded attempt at the same question; genuine offline answers,
which reach the server in the order they were given, keep their times."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from capsules import clock
from capsules.models import Attempt
from capsules.recognition.achievements import first_attempts
from tests.capsules.test_learner_api import served_id, world  # noqa: F401

pytestmark = pytest.mark.django_db


def _answer(client, question, choice, answered_at=None):
    body = {"response": {"choice": choice}, "client_id": str(uuid.uuid4())}
    if answered_at is not None:
        body["answered_at"] = answered_at.isoformat()
    response = client.post(reverse("learner-answer", args=[question.pk]), json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 200
    return response.json()


def test_a_right_answer_sent_back_in_time_is_not_the_first_try(world):  # noqa: F811
    client, q1, user = world["client"], world["q1"], world["user"]
    wrong = _answer(client, q1, served_id(client, q1, "b"))
    assert wrong["correct"] is False
    right = _answer(client, q1, served_id(client, q1, "a"), answered_at=clock.now() - timedelta(days=400))
    assert right["correct"] is True
    assert first_attempts(user, [q1.pk])[q1.pk].correct is False
    state = client.get(reverse("learner-manifest", args=[world["capsule"].pk])).json()["attempts"][str(q1.pk)]
    assert state["first_correct"] is False and state["correct"] is True  # the right one is the latest


def test_offline_answers_keep_their_own_times(world):  # noqa: F811
    client, q1, q2 = world["client"], world["q1"], world["q2"]
    earlier = clock.now() - timedelta(hours=3)
    _answer(client, q1, served_id(client, q1, "b"), answered_at=earlier)
    _answer(client, q1, served_id(client, q1, "a"), answered_at=earlier + timedelta(minutes=1))
    times = list(Attempt.objects.filter(interaction=q1).order_by("pk").values_list("answered_at", flat=True))
    assert times == [earlier, earlier + timedelta(minutes=1)]
    assert first_attempts(world["user"], [q1.pk])[q1.pk].correct is False
    assert q2.pk not in first_attempts(world["user"], [q2.pk])


def test_a_visitor_answer_sent_back_in_time_and_merged_at_sign_in_is_not_the_first_try(world):  # noqa: F811
    """The same trick through a visitor's session: answered right « before » the account's wrong answer, then
    merged into the account at sign-in (``signin.merge_guest_session``)."""
    from django.test import Client

    client, q1, user = world["client"], world["q1"], world["user"]
    assert _answer(client, q1, served_id(client, q1, "b"))["correct"] is False
    visitor = Client()
    assert _answer(visitor, q1, served_id(visitor, q1, "a"),
                   answered_at=clock.now() - timedelta(days=400))["correct"] is True
    signed_in = visitor.post(reverse("learner-login"), {"username": user.username, "password": "motdepasse-geste"})
    assert signed_in.status_code == 302
    assert Attempt.objects.filter(user=user, interaction=q1).count() == 2
    assert first_attempts(user, [q1.pk])[q1.pk].correct is False
