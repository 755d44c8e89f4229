"""Approved footage is what learners see: its key points and comments are locked too (issue 11, item 12).

Experts could still add key points and comments after approval, and they reached the published
capsule. Every review write now answers 409 (French message) on approved footage until a designer
reopens the review.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from capsules.models import KeyPoint, ReviewComment
from tests.factories import FootageFactory, StepFactory, designer, expert

pytestmark = pytest.mark.django_db


def _send(client, method, name, footage, body=None, *extra):
    return getattr(client, method)(reverse(f"review_api:{name}", args=[footage.pk, *extra]),
                                   json.dumps(body or {}), content_type="application/json")


def test_key_points_and_comments_locked_after_approval_until_reopened(client):
    who = expert(username="expert-lock")
    footage = FootageFactory(expert=who, duration=30.0)
    step = StepFactory(footage=footage, order=1, start=0, end=30, title="Serrer", keyframe="k.jpg")
    client.force_login(who)
    kp = _send(client, "post", "key_points", footage, {"time": 5, "kind": "safety", "text": "Gants"})
    assert kp.status_code == 201
    kp_id = kp.json()["key_points"][0]["id"]
    assert _send(client, "post", "approve", footage, {"version": 1}).status_code == 200

    for method, name, body, extra in [
        ("post", "key_points", {"time": 6, "kind": "quality", "text": "Ajouté après coup"}, ()),
        ("post", "comments", {"text": "Commentaire tardif", "step": step.pk}, ()),
        ("delete", "key_point_detail", None, (kp_id,)),
    ]:
        res = _send(client, method, name, footage, body, *extra)
        assert res.status_code == 409, (name, res.content)
        assert res.json()["code"] == "approved" and "rouvrir la relecture" in res.json()["detail"]
    assert list(KeyPoint.objects.values_list("text", flat=True)) == ["Gants"]
    assert not ReviewComment.objects.exists()

    client.force_login(designer(username="designer-lock"))
    assert _send(client, "post", "reopen", footage, {"version": 2}).status_code == 200
    client.force_login(who)
    assert _send(client, "post", "key_points", footage, {"time": 6, "kind": "quality", "text": "Après réouverture"}
                 ).status_code == 201
    assert _send(client, "post", "comments", footage, {"text": "Vu"}).status_code == 201
    assert _send(client, "delete", "key_point_detail", footage, None, kp_id).status_code == 200
    assert list(KeyPoint.objects.values_list("text", flat=True)) == ["Après réouverture"]
