# ruff: noqa: F811  (the world fixture is imported from the learner API tests)
"""The answer API's single-statement store (capsules/learning/answer_store.py) and the request-scoped
stamp of the learner content cache (capsules/pages.py, content_cache.py): one statement per answer on
PostgreSQL, the same results as through the ORM, signals still sent, a change seen by the next request,
and the same behaviour on SQLite (the database of ``make run``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capsules import pages
from capsules.learning import content_cache
from capsules.models import Attempt, LearnerEvent, LtiGradeLink, Progress
from tests.capsules.test_learner_api import post, served_id, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _answer(c, question, choice_id, client_id=None, choice=None):
    url = reverse("learner-answer", args=[question.pk])
    choice = choice or served_id(c, question, choice_id)  # the opaque id this learner's player is sent
    return post(c, url, {"response": {"choice": choice}, "client_id": client_id or str(uuid.uuid4())})


def test_one_statement_stores_the_attempt_its_event_and_reads_completion(world):
    if connection.vendor != "postgresql":
        pytest.skip("the single statement is PostgreSQL's; the ORM path is checked on SQLite below")
    c, capsule, q1, user = world["client"], world["capsule"], world["q1"], world["user"]
    _answer(c, q1, "b")  # session and cached content warm, progress row created
    client_id, right = str(uuid.uuid4()), served_id(c, q1, "a")
    with CaptureQueriesContext(connection) as queries:
        data = _answer(c, q1, "a", client_id, choice=right).json()
    sql = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    inserts = [q for q in sql if "INSERT" in q]
    assert len(inserts) == 1 and "capsules_attempt" in inserts[0] and "capsules_learnerevent" in inserts[0], sql
    assert len(sql) <= 2, sql  # the session read (database sessions in tests) and the answer
    attempt = Attempt.objects.get(user=user, client_id=client_id)
    assert attempt.correct is True and attempt.interaction_id == q1.pk and attempt.created_at is not None
    event = LearnerEvent.objects.get(user=user, client_id=client_id)
    assert event.verb == "answered" and event.capsule_id == capsule.pk
    assert event.data["interaction"] == q1.pk and event.data["result"]["success"] is True
    assert event.timestamp == attempt.answered_at
    assert data["correct"] is True and data["mandatory_left"] == [] and data["duplicate"] is False


def test_json_answers_carry_the_tightest_policy_and_pages_keep_theirs(world):
    c, capsule, q1 = world["client"], world["capsule"], world["q1"]
    answered = _answer(c, q1, "a")
    assert answered["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    manifest = c.get(reverse("learner-manifest", args=[capsule.pk]))
    assert manifest["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    page = c.get(capsule.page.url)
    assert page.status_code == 200 and "script-src 'self'" in page["Content-Security-Policy"]


def test_the_answer_that_settles_the_last_mandatory_question_completes_the_capsule(world):
    """The statement's reads do not see its own insert: the answer itself must count."""
    c, capsule, q1, user = world["client"], world["capsule"], world["q1"], world["user"]
    Progress.objects.create(user=user, capsule=capsule, watched=[[0, 20]], watched_fraction=1.0, position=20)
    data = _answer(c, q1, "b").json()  # wrong, but answered: mandatory questions need an answer
    assert data["mandatory_left"] == [] and data["completed"] is True
    assert Progress.objects.get(user=user, capsule=capsule).completed is True
    assert LearnerEvent.objects.filter(user=user, capsule=capsule, verb="completed").count() == 1


def test_a_replayed_client_id_is_stored_once_and_answered_as_the_first(world):
    c, q1, user = world["client"], world["q1"], world["user"]
    client_id = str(uuid.uuid4())
    first = _answer(c, q1, "a", client_id).json()
    again = _answer(c, q1, "b", client_id).json()
    assert first["duplicate"] is False and again["duplicate"] is True and again["correct"] is True
    assert Attempt.objects.filter(user=user, client_id=client_id).count() == 1
    assert LearnerEvent.objects.filter(user=user, client_id=client_id).count() == 1


