"""Walk 27 in English: the review screen's way on to a capsule once the steps are approved, and the hint
beside « Envoyer en validation » (what the capsule still needs), for a designer whose preference is English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.models import Interaction
from tests.capsules.test_admin_english import _text, en_client, english, excerpt  # noqa: F401  (fixtures)
from tests.factories import InteractionFactory, expert

pytestmark = pytest.mark.django_db


def test_the_approved_review_leads_on_to_a_capsule_in_english(en_client, excerpt):  # noqa: F811
    text = _text(en_client.get(reverse("geste_review", args=[excerpt.footage.pk])).content.decode())
    assert "Create a capsule" in text and "Changer une roue" in text
    assert "Créer une capsule" not in text


def test_an_expert_is_never_offered_to_create_a_capsule_on_the_review_screen(client, excerpt):  # noqa: F811
    reviewer = english(expert(username="jean"))
    excerpt.footage.expert = reviewer
    excerpt.footage.save(update_fields=["expert"])
    client.force_login(reviewer)
    page = client.get(reverse("geste_review", args=[excerpt.footage.pk])).content.decode()
    assert "Create a capsule" not in page and "geste_capsule_create" not in page
    assert reverse("geste_capsule_create", args=[excerpt.footage.pk]) not in page
    assert reverse("geste_capsule_edit", args=[excerpt.pk]) not in page


def test_the_submit_requirement_is_said_in_english(en_client, excerpt):  # noqa: F811
    InteractionFactory(capsule=excerpt, time=20.0, draft_status=Interaction.DraftStatus.PROPOSED)
    text = _text(en_client.get(reverse("geste_capsule_edit", args=[excerpt.pk])).content.decode())
    assert ("Add at least one interaction before sending the capsule for approval. "
            "Quiz proposals only count once accepted.") in text
    res = en_client.post(reverse("geste_capsule_submit", args=[excerpt.pk]), follow=True)
    assert "Quiz proposals only count once accepted." in _text(res.content.decode())
