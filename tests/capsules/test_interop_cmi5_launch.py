"""cmi5 launches, end to end with real parts: the test plays the LMS. It serves, on a local port, the
one-time fetch URL (a token, once), the ``LMS.LaunchData`` state document, and an xAPI endpoint that
checks the token and forwards statements to a real LRS — Ralph, which has no State API (5.1 serves
statements only), hence the LMS serving the state document itself, as a real LMS fronting its LRS
does. Geste is launched like an LMS launches an AU; the learner answers through the learner API and
completes; a real Celery worker on the ``lrs`` queue sends the statements; they are read back from
Ralph: initialized, completed, passed (score.scaled), terminated, in that order, with the cmi5 rules
checked here and Ralph's generic xAPI model (Ralph 5.1 has no cmi5 models)."""

from __future__ import annotations

import json
import threading
import uuid
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from capsules.analytics.cmi5_statements import CMI5_CATEGORY, EXT_MASTERY, EXT_SESSION, MOVEON_CATEGORY
from capsules.learning import delivery
from capsules.models import Cmi5Learner, Cmi5Session, Cmi5Statement, Progress
from tests import factories, pages
from tests.capsules.test_interop_lrs import PASSWORD, USER, ralph, ralph_validation  # noqa: F401 - fixture
from tests.capsules.test_xapi import at, post
from tests.conftest import wait_for

PUBLISHER = "https://lms.example.org/cours/42/au/1"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class LocalLms:
    """The LMS's side of cmi5, small but strict: one token per fetch URL, the token checked on every
    xAPI request, statements forwarded to the LRS with the LMS's own credentials."""

    def __init__(self, lrs_url: str):
        self.lrs_url = lrs_url
        self.tokens: dict[str, str | None] = {}  # fetch key -> token not yet handed out (None once used)
        self.valid: set[str] = set()
        self.fetch_calls: list[str] = []
        self.state: dict[str, dict] = {}  # registration -> LaunchData
        self.state_reads = 0
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_Quiet)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def new_fetch(self) -> str:
        key, token = uuid.uuid4().hex, uuid.uuid4().hex
        self.tokens[key] = token
        return f"{self.origin}/fetch/{key}"

    def app(self, environ, start_response):
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]

        def reply(status: str, body, content_type="application/json"):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
            return [data]

        if path.startswith("/fetch/") and method == "POST":
            key = path.rsplit("/", 1)[-1]
            self.fetch_calls.append(key)
            token = self.tokens.get(key)
            if token is None:
                return reply("400 Bad Request", {"error-code": "1", "error-text": "already in use"})
            self.tokens[key] = None
            self.valid.add(token)
            return reply("200 OK", {"auth-token": token})
        if path.startswith("/cours/") and method == "GET":  # the returnURL: the course page of the LMS
            return reply("200 OK", b"<!DOCTYPE html><html lang=fr><title>Cours</title><h1>Cours 42</h1>",
                         "text/html; charset=utf-8")
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if not auth.startswith("Basic ") or auth[6:] not in self.valid:
            return reply("401 Unauthorized", {"error": "bad token"})
        if path == "/xapi/activities/state" and method == "GET":
            from urllib.parse import parse_qs

            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            self.state_reads += 1
            document = self.state.get(query.get("registration", ""))
            if query.get("stateId") != "LMS.LaunchData" or document is None:
                return reply("404 Not Found", {"error": "no state"})
            return reply("200 OK", document)
        if path == "/xapi/statements" and method == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            forwarded = requests.post(f"{self.lrs_url}/statements", data=body, auth=(USER, PASSWORD), timeout=10,
                                      headers={"Content-Type": "application/json",
                                               "X-Experience-API-Version": "1.0.3"})
            return reply(f"{forwarded.status_code} Forwarded", forwarded.content)
        return reply("404 Not Found", {"error": "unknown"})

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def lms(settings):
    """The LMS alone (no LRS behind it): enough for launches that send nothing over the network."""
    server = LocalLms("http://127.0.0.1:9/xAPI")
    settings.GESTE_CMI5_LMS_ORIGINS = [server.origin]
    yield server
    server.stop()


