"""The permission matrix, enforced on the server: who gets what status code on which resource.

Roles: anonymous, learner, expert not assigned to the footage, the assigned expert, designer, admin.
Resources: the footage (its review screen), the review API (read and write), a draft capsule
(its authoring screen and its public URL).
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import escape

from capsules import permissions
from capsules.authoring import capsule as authoring
from capsules.models import Footage
from cms.models import CapsulePage
from tests.factories import FootageFactory, StepFactory, designer, expert, learner

ROLES = ["anonymous", "learner", "other_expert", "assigned_expert", "designer", "admin"]


@pytest.fixture
def world(db):
    users = {
        "anonymous": None,
        "learner": learner(username="apprenant"),
        "other_expert": expert(username="expert-autre"),
        "assigned_expert": expert(username="expert-assigne"),
        "designer": designer(username="concepteur"),
        "admin": get_user_model().objects.create_superuser("admin", "admin@example.org", "motdepasse-geste"),
    }
    footage = FootageFactory(expert=users["assigned_expert"], duration=30.0)
    for i in range(3):
        StepFactory(footage=footage, order=i + 1, start=i * 10.0, end=i * 10.0 + 10.0)
    approved = FootageFactory(expert=users["assigned_expert"], duration=30.0, status=Footage.Status.APPROVED)
    for i in range(3):
        StepFactory(footage=approved, order=i + 1, start=i * 10.0, end=i * 10.0 + 10.0, approved=True)
    made = authoring.create_capsule(approved, title="Changer un joint", user=users["designer"])
    return users, footage, made


def _as(client, users, role):
    client.logout()
    if users[role] is not None:
        client.force_login(users[role])
    return client


EXPECTED = {
    #                  footage screen, API read, API write, draft capsule screen
    "anonymous": (302, 401, 401, 302),
    "learner": (302, 403, 403, 302),  # no admin access: Wagtail sends them to the login page
    "other_expert": (404, 404, 404, 403),
    "assigned_expert": (200, 200, 200, 403),
    "designer": (200, 200, 200, 200),
    "admin": (200, 200, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    users, footage, made = world
    c = _as(client, users, role)
    screen, api_read, api_write, capsule_screen = EXPECTED[role]

    res = c.get(reverse("geste_review", args=[footage.pk]))
    assert res.status_code == screen
    if screen == 302:
        assert "/admin/login/" in res["Location"]

    assert c.get(reverse("review_api:state", args=[footage.pk])).status_code == api_read
    body = {
        "version": Footage.objects.get(pk=footage.pk).review_version,
        "steps": [{"start": 0, "end": 15, "title": f"par {role}"}, {"start": 15, "end": 30}],
    }
    res = c.put(
        reverse("review_api:steps", args=[footage.pk]), json.dumps(body), content_type="application/json"
    )
    assert res.status_code == api_write
    titles = list(footage.steps.values_list("title", flat=True))
    assert (f"par {role}" in titles) == (api_write == 200)  # a refused write changes nothing

    res = c.get(reverse("geste_capsule_edit", args=[made.capsule_id]))
    assert res.status_code == capsule_screen
    # the draft page is never served publicly, whoever asks
    page = CapsulePage.objects.get(pk=made.page_id)
    assert not page.live
    url = page.get_url()
    assert url.endswith(f"/{page.slug}/")
    assert c.get(url).status_code == 404


def test_footage_list_shows_only_assigned_footage(client, world):
    users, footage, _ = world
    other = FootageFactory(title="Vidéo d'un autre expert", expert=users["other_expert"])
    assert set(permissions.visible_footage(users["assigned_expert"])) == set(
        Footage.objects.filter(expert=users["assigned_expert"])
    )
    assert set(permissions.visible_footage(users["designer"])) == set(Footage.objects.all())
    assert not permissions.visible_footage(users["learner"]).exists()
    res = _as(client, users, "assigned_expert").get(reverse("geste_review_index"))
    assert res.status_code == 200
    assert escape(footage.title) in res.content.decode() and escape(other.title) not in res.content.decode()
    res = _as(client, users, "designer").get(reverse("geste_review_index"))
    assert escape(other.title) in res.content.decode()


def test_only_the_assigned_expert_or_an_admin_signs_off(client, world):
    users, footage, _ = world
    url = reverse("review_api:approve", args=[footage.pk])
    for role, expected in [
        ("designer", 403),
        ("other_expert", 404),
        ("learner", 403),
        ("assigned_expert", 200),
    ]:
        version = Footage.objects.get(pk=footage.pk).review_version
        res = _as(client, users, role).post(
            url, json.dumps({"version": version}), content_type="application/json"
        )
        assert res.status_code == expected, role
    assert permissions.can_approve(users["admin"], footage)


def test_authoring_actions_are_designer_only(client, world):
    users, _, made = world
    url = reverse("geste_interaction_add", args=[made.capsule_id])
    data = {"kind": "true_false", "time": "5", "prompt": "On serre au couple.", "true_false": "true"}
    for role in ["assigned_expert", "other_expert"]:
        assert _as(client, users, role).post(url, data).status_code == 403
    assert _as(client, users, "learner").post(url, data).status_code == 302
    res = _as(client, users, "designer").post(url, data)
    assert res.status_code == 302 and reverse("geste_capsule_edit", args=[made.capsule_id]) in res["Location"]


def test_experts_cannot_publish_and_designers_only_through_the_workflow(client, world):
    users, _, made = world
    page = CapsulePage.objects.get(pk=made.page_id)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    res = _as(client, users, "designer").get(edit)
    assert res.status_code == 200
    html = res.content.decode()
    assert 'name="action-publish"' not in html and 'name="action-submit"' in html
    res = client.post(
        edit,
        {
            "title": page.title,
            "slug": page.slug,
            "capsule": page.capsule_id,
            "action-publish": "action-publish",
        },
    )
    assert res.status_code == 403
    page.refresh_from_db()
    assert not page.live
    assert _as(client, users, "assigned_expert").get(edit).status_code == 302  # no page permission: sent away


def test_only_the_assigned_expert_can_approve_the_capsule_workflow_task(client, world):
    from wagtail.models import TaskState

    from capsules.models import Capsule

    users, _, made = world
    capsule = Capsule.objects.get(pk=made.capsule_id)
    authoring.submit_for_validation(capsule, users["designer"])
    page = CapsulePage.objects.get(pk=made.page_id)
    state = TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)
    task = state.task.specific
    assert [a for a, _label, _modal in task.get_actions(page, users["assigned_expert"])] == [
        "reject", "approve", "approve"]
    assert task.get_actions(page, users["other_expert"]) == []
    assert state in task.get_task_states_user_can_moderate(users["assigned_expert"])
    assert state not in task.get_task_states_user_can_moderate(users["other_expert"])
    # The server refuses the approve action from another member of the Experts group.
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk])
    _as(client, users, "other_expert").post(url, {"comment": ""})
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS
    _as(client, users, "assigned_expert").post(url, {"comment": ""})
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_APPROVED
