"""The expert validates what learners will get: the workflow preview plays the draft capsule with its
questions (through a preview manifest only reviewers and designers may read) and lists the answers."""

from __future__ import annotations

import html as htmllib
import json

import pytest
from django.urls import reverse

from capsules.authoring import capsule as authoring
from capsules.models import Attempt, Capsule, Footage, LearnerEvent
from tests.factories import FootageFactory, InteractionFactory, StepFactory, designer, expert, learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    jean = expert(username="jp", first_name="Jean", last_name="Plombier")
    camille = designer(username="camille")
    footage = FootageFactory(expert=jean, duration=30.0, status=Footage.Status.APPROVED)
    for i in range(3):
        StepFactory(footage=footage, order=i + 1, start=i * 10.0, end=i * 10.0 + 10.0, approved=True)
    made = authoring.create_capsule(footage, title="Changer un joint", user=camille)
    capsule = Capsule.objects.get(pk=made.capsule_id)
    inter = InteractionFactory(capsule=capsule, time=12.0)
    authoring.submit_for_validation(capsule, camille)
    return {"expert": jean, "designer": camille, "capsule": capsule, "interaction": inter}


@pytest.mark.parametrize("role, status", [("anonymous", 404), ("learner", 404), ("other_expert", 404),
                                          ("expert", 200), ("designer", 200)])
def test_preview_manifest_only_for_reviewers(client, world, role, status):
    users = {"learner": learner(username="lea"), "other_expert": expert(username="autre"),
             "expert": world["expert"], "designer": world["designer"]}
    if role != "anonymous":
        client.force_login(users[role])
    capsule = world["capsule"]
    assert client.get(reverse("learner-manifest", args=[capsule.pk])).status_code == 404  # a draft for learners
    res = client.get(reverse("preview-manifest", args=[capsule.pk]))
    assert res.status_code == status
    if status == 200:
        data = res.json()
        assert data["preview"] is True and [i["id"] for i in data["interactions"]] == [world["interaction"].pk]
        assert "answer_key" not in json.dumps(data)


def test_reviewer_answers_are_graded_not_stored(client, world):
    client.force_login(world["expert"])
    inter = world["interaction"]
    url = reverse("preview-manifest", args=[world["capsule"].pk])
    answer_url = client.get(url).json()["interactions"][0]["answer_url"]
    res = client.post(answer_url, content_type="application/json", data=json.dumps({"response": {"choice": "b"}}))
    assert res.status_code == 200, res.content
    assert res.json()["correct"] is False
    res = client.post(answer_url, content_type="application/json", data=json.dumps({"response": {"choice": "a"}}))
    assert res.json()["correct"] is True
    assert not Attempt.objects.filter(interaction=inter).exists()


def test_reviewer_reveals_a_free_recall_answer_unrecorded(client, world):
    """The preview player asks for a free recall's expected answer as a learner's does (not in the
    manifest), at a preview URL that records nothing; only reviewers may ask."""
    recall = InteractionFactory(capsule=world["capsule"], time=14.0, kind="free_recall", choices=[],
                                answer_key={"model_answer": "Couper l'eau d'abord"})
    client.force_login(world["expert"])
    data = client.get(reverse("preview-manifest", args=[world["capsule"].pk])).json()
    assert "Couper l'eau d'abord" not in json.dumps(data, ensure_ascii=False)
    url = next(i for i in data["interactions"] if i["id"] == recall.pk)["reveal_url"]
    assert url == reverse("preview-reveal", args=[world["capsule"].pk, recall.pk])
    res = client.post(url, content_type="application/json", data=json.dumps({"text": "?"}))
    assert res.status_code == 200 and res.json()["model_answer"] == "Couper l'eau d'abord"
    assert not LearnerEvent.objects.exists()
    other = reverse("preview-reveal", args=[world["capsule"].pk, world["interaction"].pk])
    assert client.post(other, content_type="application/json", data="{}").status_code == 404
    client.force_login(learner(username="lea"))
    assert client.post(url, content_type="application/json", data="{}").status_code == 404


def test_workflow_preview_plays_the_draft_with_the_answer_sheet(client, world):
    client.force_login(world["expert"])
    page = world["capsule"].page
    task = page.current_workflow_task
    res = client.get(reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, task.pk]))
    assert res.status_code == 200
    html = res.content.decode()
    assert reverse("preview-manifest", args=[world["capsule"].pk]) in html
    assert "Questions et réponses attendues" in html and "Une clé dynamométrique" in html
    assert "<strong>0:12 · " in html and "12.0 s" not in html  # the player's clock, not "12.0 s"


def test_designer_publishes_from_the_capsule_screen_after_the_expert(client, world):
    capsule, camille = world["capsule"], world["designer"]
    client.force_login(camille)
    url = reverse("geste_capsule_approve_task", args=[capsule.pk])
    edit = reverse("geste_capsule_edit", args=[capsule.pk])
    assert "Publier la capsule" not in client.get(edit).content.decode()  # the expert's turn first (walk 37: its label)
    client.post(url)
    page = capsule.page
    page.refresh_from_db()
    assert not page.live and page.workflow_in_progress
    # The expert approves their task (as the editor's "Approuver" does).
    page.current_workflow_task.on_action(page.current_workflow_task_state, world["expert"], "approve")
    html = client.get(edit).content.decode()
    assert "Publier la capsule" in html
    res = client.post(url)
    assert res.status_code == 302
    page.refresh_from_db()
    assert page.live and not page.workflow_in_progress
    assert client.get(reverse("learner-manifest", args=[capsule.pk])).status_code == 200


def test_a_question_changed_after_the_experts_approval_goes_back_to_the_expert(client, world):
    """The designer moved the correct answer after the expert approved the capsule and published a key the
    expert never saw (walk 19): a change to the questions at a later task restarts the workflow at the
    expert's task, and says so."""
    capsule, camille, inter = world["capsule"], world["designer"], world["interaction"]
    page = capsule.page
    expert_task = page.current_workflow_task
    expert_task.on_action(page.current_workflow_task_state, world["expert"], "approve")
    page.refresh_from_db()
    assert page.current_workflow_task.pk != expert_task.pk  # at the designer's publication
    client.force_login(camille)
    form = {"kind": inter.kind, "time": "12", "prompt": inter.prompt, "choices": "Une clé dynamométrique\n* Un marteau"}
    res = client.post(reverse("geste_interaction_edit", args=[capsule.pk, inter.pk]), form, follow=True)
    assert res.status_code == 200
    inter.refresh_from_db()
    right = set(inter.answer_key["correct"])
    assert [c["text"] for c in inter.choices if c["id"] in right] == ["Un marteau"]
    page.refresh_from_db()
    assert page.workflow_in_progress and page.current_workflow_task.pk == expert_task.pk
    assert not page.live
    said = "la capsule repart à l'étape «\u00a0Validation des étapes et des quiz par l'expert\u00a0»"
    assert said in htmllib.unescape(
        res.content.decode())

    # While it is with the expert, a change does not start anything again.
    state = page.current_workflow_state.pk
    client.post(reverse("geste_interaction_edit", args=[capsule.pk, inter.pk]), form)
    page.refresh_from_db()
    assert page.current_workflow_state.pk == state