@pytest.fixture
def lms_with_lrs(ralph, settings):  # noqa: F811 - the imported fixture
    server = LocalLms(ralph.url)
    settings.GESTE_CMI5_LMS_ORIGINS = [server.origin]
    yield server
    server.stop()


def launch_query(lms: LocalLms, registration: str, *, mode="Normal", mastery=0.5, move_on="CompletedOrPassed",
                 actor_name="etu-1234", session_id=None) -> dict:
    session_id = session_id or str(uuid.uuid4())
    lms.state[registration] = {
        "contextTemplate": {"contextActivities": {"grouping": [{"objectType": "Activity", "id": PUBLISHER}]},
                            "extensions": {EXT_SESSION: session_id}},
        "launchMode": mode, "moveOn": move_on, "masteryScore": mastery,
        "returnURL": f"{lms.origin}/cours/42",
    }
    actor = {"objectType": "Agent", "name": "Ana <b>Lopes</b>",
             "account": {"homePage": "https://lms.example.org", "name": actor_name}}
    return {"endpoint": f"{lms.origin}/xapi", "fetch": lms.new_fetch(), "actor": json.dumps(actor),
            "registration": registration, "activityId": PUBLISHER}


def make_capsule():
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Changer un joint")
    q1 = factories.InteractionFactory(capsule=capsule, time=5.0, mandatory=True,
                                      choices=[{"id": "a", "text": "Une clé dynamométrique"},
                                               {"id": "b", "text": "Un marteau"}])
    q2 = factories.InteractionFactory(capsule=capsule, time=15.0, kind="true_false", mandatory=True,
                                      prompt="Le joint se change à sec.", choices=[], answer_key={"correct": False})
    pages.capsule_page(capsule)
    return capsule, q1, q2


@pytest.fixture
def capsule(db):
    return make_capsule()


@pytest.fixture
def live_capsule(transactional_db):  # rows a worker process can see
    return make_capsule()


