"""xAPI export: learner activity made through the real learner API comes out as valid xAPI 1.0.3
statements (required fields, real verb IRIs, graded answers, stable ids), only for the requested
capsule or block, without answer keys; designers only; a query count independent of the events."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from capsules.analytics import xapi
from capsules.models import Attempt, Interaction, LearnerEvent
from tests import factories, pages

pytestmark = pytest.mark.django_db

BASE = timezone.now().replace(microsecond=0) - timedelta(hours=2)
FEEDBACK_RIGHT = "Oui : elle garantit le couple de serrage."
CHOICE_HINT = "Indice réservé à la correction"
ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"}

ADL = "http://adlnet.gov/expapi/verbs/"
VIDEO = "https://w3id.org/xapi/video/verbs/"


def at(seconds: int) -> str:
    return (BASE + timedelta(seconds=seconds)).isoformat()


def post(client, url, data):
    resp = client.post(url, json.dumps(data), content_type="application/json")
    assert resp.status_code == 200, resp.content
    return resp.json()


def learner_session(user, capsule, q1, q2, *, t0: int):
    """Watch, pause, seek, answer q1 wrong then right, answer q2, watch to the end: the real learner API."""
    client = Client()
    client.force_login(user)
    events = [
        {"verb": "initialized", "client_id": str(uuid.uuid4()), "timestamp": at(t0), "data": {"source": "hls"}},
        {"verb": "played", "client_id": str(uuid.uuid4()), "timestamp": at(t0 + 1), "data": {"time": 1.5}},
        {"verb": "paused", "client_id": str(uuid.uuid4()), "timestamp": at(t0 + 2), "data": {"time": -3}},
        {"verb": "seeked", "client_id": str(uuid.uuid4()), "timestamp": at(t0 + 3), "data": {"from": 4.25, "to": 2}},
    ]
    assert post(client, reverse("learner-events", args=[capsule.pk]), {"events": events})["received"] == 4
    answer = reverse("learner-answer", args=[q1.pk])
    manifest = client.get(reverse("learner-manifest", args=[capsule.pk])).json()
    served = {c["text"]: c["id"] for i in manifest["interactions"] if i["id"] == q1.pk for c in i["choices"]}
    a, b = (served[next(c["text"] for c in q1.choices if c["id"] == x)] for x in ("a", "b"))  # opaque ids
    assert post(client, answer, {"response": {"choice": b}, "answered_at": at(t0 + 10)})["correct"] is False
    assert post(client, answer, {"response": {"choice": a}, "answered_at": at(t0 + 11)})["correct"] is True
    post(client, reverse("learner-answer", args=[q2.pk]), {"response": {"value": True}, "answered_at": at(t0 + 12)})
    done = post(client, reverse("learner-progress", args=[capsule.pk]), {"position": 20, "watched": [[0, 20]]})
    assert done["completed"] is True
    return client


@pytest.fixture
def world():
    footage = factories.FootageFactory(duration=20.0)
    capsule = factories.CapsuleFactory(footage=footage, title="Changer un joint")
    q1 = factories.InteractionFactory(
        capsule=capsule, time=5.0, mandatory=True, feedback_correct=FEEDBACK_RIGHT,
        choices=[{"id": "a", "text": "Une clé dynamométrique", "feedback": CHOICE_HINT},
                 {"id": "b", "text": "Un marteau"}],
    )
    q2 = factories.InteractionFactory(capsule=capsule, time=15.0, kind="true_false", mandatory=False,
                                      prompt="Le joint se change à sec.", choices=[], answer_key={"correct": False})
    page = pages.capsule_page(capsule)
    sibling = factories.CapsuleFactory(footage=factories.FootageFactory(skills_block=capsule.skills_block,
                                                                        duration=20.0),
                                       title="Purger un radiateur", order=1)
    pages.capsule_page(sibling)
    # another skills block (the footage factory makes a new one)
    other = factories.CapsuleFactory(title="Poser un siphon", footage=factories.FootageFactory(duration=20.0))
    other_q = factories.InteractionFactory(capsule=other, time=3.0)
    other_q2 = factories.InteractionFactory(capsule=other, time=6.0, mandatory=False, kind="true_false",
                                            choices=[], answer_key={"correct": True})
    pages.capsule_page(other)

    alice = factories.learner(username="alice.martin@example.org")
    bob = factories.learner(username="bob")
    learner_session(alice, capsule, q1, q2, t0=0)
    learner_session(bob, other, other_q, other_q2, t0=100)  # bob never opens the exported capsule
    learner_session(alice, other, other_q, other_q2, t0=200)
    bob_client = Client()
    bob_client.force_login(bob)
    post(bob_client, reverse("learner-events", args=[sibling.pk]),
         {"events": [{"verb": "initialized", "client_id": str(uuid.uuid4()), "timestamp": at(300)}]})
    return {"capsule": capsule, "q1": q1, "q2": q2, "page": page, "sibling": sibling, "other": other,
            "alice": alice, "bob": bob}


def export(client, url) -> tuple[list[dict], str]:
    resp = client.get(url)
    assert resp.status_code == 200 and resp.streaming
    assert resp["Content-Type"].startswith("application/json")
    body = b"".join(resp.streaming_content).decode("utf-8")
    return json.loads(body), resp["Content-Disposition"]


def is_iri(value) -> bool:
    parts = urlparse(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in {"http", "https"} and parts.netloc)


def assert_valid_statement(stmt: dict):
    """The xAPI 1.0.3 requirements the export must meet (Data, section 2.4)."""
    assert str(uuid.UUID(stmt["id"])) == stmt["id"]
    actor = stmt["actor"]
    assert actor["objectType"] == "Agent" and set(actor) == {"objectType", "account"}  # one IFI, no mbox
    assert is_iri(actor["account"]["homePage"]) and actor["account"]["name"]
    assert is_iri(stmt["verb"]["id"])
    display = stmt["verb"]["display"]  # video-profile verbs: exactly {"en-US": verb}; others in French too
    assert display == {"en-US": stmt["verb"]["id"].rsplit("/", 1)[-1]} or (display["fr"] and display["en"])
    assert stmt["object"]["objectType"] == "Activity" and is_iri(stmt["object"]["id"])
    assert is_iri(stmt["object"]["definition"]["type"])
    assert ISO_8601.match(stmt["timestamp"]) and datetime.fromisoformat(stmt["timestamp"]).tzinfo is not None
    context = stmt["context"]
    assert context["language"] == "fr"
    for key, acts in context.get("contextActivities", {}).items():
        assert key in {"parent", "grouping", "category", "other"} and all(is_iri(a["id"]) for a in acts)
    if "score" in stmt.get("result", {}):
        assert -1 <= stmt["result"]["score"]["scaled"] <= 1
    if stmt["object"]["definition"]["type"].endswith("cmi.interaction"):
        assert stmt["object"]["definition"]["interactionType"] in INTERACTION_TYPES


def test_capsule_export_is_valid_xapi_from_real_learner_activity(world):
    capsule, q1, q2, alice = world["capsule"], world["q1"], world["q2"], world["alice"]
    designer = Client()
    designer.force_login(factories.designer())
    url = reverse("geste_report_capsule_xapi", args=[capsule.pk])
    statements, disposition = export(designer, url)
    text = json.dumps(statements, ensure_ascii=False)

    assert len(statements) == LearnerEvent.objects.filter(capsule=capsule).count() == 8
    for stmt in statements:
        assert_valid_statement(stmt)
    assert [s["verb"]["id"] for s in statements] == [
        ADL + "initialized", VIDEO + "played", VIDEO + "paused", VIDEO + "seeked",
        ADL + "answered", ADL + "answered", ADL + "answered", ADL + "completed",
    ]
    capsule_url = world["page"].get_full_url()
    assert capsule_url.startswith("http://") and capsule_url.endswith(f"/{world['page'].slug}/")
    block_url = world["page"].get_parent().specific.get_full_url()
    cert_url = world["page"].get_parent().get_parent().specific.get_full_url()
    # only the requested capsule, only its learner; the actor is the pk, never the e-mail username
    assert {s["actor"]["account"]["name"] for s in statements} == {str(alice.pk)}
    assert "alice.martin@example.org" not in text and "Poser un siphon" not in text and "Purger" not in text
    assert {s["actor"]["account"]["homePage"] for s in statements} == {"http://localhost"}

    video = statements[:4] + statements[7:]
    for stmt in video:
        assert stmt["object"]["id"] == capsule_url
        assert stmt["object"]["definition"] == {"name": {"fr": "Changer un joint"},
                                                "type": "https://w3id.org/xapi/video/activity-type/video"}
        assert [a["id"] for a in stmt["context"]["contextActivities"]["parent"]] == [block_url]
        assert [a["id"] for a in stmt["context"]["contextActivities"]["grouping"]] == [cert_url]
        assert stmt["context"]["contextActivities"]["category"][0]["id"] == "https://w3id.org/xapi/video"
    assert statements[0]["timestamp"] == (BASE.astimezone(UTC)
                                          .isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    assert statements[1]["result"]["extensions"] == {"https://w3id.org/xapi/video/extensions/time": 1.5}
    assert "result" not in statements[2]  # a negative client time is dropped, not exported
    assert statements[3]["result"]["extensions"] == {"https://w3id.org/xapi/video/extensions/time-from": 4.25,
                                                     "https://w3id.org/xapi/video/extensions/time-to": 2.0}
    assert statements[7]["result"] == {"completion": True,
                                       "extensions": {"https://w3id.org/xapi/video/extensions/time": 20.0,
                                                      "https://w3id.org/xapi/video/extensions/progress": 1.0}}
    # video profile: one session id per viewing (the "initialized" it follows), the video's length
    session = statements[0]["context"]["extensions"]["https://w3id.org/xapi/video/extensions/session-id"]
    assert uuid.UUID(session) and all(
        s["context"]["extensions"]["https://w3id.org/xapi/video/extensions/session-id"] == session
        for s in (statements[1], statements[2], statements[3], statements[7]))
    assert statements[0]["context"]["extensions"]["https://w3id.org/xapi/video/extensions/length"] == 20.0

    wrong, right, tf = statements[4:7]
    assert wrong["object"]["id"] == right["object"]["id"] == f"{capsule_url}#interaction-{q1.pk}"
    assert tf["object"]["id"] == f"{capsule_url}#interaction-{q2.pk}"
    assert right["object"]["definition"]["interactionType"] == "choice"
    assert right["object"]["definition"]["choices"] == [{"id": "a", "description": {"fr": "Une clé dynamométrique"}},
                                                        {"id": "b", "description": {"fr": "Un marteau"}}]
    assert tf["object"]["definition"]["interactionType"] == "true-false"
    assert (wrong["result"]["success"], wrong["result"]["score"], wrong["result"]["response"]) == (
        False, {"scaled": 0.0}, "b")
    assert (right["result"]["success"], right["result"]["score"], right["result"]["response"]) == (
        True, {"scaled": 1.0}, "a")
    assert (tf["result"]["success"], tf["result"]["response"]) == (False, "true")  # the key says False
    assert right["result"]["extensions"] == {"https://w3id.org/xapi/video/extensions/time": 5.0}
    assert [a["id"] for a in right["context"]["contextActivities"]["parent"]] == [capsule_url]
    assert [a["id"] for a in right["context"]["contextActivities"]["grouping"]] == [block_url, cert_url]
    # answer keys and feedbacks never leave the server
    assert "correctResponsesPattern" not in text and FEEDBACK_RIGHT not in text and CHOICE_HINT not in text

    # re-exporting gives the same ids (LRSs dedupe on id); ids are unique
    again, _ = export(designer, url)
    assert [s["id"] for s in again] == [s["id"] for s in statements]
    assert len({s["id"] for s in statements}) == len(statements)
    attempt = Attempt.objects.get(user=alice, interaction=q1, correct=True)
    assert right["id"] == str(uuid.uuid5(xapi.STATEMENT_NAMESPACE, f"{alice.pk}:{attempt.client_id}"))
    assert right["id"] != str(attempt.client_id)
    today = timezone.localdate().isoformat()
    assert disposition == f'attachment; filename="xapi-{world["page"].slug}-{today}.json"'


def test_an_answer_says_which_pass_through_the_capsule_it_belongs_to(world):
    """« Refaire la capsule » starts a new pass (Attempt.run): each answered statement carries its pass as the
    attempt number, so an LRS tells a first try from a later one (before, every answer looked like a first try)."""
    capsule, q1, alice = world["capsule"], world["q1"], world["alice"]
    learner = Client()
    learner.force_login(alice)
    manifest = learner.get(reverse("learner-manifest", args=[capsule.pk])).json()
    right = next(c["id"] for i in manifest["interactions"] if i["id"] == q1.pk for c in i["choices"]
                 if c["text"] == "Une clé dynamométrique")
    post(learner, reverse("learner-answer", args=[q1.pk]),
         {"response": {"choice": right}, "answered_at": at(40), "run": 2})
    assert Attempt.objects.filter(user=alice, interaction=q1, run=2).count() == 1
    designer = Client()
    designer.force_login(factories.designer())
    statements, _ = export(designer, reverse("geste_report_capsule_xapi", args=[capsule.pk]))
    answered = [s for s in statements if s["verb"]["id"] == ADL + "answered"]
    for stmt in answered:
        assert_valid_statement(stmt)
    assert [s["context"]["extensions"][xapi.EXT_ATTEMPT] for s in answered] == [1, 1, 1, 2]
    assert xapi.EXT_ATTEMPT == "http://id.tincanapi.com/extension/attempt-id"


def test_skills_block_export_covers_its_capsules_only(world):
    designer = Client()
    designer.force_login(factories.designer())
    block = world["capsule"].skills_block
    statements, disposition = export(designer, reverse("geste_report_block_xapi", args=[block.pk]))
    expected = LearnerEvent.objects.filter(capsule__skills_block=block)
    assert len(statements) == expected.count() == 9  # alice's 8 in the capsule + bob's 1 in the sibling
    sibling_url = world["sibling"].page.get_full_url()
    assert [s["actor"]["account"]["name"] for s in statements if s["object"]["id"] == sibling_url] == [
        str(world["bob"].pk)]
    assert "Poser un siphon" not in json.dumps(statements, ensure_ascii=False)
    assert block.code.lower() in disposition
    for stmt in statements:
        assert_valid_statement(stmt)


def test_capsule_report_links_to_the_export(world):
    client = Client()
    client.force_login(factories.designer())
    body = client.get(reverse("geste_report_capsule", args=[world["capsule"].pk])).content.decode()
    assert reverse("geste_report_capsule_xapi", args=[world["capsule"].pk]) in body
    assert "Exporter (xAPI)" in body


ROLES = {
    "anonymous": None,
    "learner": factories.learner,
    "expert": factories.expert,
    "designer": factories.designer,
    "admin": lambda **kw: factories.UserFactory(is_superuser=True, is_staff=True, **kw),
}
EXPECTED = {"anonymous": 302, "learner": 302, "expert": 403, "designer": 200, "admin": 200}


def test_only_designers_and_admins_export(world):
    capsule = world["capsule"]
    urls = [reverse("geste_report_capsule_xapi", args=[capsule.pk]),
            reverse("geste_report_block_xapi", args=[capsule.skills_block_id])]
    seen = {}
    client = Client()
    for role, make in ROLES.items():
        client.logout()
        if make:
            client.force_login(make(username=f"xapi-{role}"))
        for url in urls:
            resp = client.get(url)
            seen[role, url] = resp.status_code
            body = b"".join(resp.streaming_content) if resp.streaming else resp.content
            if resp.status_code == 200:
                assert ADL.encode() + b"answered" in body
            else:
                assert b"w3id.org" not in body and b"answered" not in body
            if role == "anonymous":
                assert resp["Location"].startswith(reverse("wagtailadmin_login") + "?next=")
    assert seen == {(role, url): EXPECTED[role] for role in ROLES for url in urls}
    assert client.get(reverse("geste_report_capsule_xapi", args=[999999])).status_code == 404  # as admin
    assert client.get(reverse("geste_report_block_xapi", args=[999999])).status_code == 404


def _add_activity(capsule, inter, users, per_user: int):
    """Bulk rows shaped exactly as the learner API writes them (answered events share the attempt's client_id)."""
    events, attempts = [], []
    for u in users:
        for i in range(per_user):
            cid = uuid.uuid4()
            when = BASE + timedelta(seconds=i)
            attempts.append(Attempt(user=u, interaction=inter, response={"choice": "a"}, correct=True, score=1.0,
                                    client_id=cid, answered_at=when))
            events.append(LearnerEvent(user=u, capsule=capsule, verb="answered", timestamp=when, client_id=cid,
                                       data={"interaction": inter.pk}))
            events.append(LearnerEvent(user=u, capsule=capsule, verb="played", timestamp=when,
                                       client_id=uuid.uuid4(), data={"time": i}))
    Attempt.objects.bulk_create(attempts)
    LearnerEvent.objects.bulk_create(events)


def test_query_count_does_not_grow_with_events():
    capsule = factories.CapsuleFactory(title="Volume")
    inter = factories.InteractionFactory(capsule=capsule)
    pages.capsule_page(capsule)
    designer = Client()
    designer.force_login(factories.designer())
    url = reverse("geste_report_capsule_xapi", args=[capsule.pk])

    def measure() -> tuple[int, list[dict]]:
        with CaptureQueriesContext(connection) as ctx:
            statements, _ = export(designer, url)
        return len(ctx.captured_queries), statements

    _add_activity(capsule, inter, [factories.learner(username="v1")], per_user=5)
    measure()  # warms Wagtail's cached site root paths, so both measures below see the same caches
    small, first = measure()
    _add_activity(capsule, inter, [factories.learner(username=f"v{n}") for n in range(2, 8)], per_user=40)
    large, second = measure()
    assert (len(first), len(second)) == (10, 10 + 6 * 40 * 2)
    assert large == small
    answered = [s for s in second if s["verb"]["id"] == ADL + "answered"]
    assert len(answered) == 5 + 240 and all(s["result"]["success"] is True and s["result"]["response"] == "a"
                                            for s in answered)


def test_every_interaction_kind_maps_to_an_xapi_interaction_type():
    scope = xapi.CapsuleScope("https://geste.example", xapi.ActivityRef("https://geste.example/c/", {"fr": "C"},
                                                                        xapi.VIDEO_TYPE), None, None)
    for kind in Interaction.Kind.values:
        info = xapi.InteractionInfo(1, kind, "Question ?", 2.0, (("a", "A"), ("b", "B")))
        activity = xapi.interaction_activity(scope, info)
        assert activity["definition"]["interactionType"] in INTERACTION_TYPES, kind
        assert activity["id"] == "https://geste.example/c/#interaction-1"
    assert xapi.response_string("ordering", {"order": ["c", "a", "b"]}) == "c[,]a[,]b"
    assert xapi.response_string("cloze", {"blanks": ["joint", "clé"]}) == "joint[,]clé"
    assert xapi.response_string("multiple_choice", {"choices": ["a", "c"]}) == "a[,]c"
    with pytest.raises(ValueError):
        xapi.iso_timestamp(datetime(2025, 1, 1, 12, 0))  # naive: no timezone, not a valid xAPI timestamp
