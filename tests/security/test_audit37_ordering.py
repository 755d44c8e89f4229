"""Audit 37: an ordering question is never handed out in its solved order, so that doing nothing is not an
answer; with two items that rule showed every learner the one wrong order, and the answer was to swap them
(two-step capsules get a drafted ordering question). Two items now come in a per-learner random order."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from capsules.models import Step
from tests import factories, pages

pytestmark = pytest.mark.django_db


def test_two_items_shown_give_the_answer_away_to_nobody(storage_root):
    footage = factories.FootageFactory(duration=30.0)
    steps = [Step.objects.create(footage=footage, order=i, start=10 * i, end=10 * i + 10, title=f"Geste {i}")
             for i in range(2)]
    capsule = factories.CapsuleFactory(footage=footage)
    items = [{"id": f"s{s.pk}", "text": s.title} for s in steps]
    question = factories.InteractionFactory(capsule=capsule, kind="ordering", time=25, choices=items,
                                            answer_key={"order": [i["id"] for i in items]})
    pages.capsule_page(capsule)
    shown = set()
    for _ in range(24):
        client = Client()
        client.force_login(factories.learner())
        data = client.get(reverse("learner-manifest", args=[capsule.pk])).json()
        served = next(i for i in data["interactions"] if i["id"] == question.pk)["choices"]
        order = tuple(c["text"] for c in served)
        assert sorted(order) == ["Geste 0", "Geste 1"]
        again = client.get(reverse("learner-manifest", args=[capsule.pk])).json()  # stable for one learner
        assert tuple(c["text"] for c in next(i for i in again["interactions"]
                                             if i["id"] == question.pk)["choices"]) == order
        shown.add(order)
    # Solved and swapped both occur: the order shown says nothing of the answer.
    assert shown == {("Geste 0", "Geste 1"), ("Geste 1", "Geste 0")}
