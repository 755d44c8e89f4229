"""Audit 37: a step's points of vigilance are often the answer to its question, so the capsule page and the
manifest keep them back until the learner answered (walk 29). The catalogue search showed them in full to
anyone who typed one of their words (« Point de vigilance : Pliez les genoux, dos droit. »). It now leaves
out, like the capsule page, the points of vigilance of steps that have a question; the others are still
found."""

from __future__ import annotations

import pytest
from django.test import Client

from capsules.models import Interaction, KeyPoint, Step
from tests import factories, pages

pytestmark = pytest.mark.django_db

ANSWER = "Pliez les genoux, gardez le dos droit."
FREE = "Balisez la zone de chargement."


@pytest.fixture
def capsule():
    footage = factories.FootageFactory(duration=40.0)
    lift = Step.objects.create(footage=footage, order=0, start=0, end=15, title="Soulever le carton")
    mark = Step.objects.create(footage=footage, order=1, start=15, end=40, title="Poser le carton")
    KeyPoint.objects.create(footage=footage, step=lift, time=5, text=ANSWER)
    KeyPoint.objects.create(footage=footage, step=mark, time=20, text=FREE)
    capsule = factories.CapsuleFactory(footage=footage, title="Manutention d'un carton")
    factories.InteractionFactory(capsule=capsule, step=lift, time=10, kind=Interaction.Kind.FREE_RECALL,
                                 prompt="Comment soulever le carton sans se blesser ?", choices=[],
                                 answer_key={"model_answer": ANSWER})
    pages.capsule_page(capsule)
    return capsule


@pytest.mark.parametrize("query", ["genoux", "dos droit", "carton genoux"])
def test_search_never_shows_a_point_of_vigilance_kept_back_for_a_question(capsule, query):
    for client in (Client(), _learner()):
        html = client.get("/recherche/", {"q": query}).content.decode()
        assert "Pliez" not in html and "gardez" not in html  # the query itself is echoed in the search box


def test_points_of_vigilance_of_steps_without_question_are_still_found(capsule):
    html = Client().get("/recherche/", {"q": "balisez"}).content.decode()
    assert "zone de chargement" in html and capsule.title.replace("'", "&#x27;") in html


def _learner() -> Client:
    client = Client()
    client.force_login(factories.learner())
    return client