def test_a_correct_answer_still_reaches_badge_and_grade_listeners(world, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    from capsules.interop.lti import signals as lti_signals
    from capsules.recognition import signals as recognition_signals

    seen = []
    monkeypatch.setattr(lti_signals, "queue_changed", lambda u, cap: seen.append(("lti", u, cap)))
    monkeypatch.setattr(recognition_signals, "check_block_badge", lambda u, cap, **k: seen.append(("badge", u, cap)))
    c, capsule, q1, user = world["client"], world["capsule"], world["q1"], world["user"]
    with django_capture_on_commit_callbacks(execute=True):
        _answer(c, q1, "b")
    assert seen == []  # a wrong answer changes no grade
    with django_capture_on_commit_callbacks(execute=True):
        _answer(c, q1, "a")
    assert sorted(seen) == [("badge", user.pk, capsule.pk), ("lti", user.pk, capsule.pk)]


def test_a_grade_link_made_after_has_links_was_remembered_is_seen(world):
    from lti_tool.models import LtiDeployment, LtiRegistration, LtiUser

    from capsules.interop.lti.signals import has_links

    user = world["user"]
    assert has_links(user.pk) is False  # remembered as "none"
    registration = LtiRegistration.objects.create(
        name="Moodle", issuer="https://moodle.example", client_id="c1", auth_url="https://moodle.example/auth",
        token_url="https://moodle.example/token", keyset_url="https://moodle.example/jwks")
    LtiDeployment.objects.create(registration=registration, deployment_id="1", is_active=True)
    LtiGradeLink.objects.create(user=user, lti_user=LtiUser.objects.create(registration=registration, sub="s1"),
                                resource_link_id="rl-1", capsule=world["capsule"],
                                lineitem_url="https://moodle.example/lineitem/1")
    assert has_links(user.pk) is True


def test_a_request_reads_the_stamp_once_and_sees_its_own_changes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    pages.begin_request()
    try:
        key = f"geste:test-stamp:{uuid.uuid4().hex}"
        assert content_cache.cached(key, compute) == 1
        assert content_cache.cached(key, compute) == 1 and len(calls) == 1
        stamp = pages.request_stamp()
        assert stamp is not None
        # Another process moves the generation on: this request keeps its stamp (read once)...
        cache.set(pages.CONTENT_GENERATION_KEY, time.time_ns(), None)
        assert content_cache.cached(key, compute) == 1 and pages.request_stamp() == stamp
        # ...but a change made by this request is seen at once.
        pages.new_content_generation()
        assert pages.request_stamp() is None
        assert content_cache.cached(key, compute) == 2
    finally:
        pages.end_request()
    # The next request reads the stamp again; outside a request nothing is remembered.
    cache.set(pages.CONTENT_GENERATION_KEY, time.time_ns(), None)
    assert content_cache.cached(key, compute) == 3 and pages.request_stamp() is None
    assert content_cache.cached(key, compute) == 3


def test_an_entry_held_in_process_memory_is_dropped_when_another_process_moves_the_stamp(world):
    c, capsule, q1 = world["client"], world["capsule"], world["q1"]
    assert _answer(c, q1, "a").status_code == 200  # answer target now in this process's memo
    q1.prompt = "Quel outil règle le couple ?"
    type(q1).objects.filter(pk=q1.pk).update(prompt=q1.prompt)  # no signal, as from another process...
    cache.set(pages.CONTENT_GENERATION_KEY, time.time_ns(), None)  # ...which then moves the stamp
    served = next(i for i in c.get(reverse("learner-manifest", args=[capsule.pk])).json()["interactions"]
                  if i["id"] == q1.pk)
    assert served["prompt"] == q1.prompt


def test_answers_on_sqlite(tmp_path):
    """``make run`` uses SQLite: the ORM path of the store must give the same results there."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'geste.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    tests = ["test_the_answer_that_settles_the_last_mandatory_question_completes_the_capsule",
             "test_a_replayed_client_id_is_stored_once_and_answered_as_the_first",
             "test_a_correct_answer_still_reaches_badge_and_grade_listeners"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", __file__, "-k", " or ".join(tests)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert f"{len(tests)} passed" in output, output[-3000:]