def test_a_cmi5_launch_reports_initialized_completed_passed_terminated(lms_with_lrs, ralph,  # noqa: F811
                                                                      live_capsule, worker_factory):
    lms, (capsule, q1, q2) = lms_with_lrs, live_capsule
    worker_factory(queues="lrs", concurrency=1, name="cmi5worker")
    registration = str(uuid.uuid4())
    query = launch_query(lms, registration)
    url = f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}"
    client = Client()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == capsule.page.url
    assert lms.fetch_calls == [query["fetch"].rsplit("/", 1)[-1]] and lms.state_reads == 1
    session = Cmi5Session.objects.get()
    token = session.auth_token
    assert token and token in lms.valid
    # the token stays on the server: neither the redirect nor the capsule page carries it
    page = client.get(response["Location"])
    assert page.status_code == 200 and token.encode() not in page.content and token.encode() not in response.content
    learner = session.user
    assert learner.username.startswith("cmi5-") and not learner.has_usable_password()
    assert learner.groups.filter(name="Learners").exists() and not learner.is_staff
    assert Cmi5Learner.objects.get().name == "etu-1234"
    assert learner.first_name == "Ana Lopes"  # the actor's display name, tags stripped, for Geste's header

    # the learner answers through the learner API (q1 right, q2 wrong: 50 %) and watches to the end
    a = delivery.response_to_public(q1, {"choice": "a"}, delivery.audience_for(learner))
    assert post(client, reverse("learner-answer", args=[q1.pk]), {"response": a, "answered_at": at(10)})["correct"]
    assert post(client, reverse("learner-answer", args=[q2.pk]),
                {"response": {"value": True}, "answered_at": at(16)})["correct"] is False
    done = post(client, reverse("learner-progress", args=[capsule.pk]), {"position": 20, "watched": [[0, 20]]})
    assert done["completed"] is True
    # the learner ends the activity with the capsule page's button: back to the LMS's returnURL
    page = client.get(capsule.page.url).content.decode()
    exit_url = reverse("interop-cmi5-terminate", args=[session.pk])
    assert f'action="{exit_url}"' in page and "Terminer et revenir à la formation" in page
    assert Client().post(exit_url).status_code == 401  # someone else's browser cannot end it
    end = client.post(exit_url)
    assert end.status_code == 302 and end["Location"] == f"{lms.origin}/cours/42"

    wait_for(lambda: Cmi5Statement.objects.filter(status="sent").count() == 4, timeout=90,
             message="cmi5 statements sent")
    stored = [s for s in ralph.statements() if s["context"].get("registration") == registration]
    stored.sort(key=lambda s: s["timestamp"])
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in stored]
    assert verbs == ["initialized", "completed", "passed", "terminated"]
    lms_session = lms.state[registration]["contextTemplate"]["extensions"][EXT_SESSION]
    for stmt in stored:
        assert stmt["actor"]["account"] == {"homePage": "https://lms.example.org", "name": "etu-1234"}
        assert stmt["object"]["id"] == PUBLISHER
        ctx = stmt["context"]
        assert ctx["extensions"][EXT_SESSION] == lms_session
        assert CMI5_CATEGORY in [c["id"] for c in ctx["contextActivities"]["category"]]
        assert [g["id"] for g in ctx["contextActivities"]["grouping"]] == [PUBLISHER]  # contextTemplate merged
    initialized, completed, passed, terminated = stored
    assert "result" not in initialized
    assert completed["result"]["completion"] is True and "success" not in completed["result"]
    for stmt in (completed, passed):
        assert MOVEON_CATEGORY in [c["id"] for c in stmt["context"]["contextActivities"]["category"]]
    assert MOVEON_CATEGORY not in [c["id"] for c in terminated["context"]["contextActivities"]["category"]]
    assert passed["result"]["success"] is True and passed["result"]["score"] == {"scaled": 0.5}
    assert passed["context"]["extensions"][EXT_MASTERY] == 0.5
    assert all(s["result"]["duration"].startswith("PT") for s in (completed, passed, terminated))
    results = ralph_validation(stored)
    assert not [r for r in results if r["error"]], results
    session.refresh_from_db()
    assert session.auth_token == ""  # the last statement is out: the token is forgotten
    assert "Terminer et revenir" not in client.get(capsule.page.url).content.decode()  # the session is over

    # the fetch URL is one-time: the same launch link again gets the LMS's error, told in French
    again = Client().get(url)
    assert again.status_code == 400
    assert "déjà servi" in again.content.decode() and len(lms.fetch_calls) == 1  # refused by Geste itself
    assert Cmi5Session.objects.count() == 1


def test_browse_mode_sends_no_completion_and_a_failing_score_fails(lms, capsule,
                                                                  django_capture_on_commit_callbacks):
    capsule, q1, q2 = capsule
    client = Client()
    browse = launch_query(lms, str(uuid.uuid4()), mode="Browse")
    assert client.get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(browse)}").status_code == 302
    learner = Cmi5Session.objects.get().user
    b = delivery.response_to_public(q1, {"choice": "b"}, delivery.audience_for(learner))
    post(client, reverse("learner-answer", args=[q1.pk]), {"response": b, "answered_at": at(10)})
    post(client, reverse("learner-answer", args=[q2.pk]), {"response": {"value": True}, "answered_at": at(16)})
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, reverse("learner-progress", args=[capsule.pk]),
                    {"position": 20, "watched": [[0, 20]]})["completed"] is True
    session = Cmi5Session.objects.get()
    assert session.launch_mode == "Browse"
    assert list(session.statements.values_list("verb", flat=True)) == ["initialized"]
    # the same learner, launched in Normal mode with a mastery score of 0.8: 0 % right -> failed
    normal = launch_query(lms, str(uuid.uuid4()), mastery=0.8)
    assert client.get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(normal)}").status_code == 302
    second = Cmi5Session.objects.exclude(pk=session.pk).get()
    assert second.user == learner  # one account per actor
    with django_capture_on_commit_callbacks(execute=True):
        post(client, reverse("learner-progress", args=[capsule.pk]), {"position": 20, "watched": [[0, 20]]})
    verbs = dict(second.statements.values_list("verb", "statement"))
    assert set(verbs) == {"initialized", "completed", "failed"}
    assert verbs["failed"]["result"] == {"success": False, "score": {"scaled": 0.0},
                                         "duration": verbs["failed"]["result"]["duration"]}


