"""Drafting on footage without speech says why nothing was proposed, and never proposes a question
the capsule already has (accepted, discarded or written by hand), even worded a little differently."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.authoring import drafting
from capsules.models import Footage, Interaction
from tests import factories

pytestmark = pytest.mark.django_db


def silent_capsule(titles):
    footage = factories.FootageFactory(status=Footage.Status.APPROVED, duration=40.0)
    for i, title in enumerate(titles):
        factories.StepFactory(footage=footage, order=i, start=i * 10.0, end=i * 10.0 + 8.0, title=title)
    return factories.CapsuleFactory(footage=footage)


def test_no_transcript_and_default_titles_says_why_in_french(client):
    capsule = silent_capsule(["Étape 1", "Étape 2", "Étape 3"])
    client.force_login(factories.designer())
    res = client.post(reverse("geste_drafts_generate", args=[capsule.pk]), follow=True)
    body = res.content.decode()
    assert "Propositions de quiz (0)" in body
    note = body.split('data-role="no-drafts">', 1)[1].split("</p>", 1)[0]
    assert "Aucune proposition" in note and "pas de commentaire transcrit" in note
    assert "au moins trois" in note and "points de" in note
    # Opening the screen without having asked shows no such note.
    assert 'data-role="no-drafts"' not in client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()


def test_titled_steps_are_drafted_without_speech():
    capsule = silent_capsule(["Couper l'arrivée d'eau", "Démonter la tête du robinet", "Changer le joint",
                              "Remonter et serrer"])
    kinds = {d.kind for d in drafting.draft_for_capsule(capsule)}
    assert "ordering" in kinds and "single_choice" in kinds


def test_drafting_again_does_not_duplicate_an_accepted_question():
    capsule = silent_capsule(["Couper l'arrivée d'eau", "Démonter la tête du robinet", "Changer le joint",
                              "Remonter et serrer"])
    first = drafting.draft_for_capsule(capsule)
    ordering = next(d for d in first if d.kind == "ordering")
    # Accepted, then the prompt retouched (case, punctuation): still the same question.
    Interaction.objects.filter(pk=ordering.pk).update(
        draft_status=Interaction.DraftStatus.ACCEPTED, prompt="Remettez les étapes du geste dans l'ordre !")
    nxt = next(d for d in first if d.kind == "single_choice")
    Interaction.objects.filter(pk=nxt.pk).update(draft_status=Interaction.DraftStatus.ACCEPTED,
                                                 prompt="Quelle étape vient ensuite ?")  # same answer
    again = drafting.draft_for_capsule(capsule)
    assert not [d for d in again if d.kind == "ordering"]
    same_answer = drafting.question_keys(nxt.kind, nxt.prompt, nxt.choices, nxt.answer_key)
    assert not [d for d in again
                if drafting.question_keys(d.kind, d.prompt, d.choices, d.answer_key) & same_answer]
    assert capsule.interactions.filter(kind="ordering").count() == 1
    # Nothing new left to propose: the reason says the proposals are already in the capsule.
    capsule.interactions.filter(draft_status=Interaction.DraftStatus.PROPOSED).update(
        draft_status=Interaction.DraftStatus.DISCARDED)
    assert drafting.draft_for_capsule(capsule) == []
