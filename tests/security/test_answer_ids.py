"""What the player receives must not give answers away through choice ids or their order (issue 11, item 5).

Ordering items used to be served as ``s<step pk>``: sorting the ids gave the solution (score 1.0).
Future interaction kinds extend this module: ids are opaque, per learner, and mapped back on the server.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from capsules.models import Attempt, Step
from tests import factories, pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def ordering(storage_root):
    footage = factories.FootageFactory(duration=60.0)
    steps = [Step.objects.create(footage=footage, order=i, start=10 * i, end=10 * i + 10, title=f"Geste {i}")
             for i in range(6)]
    capsule = factories.CapsuleFactory(footage=footage)
    items = [{"id": f"s{s.pk}", "text": s.title} for s in steps]
    question = factories.InteractionFactory(capsule=capsule, kind="ordering", time=59, choices=items,
                                            answer_key={"order": [i["id"] for i in items]})
    choice = factories.InteractionFactory(capsule=capsule, kind="multiple_choice", time=30, choices=[
        {"id": "a", "text": "Gants", "feedback": "Oui."}, {"id": "b", "text": "Lunettes"},
        {"id": "c", "text": "Bague"}], answer_key={"correct": ["a", "b"]})
    pages.capsule_page(capsule)
    return {"capsule": capsule, "question": question, "choice": choice, "steps": steps}


def _learner():
    client = Client()
    user = factories.learner()
    client.force_login(user)
    return client


def _served(client, capsule, question) -> list[dict]:
    data = client.get(reverse("learner-manifest", args=[capsule.pk])).json()
    return next(i for i in data["interactions"] if i["id"] == question.pk)["choices"]


def _answer(client, question, response):
    return client.post(reverse("learner-answer", args=[question.pk]), json.dumps({"response": response}),
                       content_type="application/json")


def test_ordering_ids_are_opaque_and_per_learner(ordering):
    capsule, question = ordering["capsule"], ordering["question"]
    one, two = _learner(), _learner()
    served_one, served_two = _served(one, capsule, question), _served(two, capsule, question)
    stored = {c["id"] for c in question.choices}
    for served in (served_one, served_two):
        ids = [c["id"] for c in served]
        assert not set(ids) & stored
        assert all(re.fullmatch(r"c[0-9a-f]{15}", i) for i in ids)
        assert [c["text"] for c in served] != [c["text"] for c in question.choices]  # never in solved order
    assert {c["id"] for c in served_one}.isdisjoint({c["id"] for c in served_two})  # per learner
    assert _served(one, capsule, question) == served_one  # stable for one learner (reload, offline queue)

    # Sending the ids sorted (the old attack) is graded like any order, by what they stand for.
    by_text = {c["text"]: c["id"] for c in served_one}
    solved = [by_text[c["text"]] for c in question.choices]
    attack = _answer(one, question, {"order": sorted(c["id"] for c in served_one)}).json()
    assert attack["correct"] is (sorted(c["id"] for c in served_one) == solved)
    right = _answer(one, question, {"order": solved}).json()
    assert right["correct"] is True and right["solution"] == {"order": solved}
    assert Attempt.objects.filter(correct=True).get().response == {"order": [c["id"] for c in question.choices]}
    # Another learner's ids mean nothing here.
    foreign = _answer(one, question, {"order": [c["id"] for c in served_two]})
    assert foreign.status_code == 400 and "rechargez" in foreign.json()["error"]
    stale = _answer(two, question, {"order": [c["id"] for c in question.choices]})  # the stored ids
    assert stale.status_code == 400


def test_choice_ids_are_opaque_and_feedback_comes_back_under_them(ordering):
    capsule, choice = ordering["capsule"], ordering["choice"]
    client = _learner()
    served = _served(client, capsule, choice)
    assert sorted(c["text"] for c in served) == ["Bague", "Gants", "Lunettes"]  # shuffled per learner
    assert not {c["id"] for c in served} & {"a", "b", "c"}
    ids = {c["text"]: c["id"] for c in served}
    wrong = _answer(client, choice, {"choices": [ids["Gants"], ids["Bague"]]}).json()
    assert wrong["correct"] is False and wrong["solution"] == {} and wrong["choice_feedback"] == {ids["Gants"]: "Oui."}
    right = _answer(client, choice, {"choices": [ids["Gants"], ids["Lunettes"]]}).json()
    assert right["correct"] is True and sorted(right["solution"]["correct"]) == sorted([ids["Gants"], ids["Lunettes"]])
    state = client.get(reverse("learner-manifest", args=[capsule.pk])).json()["attempts"][str(choice.pk)]
    assert state["response"] == {"choices": [ids["Gants"], ids["Lunettes"]]}
