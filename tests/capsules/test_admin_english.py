"""Geste's own admin screens follow the admin user's language (Wagtail's account preference): a designer
whose preference is English gets the capsule design screens, their messages and the server's step-time
warnings in English; what learners read (a default prompt, a default feedback) stays in the capsule's
language. French stays the default (the other tests of these screens read them in French)."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.users.models import UserProfile

from capsules.models import Footage, Interaction
from tests.factories import CapsuleFactory, FootageFactory, InteractionFactory, StepFactory, designer

pytestmark = pytest.mark.django_db


def english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def excerpt(db):
    """A capsule from 0:06 to 0:50 of a French footage: its clock reads 6 s less than the footage's."""
    footage = FootageFactory(
        duration=60.0, status=Footage.Status.APPROVED, renditions={"mp4": "f/clip.mp4"}, language="fr"
    )
    for i, (a, b, title) in enumerate(
        [(0.0, 6.0, "Avant"), (6.0, 18.0, "Préparer"), (18.0, 30.0, "Serrer l'écrou"), (30.0, 50.0, "Ranger")]
    ):
        StepFactory(footage=footage, order=i, start=a, end=b, title=title, approved=True)
    return CapsuleFactory(footage=footage, title="Changer une roue", start=6.0, end=50.0)


@pytest.fixture
def en_client(client):
    client.force_login(english(designer(username="jane")))
    return client


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_capsule_design_screen_speaks_english_to_an_english_designer(en_client, excerpt):
    InteractionFactory(capsule=excerpt, time=20.0, step=excerpt.footage.steps.get(title="Serrer l'écrou"))
    page = en_client.get(reverse("geste_capsule_edit", args=[excerpt.pk])).content.decode()
    text = _text(page)
    assert 'lang="en"' in page
    for said in (
        "Capsule design",
        "Excerpt of the video:",
        "Save the texts",
        "Send to the expert for approval",
        "Interactions (1)",
        "(mandatory)",
        "Quiz proposals (0)",
        "Add an interaction",
        "Interaction type",
        "Time (seconds)",
        "Use the playhead",
        "Question or instruction",
        "Feedback if the answer is wrong",
        "Mandatory (the video waits for the answer)",
        "Step 2 — Serrer l'écrou",
        "Add the interaction",
    ):
        assert said in text, said
    for french in (
        "Ajouter une interaction",
        "Type d'interaction",
        "Enregistrer les textes",
        "Tête de lecture",
        "Envoyer en validation",
        "obligatoire",
        "Brouillon",
    ):
        assert french not in text, french
    # the browser's messages of the form come in the page's language (authoring.js, djangojs catalogue)
    assert "Give the time in seconds, for example 4.5." in html.unescape(page)


def test_the_list_the_new_capsule_and_the_delete_screens_speak_english(en_client, excerpt):
    text = _text(en_client.get(reverse("geste_capsule_index")).content.decode())
    assert "Videos with approved steps" in text and "Create a capsule" in text and "Vidéo" not in text
    text = _text(en_client.get(reverse("geste_capsule_create", args=[excerpt.footage.pk])).content.decode())
    assert "Capsule title" in text and "First step" in text and "Create the capsule" in text
    inter = InteractionFactory(capsule=excerpt, time=20.0)
    text = _text(en_client.get(reverse("geste_interaction_delete", args=[excerpt.pk, inter.pk])).content.decode())
    assert "Delete this question?" in text and "No learner has answered this question yet." in text


def test_the_step_time_warnings_and_form_errors_are_english(en_client, excerpt):
    serrer = excerpt.footage.steps.get(title="Serrer l'écrou")
    add = reverse("geste_interaction_add", args=[excerpt.pk])
    form = {"kind": "single_choice", "prompt": "Quel outil ?", "choices": "* Une clé\nUn marteau", "mandatory": "on"}

    res = en_client.post(add, {**form, "time": "4,5", "step": str(serrer.pk)})
    assert res.status_code == 302
    flashed = [str(m.message) for m in get_messages(res.wsgi_request)]
    assert flashed[0] == "Interaction added: Single choice at 0:04.5."
    assert flashed[1] == (
        "This question appears at 0:04.5, before the step “Serrer l'écrou” it is about (which "
        "starts at 0:12.0). The learner will not have seen the gesture yet."
    )
    inter = Interaction.objects.get(capsule=excerpt)
    page = _text(en_client.get(reverse("geste_interaction_edit", args=[excerpt.pk, inter.pk])).content.decode())
    assert "Place at the end of the step (0:24.0)" in page and "Edit the interaction" in page

    res = en_client.post(add, {**form, "time": "25", "step": str(serrer.pk)})  # 0:25 = 31 s: after its end
    flashed = [str(m.message) for m in get_messages(res.wsgi_request)]
    assert flashed[-1] == (
        "The question's time (0:25.0) is outside the chosen step “Serrer l'écrou” "
        "(0:12.0 – 0:24.0). It stays attached to it: the step's loop will run up to it. "
        "Check that this is intended."
    )
    res = en_client.post(add, {**form, "time": "40", "step": str(serrer.pk)})
    flashed = [str(m.message) for m in get_messages(res.wsgi_request)]
    assert flashed[-1].endswith(
        "For the learner, it will count with the step it falls in: correct the time or "
        "the step if this is not intended."
    )

    res = en_client.post(add, {**form, "prompt": "", "time": "99"})
    assert res.status_code == 400
    text = _text(res.content.decode())
    assert "Write the question or the instruction." in text
    assert "The time must be between 0 and 44.0 seconds from the start of the capsule" in text
    assert "The interaction is not saved" in text or "fields to correct" in text


def test_what_learners_read_stays_in_the_capsule_s_language(en_client, excerpt):
    """An English designer writing a French capsule: the default ordering prompt, the steps' default names
    and the free recall's default feedback are French, as is everything Geste proposes."""
    add = reverse("geste_interaction_add", args=[excerpt.pk])
    excerpt.footage.steps.filter(title="Préparer").update(title="")
    en_client.post(add, {"kind": "ordering", "time": "30"})
    ordering = Interaction.objects.get(capsule=excerpt, kind="ordering")
    assert ordering.prompt == "Remettez les étapes dans l'ordre."
    assert "Étape 1" in [c["text"] for c in ordering.choices]
    en_client.post(add, {"kind": "free_recall", "time": "30", "prompt": "Que vérifier ?", "model_answer": "Le couple"})
    recall = Interaction.objects.get(capsule=excerpt, kind="free_recall")
    assert recall.feedback_correct == "Réponse attendue : Le couple"


def test_a_french_designer_still_reads_french(client, excerpt):
    client.force_login(designer(username="ines"))
    text = _text(client.get(reverse("geste_capsule_edit", args=[excerpt.pk])).content.decode())
    assert "Ajouter une interaction" in text and "Type d'interaction" in text and "Add an interaction" not in text