HOSTILE = [
    ("endpoint", "javascript:alert(1)"),
    ("endpoint", "http://169.254.169.254/latest"),  # not a declared LMS: no request goes there
    ("endpoint", "file:///etc/passwd"),
    ("fetch", "http://evil.example.net/fetch"),
    ("actor", json.dumps({"mbox": "mailto:a@b.fr"})),
    ("actor", json.dumps({"account": {"homePage": "javascript:alert(1)", "name": "x"}})),
    ("actor", json.dumps({"account": {"homePage": "https://lms.example.org", "name": "a\u0000b"}})),
    ("actor", "{pas du json"),
    ("registration", "1 OR 1=1"),
    ("activityId", "javascript:alert(document.cookie)"),
    ("activityId", "https://lms.example.org/au 1"),
]


@pytest.mark.parametrize("name,value", HOSTILE)
def test_hostile_launch_parameters_are_refused(lms, capsule, name, value):
    capsule, _, _ = capsule
    query = launch_query(lms, str(uuid.uuid4()))
    query[name] = value
    users = get_user_model().objects.count()
    response = Client().get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}")
    assert response.status_code == 400
    assert "Lancement cmi5 refusé" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert lms.fetch_calls == [] and get_user_model().objects.count() == users
    assert not Cmi5Session.objects.exists()


def test_launches_are_refused_when_no_lms_is_declared(lms, capsule, settings):
    capsule, _, _ = capsule
    settings.GESTE_CMI5_LMS_ORIGINS = []
    query = launch_query(lms, str(uuid.uuid4()))
    response = Client().get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}")
    assert response.status_code == 400 and "pas déclarée" in response.content.decode()
    assert lms.fetch_calls == []


@pytest.mark.parametrize("move_on,expected", [
    ("Passed", {"initialized", "completed", "passed"}),  # completion is this capsule's only criterion
    ("CompletedAndPassed", {"initialized", "completed", "passed"}),
    ("Completed", {"initialized", "completed"}),
    ("CompletedOrPassed", {"initialized", "completed"}),
])
def test_move_on_decides_a_pass_for_a_capsule_without_questions(lms, db, move_on, expected,
                                                                django_capture_on_commit_callbacks):
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Observer")
    pages.capsule_page(capsule)
    client = Client()
    query = launch_query(lms, str(uuid.uuid4()), move_on=move_on, mastery=None)
    assert client.get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        post(client, reverse("learner-progress", args=[capsule.pk]), {"position": 20, "watched": [[0, 20]]})
    session = Cmi5Session.objects.get()
    assert session.move_on == move_on and session.mastery_score is None
    statements = dict(session.statements.values_list("verb", "statement"))
    assert set(statements) == expected
    if "passed" in statements:
        assert "score" not in statements["passed"]["result"]
        assert EXT_MASTERY not in statements["passed"]["context"]["extensions"]


