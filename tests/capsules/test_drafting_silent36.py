"""Walk 36: on the capsule screen, a footage filmed without commentary (no transcript, or a transcript in
which Whisper recognised no speech) is not offered quizzes « à partir … du commentaire », and drafting on it
says where its proposals come from (the approved steps and the expert's key points), not that a commentary
was analysed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from capsules.authoring import drafting
from capsules.models import Footage, Interaction, KeyPoint, Transcript
from tests import factories

pytestmark = pytest.mark.django_db

TITLES = ["Couper l'arrivée d'eau", "Démonter la tête du robinet", "Changer le joint", "Remonter et serrer"]
SPEECH = [{"start": 1.0, "end": 4.0, "text": " Je coupe l'arrivée d'eau avec la vanne d'arrêt.",
           "words": []}]


def capsule_with(segments):
    footage = factories.FootageFactory(status=Footage.Status.APPROVED, duration=40.0)
    for i, title in enumerate(TITLES):
        factories.StepFactory(footage=footage, order=i, start=i * 10.0, end=i * 10.0 + 8.0, title=title,
                              approved=True)
    if segments is not None:
        Transcript.objects.create(footage=footage, language="fr", duration=40.0, segments=segments)
    return factories.CapsuleFactory(footage=footage)


def draft_button(html: str) -> str:
    form = re.search(r'<form method="post" action="[^"]*/propositions/">.*?</form>', html, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", form)).strip()


@pytest.mark.parametrize("segments", [None, [], [{"start": 0.0, "end": 2.0, "text": "  ", "words": []}]],
                         ids=["no-transcript", "no-segment", "blank-segment"])
def test_a_silent_footage_is_offered_quizzes_from_its_steps_only(client, segments):
    capsule = capsule_with(segments)
    assert not drafting.has_spoken_commentary(capsule)
    client.force_login(factories.designer(username="concepteur-muet"))
    label = draft_button(client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode())
    assert label == "Proposer des quiz à partir des étapes"


def test_a_footage_with_speech_keeps_the_commentary_in_the_label(client):
    capsule = capsule_with(SPEECH)
    assert drafting.has_spoken_commentary(capsule)
    client.force_login(factories.designer(username="concepteur-parlant"))
    label = draft_button(client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode())
    assert label == "Proposer des quiz à partir des étapes et du commentaire"


def test_drafting_a_silent_footage_proposes_from_the_steps_and_says_so(client):
    capsule = capsule_with([])
    client.force_login(factories.designer(username="concepteur-muet-2"))
    res = client.post(reverse("geste_drafts_generate", args=[capsule.pk]), follow=True)
    body = res.content.decode()
    drafts = capsule.interactions.filter(draft_status=Interaction.DraftStatus.PROPOSED)
    kinds = set(drafts.values_list("kind", flat=True))
    assert "ordering" in kinds  # the approved steps' order, their titles
    assert "cloze" not in kinds  # no cloze without a commentary
    assert "pas de commentaire transcrit\u00a0: elles viennent des étapes approuvées" in body
    assert "commentaire a été analysé" not in body and "phrases du commentaire" not in body
    # The expert marked no key point: none is named as a source (walk 36).
    assert "points de vigilance de l'expert" not in body.replace("&#x27;", "'")


def test_the_label_is_translated(client):
    capsule = capsule_with(None)
    user = factories.designer(username="designer-silent-en")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    html = client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
    assert draft_button(html) == "Propose quizzes from the steps"


def test_the_processing_stage_does_not_promise_a_commentary():
    """Walk 36: a silent video's processing listed « Propositions de quiz (commentaire) » while the quizzes come
    from its steps; the stage is named for what it makes, in both languages."""
    from django.utils import translation

    from capsules.pipeline.workflow import STAGE_BY_NAME

    label = STAGE_BY_NAME["draft_quizzes"].label
    assert str(label) == "Propositions de quiz"
    with translation.override("en"):
        assert str(label) == "Quiz proposals"


def test_a_silent_footage_with_key_points_names_them_as_a_source(client):
    capsule = capsule_with([])
    KeyPoint.objects.create(footage=capsule.footage, time=12.0, text="Couper l'eau avant de démonter.")
    client.force_login(factories.designer(username="concepteur-muet-3"))
    body = client.post(reverse("geste_drafts_generate", args=[capsule.pk]), follow=True).content.decode()
    assert "étapes approuvées et des points de vigilance de l'expert" in body.replace("&#x27;", "'")
