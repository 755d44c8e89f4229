"""Audit 38: the player's event endpoint (``/api/learner/capsules/<id>/events``) kept whatever ``data`` a learner
sent with an allowed verb, and the xAPI statements the LRS receives (``analytics.xapi``, the live outbox and the
exports) are built from it. A learner posted a "paused" with ``"progress": 1.0`` — the LRS then read that they had
watched the whole video —, video times far past the footage's end, and another capsule's number. Now only what the
player sends is kept, checked: known keys per verb, times within the footage, the capsule the URL names."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from capsules.analytics import xapi
from capsules.models import LearnerEvent
from tests import factories
from tests.capsules.test_learner_api import world  # noqa: F401  (a live 20 s capsule, a signed-in learner)

pytestmark = pytest.mark.django_db


def _event(verb: str, data) -> dict:
    return {"verb": verb, "client_id": str(uuid.uuid4()), "data": data}


def test_forged_event_data_never_reaches_the_statements(world):  # noqa: F811
    client, capsule = world["client"], world["capsule"]
    other = factories.CapsuleFactory()
    forged = [
        _event("paused", {"time": 5.0, "progress": 1.0, "watched_fraction": 1.0}),
        _event("played", {"time": 1e12}),
        _event("seeked", {"from": -4, "to": 10 ** 9}),
        _event("initialized", {"capsule": other.pk, "source": "<img src=x onerror=alert(1)>", "offline": "oui",
                               "result": {"score": {"scaled": 1}, "completion": True}}),
        _event("interacted", {"interaction": 999999, "revealed": "model_answer", "text": "<script>x</script>"}),
        _event("downloaded", {"bytes": -1, "url": "https://evil.example/"}),
    ]
    response = client.post(reverse("learner-events", args=[capsule.pk]), json.dumps({"events": forged}),
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["received"] == 6
    stored = {e.verb: e.data for e in LearnerEvent.objects.filter(user=world["user"])}
    assert all(data == {"capsule": capsule.pk, **({"time": 5.0} if verb == "paused" else {})}
               for verb, data in stored.items()), stored
    statements = [s for _, s in xapi.event_statements(LearnerEvent.objects.all(), "https://geste.example") if s]
    paused = next(s for s in statements if s["verb"]["id"].endswith("/paused"))
    assert xapi.EXT_PROGRESS not in paused["result"]["extensions"]
    for stmt in statements:
        extensions = (stmt.get("result") or {}).get("extensions") or {}
        assert all(v <= 20 for k, v in extensions.items() if k in (xapi.EXT_TIME, xapi.EXT_TIME_FROM,
                                                                   xapi.EXT_TIME_TO)), stmt
        assert "completion" not in (stmt.get("result") or {}) and "score" not in (stmt.get("result") or {})


def test_what_the_player_sends_is_kept(world):  # noqa: F811
    client, capsule = world["client"], world["capsule"]
    sent = [
        _event("initialized", {"offline": False, "source": "hls.js", "capsule": capsule.pk}),
        _event("played", {"time": 0, "capsule": capsule.pk}),
        _event("paused", {"time": 7.25, "capsule": capsule.pk}),
        _event("seeked", {"from": 7.24, "to": 2.5, "capsule": capsule.pk}),
        _event("downloaded", {"bytes": 1234567, "capsule": capsule.pk}),
    ]
    client.post(reverse("learner-events", args=[capsule.pk]), json.dumps({"events": sent}),
                content_type="application/json")
    stored = {e.verb: e.data for e in LearnerEvent.objects.filter(user=world["user"])}
    assert stored == {verb: {**item["data"]} for verb, item in zip(
        ("initialized", "played", "paused", "seeked", "downloaded"), sent, strict=True)}
