"""First-user walk 37: « Proposer des quiz à partir des étapes et du commentaire » again gave the same single
proposal under the same « 1 proposition de quiz à examiner » — nothing said nothing new came, nor why (an
English commentary, three steps, no key point). The message counts the new proposals, and when there is none
says so and why in plain French (capsules/authoring/drafting.py: ``why_nothing_more``)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from capsules.models import Footage, Interaction, KeyPoint, Transcript
from tests import factories

pytestmark = pytest.mark.django_db

WASHER = ["Ouvrir le couvercle du lave-linge", "Charger le linge", "Répartir le linge dans le tambour"]


def _capsule(titles, *, language="fr", text=""):
    footage = factories.FootageFactory(status=Footage.Status.APPROVED, duration=10.0 * len(titles), language=language)
    for i, title in enumerate(titles):
        factories.StepFactory(footage=footage, order=i, start=i * 10.0, end=i * 10.0 + 8.0, title=title)
    if text:
        Transcript.objects.create(footage=footage, task="transcribe", language=language, duration=footage.duration,
                                  segments=[{"start": 1.0, "end": 6.0, "text": text, "words": []}])
    return factories.CapsuleFactory(footage=footage)


def _propose(client, capsule) -> tuple[str, str]:
    body = client.post(reverse("geste_drafts_generate", args=[capsule.pk]), follow=True).content.decode()
    box = body.split('<ul data-w-messages-target="container">', 1)[1].split("</ul>", 1)[0]
    messages = re.sub(r"<[^>]+>", " ", box)
    return " ".join(messages.split()).replace("&#x27;", "'").replace("&quot;", '"'), body


def test_proposing_again_says_nothing_new_came_and_why(client):
    capsule = _capsule(WASHER, language="en", text=" First I open the lid of the washer and check the drum.")
    client.force_login(factories.designer())
    first, body = _propose(client, capsule)
    assert "1 nouvelle proposition de quiz à examiner" in first, first
    assert "commentaire est en anglais" in first and "analysé" not in first, first
    assert "Propositions de quiz (1)" in body
    again, body = _propose(client, capsule)
    assert "Propositions de quiz (1)" in body
    assert "nouvelle proposition de quiz à examiner" not in again, again
    assert again.startswith("Aucune nouvelle proposition"), again
    assert "1 proposition déjà faite reste à examiner" in again, again
    # Why, in plain French: the commentary is English, three steps only, no key point.
    assert "anglais" in again and "français" in again, again
    assert "quatre étapes" in again, again
    assert "points de vigilance" in again, again


def test_new_proposals_are_counted_apart_from_those_already_made(client):
    capsule = _capsule(WASHER + ["Fermer le couvercle"])
    client.force_login(factories.designer())
    first, _body = _propose(client, capsule)
    made = capsule.interactions.filter(draft_status=Interaction.DraftStatus.PROPOSED).count()
    assert made >= 2 and f"{made} nouvelles propositions de quiz à examiner" in first, first
    # The expert's key point brings new questions; the ones already made are counted apart.
    step = capsule.footage.steps.get(order=1)
    KeyPoint.objects.create(footage=capsule.footage, time=12, kind="safety", text="Lunettes obligatoires", step=step)
    again, _body = _propose(client, capsule)
    total = capsule.interactions.filter(draft_status=Interaction.DraftStatus.PROPOSED).count()
    new = total - made
    assert new >= 1
    assert re.search(rf"\b{new} nouvelles? propositions? de quiz à examiner", again), again
    assert f"{made} propositions déjà faites restent à examiner" in again, again


def test_nothing_more_when_every_question_is_already_there(client):
    capsule = _capsule(WASHER + ["Fermer le couvercle"], text=" J'ouvre le couvercle du lave-linge.")
    KeyPoint.objects.create(footage=capsule.footage, time=12, kind="safety", text="Lunettes obligatoires",
                            step=capsule.footage.steps.get(order=1))
    client.force_login(factories.designer())
    _propose(client, capsule)
    again, _body = _propose(client, capsule)
    assert again.startswith("Aucune nouvelle proposition"), again
    assert "déjà" in again and "anglais" not in again and "quatre étapes" not in again, again
