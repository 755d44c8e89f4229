"""A reopened review changes nothing learners see until the expert approves again.

The approval stores the approved steps and key points on the footage (``Footage.approved_snapshot``,
read through ``capsules.learner_steps``); the learner's capsule page, its manifest, chapters, offline
list, the catalogue search and the portfolio read that, while the review screen edits the live steps.
Before this, a designer reopening an approved review (``confirm_live``) put every save of the expert
(split, merge, retitle, key points) on the public capsule page at once.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capsules.models import Attempt, Footage, Interaction, KeyPoint, Progress, Step
from cms.search import search_catalogue
from tests import pages
from tests.factories import CapsuleFactory, FootageFactory, InteractionFactory, StepFactory, designer, expert, learner

pytestmark = pytest.mark.django_db

APPROVED_TITLES = ["Couper l'arrivée d'eau", "Dévisser le siphon", "Remonter le siphon"]
SPANS = [(0, 10), (10, 25), (25, 40)]
DRAFT_TITLE = "Titre pas encore relu"
DRAFT_POINT = "Vigilance pas encore relue"


def _post(client, name, footage, body):
    return client.post(reverse(f"review_api:{name}", args=[footage.pk]), json.dumps(body),
                       content_type="application/json")


def _put_steps(client, footage, body):
    return client.put(reverse("review_api:steps", args=[footage.pk]), json.dumps(body),
                      content_type="application/json")


@pytest.fixture
def world(db):
    who = expert(username="expert-snapshot")
    footage = FootageFactory(expert=who, duration=40.0, renditions={"mp4": "f/low.mp4"})
    steps = [
        StepFactory(footage=footage, order=i, start=start, end=end, title=title, keyframe=f"f/step-{i}.jpg",
                    keyframe_time=(start + end) / 2)
        for i, ((start, end), title) in enumerate(zip(SPANS, APPROVED_TITLES, strict=True), start=1)
    ]
    KeyPoint.objects.create(footage=footage, step=steps[1], time=12.0, kind="safety", text="Placer une bassine dessous")
    capsule = CapsuleFactory(footage=footage, title="Changer un siphon")
    question = InteractionFactory(capsule=capsule, time=30.0, step=steps[2], prompt="Que faut-il serrer à la main ?")
    expert_client = Client()
    expert_client.force_login(who)
    assert _post(expert_client, "approve", footage, {"version": 1}).status_code == 200
    page = pages.capsule_page(capsule)
    designer_client = Client()
    designer_client.force_login(designer(username="designer-snapshot"))
    reopened = _post(designer_client, "reopen", footage, {"version": 2, "confirm_live": True})
    assert reopened.status_code == 200 and reopened.json()["footage"]["status"] == "in_review"
    return {"footage": footage, "steps": steps, "capsule": capsule, "page": page, "question": question,
            "expert": expert_client, "designer": designer_client}


def _edit_while_reopened(world) -> dict:
    """The expert retitles the first step, splits the second, merges the third into its new neighbour,
    adds a key point and deletes the approved one: every kind of save the review screen makes."""
    footage, (first, second, third) = world["footage"], world["steps"]
    client = world["expert"]
    res = _put_steps(client, footage, {"version": 3, "steps": [
        {"id": first.pk, "start": 0, "end": 10, "title": DRAFT_TITLE},
        {"id": second.pk, "start": 10, "end": 18, "title": APPROVED_TITLES[1]},
        {"start": 18, "end": 40, "title": "Moitié ajoutée, pas encore relue"},
    ]})
    assert res.status_code == 200, res.content
    assert not Step.objects.filter(pk=third.pk).exists()
    state = _post(client, "key_points", footage, {"time": 5.0, "kind": "quality", "text": DRAFT_POINT}).json()
    old = KeyPoint.objects.get(text="Placer une bassine dessous")
    res = client.delete(reverse("review_api:key_point_detail", args=[footage.pk, old.pk]))
    assert res.status_code == 200
    footage.refresh_from_db()
    assert footage.status == Footage.Status.IN_REVIEW
    return state


def _manifest(capsule, client=None) -> dict:
    res = (client or Client()).get(reverse("learner-manifest", args=[capsule.pk]))
    assert res.status_code == 200
    return res.json()


def _chapters(capsule) -> str:
    return Client().get(reverse("learner-chapters", args=[capsule.pk])).content.decode()


def _page(world) -> str:
    res = Client().get(world["page"].url)
    assert res.status_code == 200
    return res.content.decode()


def test_learners_keep_the_approved_steps_while_the_review_is_reopened(world):
    _edit_while_reopened(world)
    capsule, (first, second, third) = world["capsule"], world["steps"]

    data = _manifest(capsule)
    assert [s["title"] for s in data["steps"]] == APPROVED_TITLES
    assert [s["id"] for s in data["steps"]] == [first.pk, second.pk, third.pk]
    assert [(s["start"], s["end"]) for s in data["steps"]] == [(0, 10), (10, 25), (25, 40)]
    assert [s["keyframe"] for s in data["steps"]][2].endswith("f/step-3.jpg")
    assert data["steps"][1]["key_points"] == ["Placer une bassine dessous"]
    assert [kp["text"] for kp in data["key_points"]] == ["Placer une bassine dessous"]
    # The question on the merged step still belongs to its approved step, and is answered as before.
    [question] = data["interactions"]
    assert question["step_id"] == third.pk and question["step"] == {"start": 25, "end": 40}

    html = _page(world)
    for title in APPROVED_TITLES:
        assert title in html.replace("&#x27;", "'")
    assert "Placer une bassine dessous" in html
    assert DRAFT_TITLE not in html and DRAFT_POINT not in html and "pas encore relue" not in html

    vtt = _chapters(capsule)
    assert f"step-{third.pk}" in vtt and "Remonter le siphon" in vtt and DRAFT_TITLE not in vtt

    offline = Client().get(reverse("learner-offline", args=[capsule.pk])).json()
    keyframes = sorted(u.rsplit("/", 1)[-1] for u in offline["urls"] if "step-" in u)
    assert keyframes == ["step-1.jpg", "step-2.jpg", "step-3.jpg"]

    # The review screen, and its authors' preview, show the steps as saved.
    state = world["expert"].get(reverse("review_api:state", args=[world["footage"].pk])).json()
    assert [s["title"] for s in state["steps"]][0] == DRAFT_TITLE
    preview = world["designer"].get(reverse("preview-manifest", args=[capsule.pk])).json()
    assert [s["title"] for s in preview["steps"]][0] == DRAFT_TITLE


def test_the_next_approval_shows_the_new_steps_to_learners(world):
    _edit_while_reopened(world)
    capsule, first = world["capsule"], world["steps"][0]
    # Still the approved version (and now in the caches, which the approval must replace).
    assert [s["title"] for s in _manifest(capsule)["steps"]] == APPROVED_TITLES
    assert DRAFT_TITLE not in _page(world) and DRAFT_TITLE not in _chapters(capsule)
    version = world["expert"].get(reverse("review_api:state", args=[world["footage"].pk])).json()["version"]
    res = _post(world["expert"], "approve", world["footage"], {"version": version})
    assert res.status_code == 200, res.content

    data = _manifest(capsule)
    assert [s["title"] for s in data["steps"]] == [DRAFT_TITLE, APPROVED_TITLES[1], "Moitié ajoutée, pas encore relue"]
    assert data["steps"][0]["id"] == first.pk and [s["end"] for s in data["steps"]] == [10, 18, 40]
    assert [kp["text"] for kp in data["key_points"]] == [DRAFT_POINT]
    assert data["steps"][0]["key_points"] == [DRAFT_POINT]
    # The question followed the step that absorbed its own.
    assert data["interactions"][0]["step_id"] == data["steps"][2]["id"]
    html = _page(world)
    assert DRAFT_TITLE in html and DRAFT_POINT in html and "Remonter le siphon" not in html
    assert DRAFT_TITLE in _chapters(capsule)


def test_answers_and_the_question_keep_working_against_the_approved_steps(world):
    question = world["question"]
    user = learner(username="learner-snapshot")
    client = Client()
    client.force_login(user)
    _edit_while_reopened(world)
    data = _manifest(world["capsule"], client)
    served = next(i for i in data["interactions"] if i["id"] == question.pk)
    # Its step was merged away in the review: the learner still reaches it under the approved step.
    third = world["steps"][2]
    assert served["step_id"] == third.pk and served["step"] == {"start": 25, "end": 40}
    assert data["steps"][2]["id"] == third.pk and data["steps"][2]["loop_end"] >= 30
    choice = next(c["id"] for c in served["choices"] if c["text"] == "Une clé dynamométrique")
    res = client.post(reverse("learner-answer", args=[question.pk]), json.dumps({"response": {"choice": choice}}),
                      content_type="application/json")
    assert res.status_code == 200 and res.json()["correct"] is True
    assert Attempt.objects.filter(user=user, interaction=question).count() == 1
    assert Interaction.objects.get(pk=question.pk).step_id is not None  # moved to the absorbing step, not lost
    # « Revoir l'étape » (practice) starts at the approved step, not the merged one; « Y aller » (badge
    # requirements) opens at the question's own time, 0:30.
    from capsules.learning.practice import step_replay_fragment
    from capsules.recognition.achievements import question_link

    fresh = Interaction.objects.select_related("capsule__footage", "capsule__page").get(pk=question.pk)
    assert step_replay_fragment(fresh) == "#t=25.0"
    assert question_link(fresh, fresh.capsule) == f"{world['page'].url}#t=30"


def test_search_and_portfolio_read_the_approved_steps(world):
    _edit_while_reopened(world)
    search = reverse("catalogue-search")
    found = Client().get(search, {"q": "remonter"}).content.decode()
    assert "<mark>Remonter</mark> le siphon" in found
    assert "<mark>bassine</mark>" in Client().get(search, {"q": "bassine"}).content.decode()
    for draft in ("relu", "vigilance"):
        assert not search_catalogue(draft).hits, draft

    user = learner(username="learner-portfolio")
    Progress.objects.create(user=user, capsule=world["capsule"], watched_fraction=1, completed=True,
                            completed_at=timezone.now())
    client = Client()
    client.force_login(user)
    portfolio = client.get(reverse("recognition-portfolio")).content.decode().replace("&#x27;", "'")
    assert "Remonter le siphon" in portfolio and DRAFT_TITLE not in portfolio


def test_footage_approved_before_snapshots_gets_one_from_its_approved_steps(db):
    migration = importlib.import_module("capsules.migrations.0011_footage_approved_snapshot")
    approved = FootageFactory(status=Footage.Status.APPROVED, duration=30.0)
    step = StepFactory(footage=approved, order=1, start=0, end=10, title="Serrer l'écrou", approved=True)
    KeyPoint.objects.create(footage=approved, step=step, time=4.0, text="Gants")
    reopened = FootageFactory(status=Footage.Status.IN_REVIEW, duration=30.0)
    StepFactory(footage=reopened, order=1, start=0, end=10, title="Pas relue")
    migration.snapshot_approved(apps, None)

    approved.refresh_from_db()
    reopened.refresh_from_db()
    assert [s["title"] for s in approved.approved_snapshot["steps"]] == ["Serrer l'écrou"]
    assert approved.approved_snapshot["key_points"][0]["step_id"] == step.pk
    assert reopened.approved_snapshot == {}
    Step.objects.filter(pk=step.pk).update(title="Changée depuis")
    capsule = CapsuleFactory(footage=approved)
    pages.capsule_page(capsule)
    data = _manifest(capsule)
    assert [s["title"] for s in data["steps"]] == ["Serrer l'écrou"] and data["steps"][0]["key_points"] == ["Gants"]
