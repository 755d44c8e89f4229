"""« Continuer » after a wrong answer to a mandatory question is recorded on the server, per attempt
(``Attempt.went_on_at``), so that the player on another device, or a fresh browser, does not stop on
that question again and does not ask a question at the capsule's last second on every arrival.

The POST is the learner's own: only their own attempt, on a live capsule, with the CSRF token; bad
input is a clear 400, never a 500. A new answer to the question starts afresh (not gone on)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from capsules.models import Attempt
from tests import factories, pages
from tests.capsules.test_learner_api import manifest_url, post, served_id, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def went_on_url(question) -> str:
    return reverse("learner-went-on", args=[question.pk])


def answer(client, question, stored_id: str) -> str:
    """Answer ``question`` (single choice) with the choice stored as ``stored_id``; the attempt's client id."""
    cid = str(uuid.uuid4())
    choice = served_id(client, question, stored_id)
    body = {"response": {"choice": choice}, "client_id": cid}
    resp = post(client, reverse("learner-answer", args=[question.pk]), body)
    assert resp.status_code == 200, resp.content
    return cid


def state(client, question) -> dict:
    return client.get(manifest_url(question.capsule)).json()["attempts"][str(question.pk)]


def test_continuer_after_a_wrong_answer_is_kept_on_the_attempt_until_a_new_answer(world):  # noqa: F811
    c, q1 = world["client"], world["q1"]
    served = next(i for i in c.get(manifest_url(q1.capsule)).json()["interactions"] if i["id"] == q1.pk)
    assert served["went_on_url"] == went_on_url(q1)
    cid = answer(c, q1, "b")
    assert state(c, q1)["went_on"] is False
    resp = post(c, went_on_url(q1), {"client_id": cid})
    assert resp.status_code == 200, resp.content
    assert resp.json()["went_on"] is True and resp.json()["interaction"] == q1.pk
    attempt = Attempt.objects.get(client_id=cid)
    assert attempt.went_on_at is not None
    # The manifest says so, on any device (a fresh client of the same learner).
    again = Client()
    again.force_login(world["user"])
    assert state(again, q1)["went_on"] is True
    # Sent twice (an offline queue flushed twice): the first time stays.
    assert post(c, went_on_url(q1), {"client_id": cid}).status_code == 200
    assert Attempt.objects.get(client_id=cid).went_on_at == attempt.went_on_at
    # Without the attempt's id: the learner's latest answer to the question.
    cid2 = answer(c, q1, "b")
    assert state(c, q1)["went_on"] is False  # a new answer resets it
    assert post(c, went_on_url(q1), {}).status_code == 200
    assert Attempt.objects.get(client_id=cid2).went_on_at is not None
    # A right answer: nothing is left « à reprendre », nothing to go on from.
    cid3 = answer(c, q1, "a")
    assert state(c, q1)["went_on"] is False
    resp = post(c, went_on_url(q1), {"client_id": cid3})
    assert resp.status_code == 409 and "juste" in resp.json()["error"]
    assert Attempt.objects.get(client_id=cid3).went_on_at is None


def test_another_learners_attempt_is_refused(world):  # noqa: F811
    q1 = world["q1"]
    cid = answer(world["client"], q1, "b")
    other = Client()
    other.force_login(factories.learner())
    resp = post(other, went_on_url(q1), {"client_id": cid})
    assert resp.status_code == 404 and resp.json()["error"]
    # Nor their latest answer: the other learner has none.
    assert post(other, went_on_url(q1), {}).status_code == 404
    assert Attempt.objects.get(client_id=cid).went_on_at is None


def test_draft_capsule_and_proposed_question_are_404(world):  # noqa: F811
    draft = factories.CapsuleFactory(footage=world["capsule"].footage, skills_block=world["capsule"].skills_block)
    q = factories.InteractionFactory(capsule=draft, mandatory=True)
    pages.capsule_page(draft, publish=False)
    attempt = Attempt.objects.create(
        user=world["user"],
        interaction=q,
        response={"choice": "b"},
        correct=False,
        score=0,
        answered_at=world["capsule"].footage.created_at,
    )
    resp = post(world["client"], went_on_url(q), {"client_id": str(attempt.client_id)})
    assert resp.status_code == 404
    attempt.refresh_from_db()
    assert attempt.went_on_at is None
    # The live capsule unpublished afterwards: refused too.
    cid = answer(world["client"], world["q1"], "b")
    world["page"].unpublish()
    assert post(world["client"], went_on_url(world["q1"]), {"client_id": cid}).status_code == 404
    assert Attempt.objects.get(client_id=cid).went_on_at is None


def test_bad_input_is_a_clear_400(world):  # noqa: F811
    c, q1, q2 = world["client"], world["q1"], world["q2"]
    url = went_on_url(q1)
    answer(c, q1, "b")
    for body in (
        "pas du json",
        "[1, 2]",
        json.dumps({"client_id": "pas-un-uuid"}),
        json.dumps({"client_id": 12}),
        json.dumps({"client_id": ["a"]}),
    ):
        resp = c.post(url, body, content_type="application/json")
        assert resp.status_code == 400, (body, resp.status_code)
        assert resp.json()["error"], body
    resp = c.post(url, "x" * 100_000, content_type="application/json")
    assert resp.status_code in (400, 413) and resp.json()["error"]
    # An optional question is never « à reprendre »: nothing to record.
    resp = post(c, went_on_url(q2), {})
    assert resp.status_code == 400 and "obligatoire" in resp.json()["error"]
    # A GET is not a way to record it.
    assert c.get(url).status_code == 405
    assert not Attempt.objects.filter(went_on_at__isnull=False).exists()


def test_the_csrf_token_is_needed(world):  # noqa: F811
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["user"])
    cid = answer(world["client"], world["q1"], "b")
    assert post(strict, went_on_url(world["q1"]), {"client_id": cid}).status_code == 403
    strict.get(manifest_url(world["capsule"]))
    ok = strict.post(
        went_on_url(world["q1"]),
        json.dumps({"client_id": cid}),
        content_type="application/json",
        headers={"X-CSRFToken": strict.cookies["csrftoken"].value},
    )
    assert ok.status_code == 200


def test_a_visitor_goes_on_in_the_session_and_keeps_it_on_signing_in(world):  # noqa: F811
    anon = Client()
    cid = answer(anon, world["q1"], "b")
    resp = post(anon, went_on_url(world["q1"]), {"client_id": cid})
    assert resp.status_code == 200 and resp.json()["went_on"] is True and resp.json()["guest"] is True
    assert not Attempt.objects.exists()
    assert state(anon, world["q1"])["went_on"] is True
    # Signing in merges the session's answers, « Continuer » included.
    user = factories.learner(username="visiteuse")
    resp = anon.post(reverse("learner-login"), {"username": "visiteuse", "password": "motdepasse-geste", "next": "/"})
    assert resp.status_code == 302
    attempt = Attempt.objects.get(user=user, client_id=cid)
    assert attempt.correct is False and attempt.went_on_at is not None
    assert state(anon, world["q1"])["went_on"] is True
