"""A step made by a person (split, new step in the review) has no machine confidence: the footage page
showed « (confiance 0,00) ✔ approuvée » for it (first walk 33). It is stored as none (null) and the
page says nothing of a confidence for it; the segmentation's steps keep theirs."""

from __future__ import annotations

import html
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import FootageFactory, StepFactory, designer, expert

pytestmark = pytest.mark.django_db


def test_a_step_split_by_the_expert_shows_no_confidence_on_the_footage_page():
    who = expert(username="expert-split")
    footage = FootageFactory(expert=who, duration=20.0)
    first = StepFactory(footage=footage, order=1, start=0, end=10, title="Couper l'eau",
                        confidence=0.8, keyframe="k.jpg")
    second = StepFactory(footage=footage, order=2, start=10, end=20, title="Dévisser",
                         confidence=0.8, keyframe="k2.jpg")
    as_expert = Client()
    as_expert.force_login(who)
    res = as_expert.put(reverse("review_api:steps", args=[footage.pk]), json.dumps({
        "version": 1,
        "steps": [{"id": first.pk, "start": 0, "end": 5, "title": "Couper l'eau"},
                  {"id": None, "start": 5, "end": 10, "title": "Étape 2"},
                  {"id": second.pk, "start": 10, "end": 20, "title": "Dévisser"}],
    }), content_type="application/json")
    assert res.status_code == 200, res.content
    made = footage.steps.get(start=5)
    assert made.confidence is None
    assert [s["confidence"] for s in res.json()["steps"]] == [0.8, None, 0.8]
    as_designer = Client()
    as_designer.force_login(designer())
    page = as_designer.get(reverse("geste_footage_detail", args=[footage.pk]))
    assert page.status_code == 200
    text = html.unescape(page.content.decode()).replace("\u00a0", " ")
    assert "confiance 0,00" not in text
    assert text.count("confiance 0,80") == 2  # the segmentation's steps keep theirs
