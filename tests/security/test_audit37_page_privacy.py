"""Audit 37: a capsule page with a Wagtail view restriction (« Confidentialité » in the page editor: a password,
signed-in users, or some groups; on the page or on its skills block) is private to who passes it. Wagtail guards
the page's HTML, but the learner API beside it (manifest with every question, chapters, offline bundle, answers,
progress) and the video's media served it to anyone who knew the capsule's number."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from capsules.models import Attempt
from tests import factories
from tests.capsules.test_learner_api import world  # noqa: F401  (the live capsule with real small files)

pytestmark = pytest.mark.django_db


def _restrict(page, kind: str, group: Group | None = None) -> PageViewRestriction:
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind,
                                                     password="secret" if kind == "password" else "")
    if group is not None:
        restriction.groups.add(group)
    return restriction


def _refused_everywhere(client: Client, w: dict) -> None:
    capsule, q1 = w["capsule"], w["q1"]
    for name in ("learner-manifest", "learner-chapters", "learner-offline", "learner-progress"):
        assert client.get(reverse(name, args=[capsule.pk])).status_code == 404, name
    for url, body in [(reverse("learner-answer", args=[q1.pk]), {"response": {"choice": "x"}}),
                      (reverse("learner-reveal", args=[q1.pk]), {}),
                      (reverse("learner-events", args=[capsule.pk]), {"events": []}),
                      (reverse("learner-progress", args=[capsule.pk]), {"position": 3})]:
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 404, url
    assert client.get(reverse("recognition-capsule-badge", args=[capsule.pk])).status_code == 404
    rend = capsule.footage.renditions
    for key in (rend["mp4"], rend["master_playlist"], rend["captions"]["fr"], rend["poster"]):
        assert client.get(f"/media/{key}").status_code == 404, key
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("kind,on", [("password", "page"), ("login", "page"), ("groups", "page"),
                                     ("login", "block")])
def test_restricted_capsule_is_refused_to_who_does_not_pass(world, kind, on):  # noqa: F811
    page = world["page"] if on == "page" else world["page"].get_parent()
    _restrict(page, kind, Group.objects.create(name="Session de mars") if kind == "groups" else None)
    _refused_everywhere(Client(), world)  # an anonymous visitor
    if kind in ("password", "groups"):
        _refused_everywhere(world["client"], world)  # a learner outside the group, or without the password


def test_who_passes_the_restriction_still_learns(world):  # noqa: F811
    group = Group.objects.create(name="Session d'avril")
    _restrict(world["page"], "groups", group)
    world["user"].groups.add(group)
    client, capsule = world["client"], world["capsule"]
    manifest = client.get(reverse("learner-manifest", args=[capsule.pk]))
    assert manifest.status_code == 200 and manifest.json()["interactions"], manifest.json()
    media = client.get(f"/media/{capsule.footage.renditions['mp4']}")
    assert media.status_code == 200 and media["Cache-Control"].startswith("private")
    answered = client.post(reverse("learner-answer", args=[world["q1"].pk]),
                           json.dumps({"response": {"choice": manifest.json()["interactions"][0]["choices"][0]["id"]}}),
                           content_type="application/json")
    assert answered.status_code == 200
    designer = Client()
    designer.force_login(factories.designer())
    assert designer.get(f"/media/{capsule.footage.renditions['mp4']}").status_code == 200


@pytest.mark.parametrize("on", ["page", "block"])
def test_a_page_made_private_is_no_longer_served_from_the_page_cache(world, on):  # noqa: F811
    """The anonymous page cache kept serving a capsule page after « Confidentialité » made it (or its block)
    private: saving a restriction touches no page, so it started no new generation."""
    url = world["page"].url
    assert Client().get(url).status_code == 200
    assert Client().get(url)["X-Geste-Cache"] == "hit"
    _restrict(world["page"] if on == "page" else world["page"].get_parent(), "login")
    refused = Client().get(url)
    assert refused.status_code == 302 and "Couper l" not in refused.content.decode()