def test_the_lms_template_is_merged_not_replaced():
    from datetime import UTC, datetime

    from capsules.analytics.cmi5_statements import AuSession, defined_statement

    template = {"contextActivities": {"category": [{"id": CMI5_CATEGORY}, {"id": "https://lms.example.org/cat"}],
                                      "grouping": [{"id": PUBLISHER}]},
                "extensions": {EXT_SESSION: "s-1", "https://lms.example.org/ext": 3}}
    session = AuSession("s-1", {"objectType": "Agent", "account": {"homePage": "https://lms.example.org",
                                                                   "name": "x"}},
                        PUBLISHER, uuid.UUID(int=7), template, 0.75)
    stmt = defined_statement(session, "failed", datetime(2026, 1, 1, tzinfo=UTC), elapsed_s=61.236, score=0.5)
    categories = [c["id"] for c in stmt["context"]["contextActivities"]["category"]]
    assert categories == [CMI5_CATEGORY, "https://lms.example.org/cat", MOVEON_CATEGORY]
    assert stmt["context"]["extensions"] == {EXT_SESSION: "s-1", "https://lms.example.org/ext": 3, EXT_MASTERY: 0.75}
    assert stmt["result"] == {"success": False, "score": {"scaled": 0.5}, "duration": "PT61.24S"}
    assert template["extensions"] == {EXT_SESSION: "s-1", "https://lms.example.org/ext": 3}  # not mutated
    assert stmt["id"] == defined_statement(session, "failed", datetime(2027, 1, 1, tzinfo=UTC))["id"]
    with pytest.raises(ValueError):
        defined_statement(session, "played", datetime(2026, 1, 1, tzinfo=UTC))


def test_statements_wait_when_the_lms_is_down_and_leave_in_order_when_it_is_back(lms, capsule):
    from capsules.interop import cmi5_runtime, lrs

    capsule, _, _ = capsule
    client = Client()
    query = launch_query(lms, str(uuid.uuid4()))
    assert client.get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}").status_code == 302
    session = Cmi5Session.objects.get()
    cmi5_runtime.terminate(session)
    session.refresh_from_db()
    received = []
    lms.stop()  # the LMS goes down
    with pytest.raises(lrs.LrsUnavailable, match="injoignable"):
        cmi5_runtime.send_session(session.pk)
    rows = Cmi5Statement.objects.filter(session=session).order_by("pk")
    assert [(r.verb, r.status, r.attempts) for r in rows] == [("initialized", "pending", 1),
                                                              ("terminated", "pending", 1)]
    assert all(r.next_attempt_at for r in rows)
    assert cmi5_runtime.send_session(session.pk) == 0  # not before the backoff delay
    assert cmi5_runtime.due_sessions() == []

    # back up (same origin), the token still valid: both leave in one ordered batch, then the token goes
    back = LocalLms("http://127.0.0.1:9/xAPI")

    def store(environ, start_response):  # an LRS that keeps what it gets, behind the session's token
        assert environ["PATH_INFO"] == "/xapi/statements"
        assert environ["HTTP_AUTHORIZATION"] == f"Basic {session.auth_token}"
        received.extend(json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"[]"]

    back.server.set_app(store)
    try:
        Cmi5Session.objects.filter(pk=session.pk).update(endpoint=f"{back.origin}/xapi")
        rows.update(next_attempt_at=None)
        assert cmi5_runtime.due_sessions() == [session.pk]
        assert cmi5_runtime.send_session(session.pk) == 2
        assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in received] == ["initialized", "terminated"]
        assert set(rows.values_list("status", flat=True)) == {"sent"}
        session.refresh_from_db()
        assert session.auth_token == ""
    finally:
        back.stop()


def test_cmi5_state_on_the_designer_screen(lms, capsule, settings):
    capsule, _, _ = capsule
    designer = Client()
    designer.force_login(factories.designer())
    settings.GESTE_CMI5_LMS_ORIGINS = []
    page = designer.get(reverse("geste_packages")).content.decode()
    assert "Aucune plateforme n'est autorisée à lancer les capsules en cmi5" in page
    settings.GESTE_CMI5_LMS_ORIGINS = [lms.origin, "javascript:alert(1)"]  # a bad entry is ignored
    query = launch_query(lms, str(uuid.uuid4()))
    assert Client().get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}").status_code == 302
    Cmi5Statement.objects.update(last_error="LMS injoignable : ConnectionError")
    page = designer.get(reverse("geste_packages")).content.decode()
    assert f"<code>{lms.origin}</code>" in page and "javascript:" not in page
    assert "1 session lancée" in page and "1 déclaration cmi5 en attente" in page
    assert "LMS injoignable : ConnectionError" in page
    assert Client().get(reverse("geste_packages")).status_code in (302, 403)  # designers only


def test_closing_the_window_terminates_once_after_the_progress_it_brings(lms, capsule,
                                                                         django_capture_on_commit_callbacks):
    """The capsule page sends a beacon on ``pagehide`` (window closed, page left): the last watched
    ranges it carries complete the capsule (completed, passed reported first), then ``terminated``,
    once, even when the learner also pressed "Terminer" or the beacon comes twice."""
    capsule, q1, q2 = capsule
    client = Client(enforce_csrf_checks=True)
    query = launch_query(lms, str(uuid.uuid4()))
    assert client.get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}").status_code == 302
    session = Cmi5Session.objects.get()
    page = client.get(capsule.page.url).content.decode()
    close_url = reverse("interop-cmi5-close", args=[session.pk])
    assert f'data-close="{close_url}"' in page
    token = client.cookies["csrftoken"].value
    learner = session.user
    a = delivery.response_to_public(q1, {"choice": "a"}, delivery.audience_for(learner))
    for q, response in ((q1, a), (q2, {"value": False})):
        client.post(reverse("learner-answer", args=[q.pk]), json.dumps({"response": response}),
                    content_type="application/json", HTTP_X_CSRFTOKEN=token)
    client.post(reverse("learner-progress", args=[capsule.pk]), json.dumps({"position": 10, "watched": [[0, 10]]}),
                content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert list(session.statements.values_list("verb", flat=True)) == ["initialized"]  # half watched

    assert client.post(close_url, {"position": "20"}).status_code == 403  # no CSRF token: refused
    assert Client().post(close_url).status_code in (401, 403)  # not the learner's browser
    other = Client()
    other.force_login(factories.learner())
    assert other.post(close_url).status_code == 404  # another account
    beacon = {"csrfmiddlewaretoken": token, "position": "20", "watched": json.dumps([[10, 20]])}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(close_url, beacon).status_code == 204
    session.refresh_from_db()
    assert session.terminated_at is not None
    assert list(session.statements.order_by("pk").values_list("verb", flat=True)) == [
        "initialized", "completed", "passed", "terminated"]
    # The learner had also pressed "Terminer", and the beacon comes again: nothing more is recorded.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(close_url, beacon).status_code == 204
        end = client.post(reverse("interop-cmi5-terminate", args=[session.pk]), {"csrfmiddlewaretoken": token})
    assert end.status_code == 302 and end["Location"] == f"{lms.origin}/cours/42"
    assert session.statements.filter(verb="terminated").count() == 1 and session.statements.count() == 4


@pytest.mark.parametrize("fields", [
    {"position": "NaN", "watched": "pas du json"},
    {"position": "1e999", "watched": json.dumps({"a": 1})},
    {"position": "<script>", "watched": json.dumps([["x", None], [5], "…"] * 1000)},
    {},
])
def test_a_hostile_closing_beacon_still_just_terminates(lms, capsule, fields):
    capsule, _, _ = capsule
    client = Client()
    query = launch_query(lms, str(uuid.uuid4()))
    client.get(f"{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}")
    session = Cmi5Session.objects.get()
    assert client.post(reverse("interop-cmi5-close", args=[session.pk]), fields).status_code == 204
    assert list(session.statements.order_by("pk").values_list("verb", flat=True)) == ["initialized", "terminated"]
    progress = Progress.objects.filter(user=session.user, capsule=capsule).first()
    assert progress is None or (progress.watched_fraction == 0 and not progress.completed)
