"""The admin dashboard's "Relectures en attente" panel: an expert sees the footage waiting for their
review (and is told when there is none), a designer the footage in review or still processing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from capsules.models import Footage
from tests import factories
from tests.baseline import ensure_baseline

pytestmark = pytest.mark.django_db


def panel(client, user) -> str:
    client.force_login(user)
    body = client.get("/admin/").content.decode()
    found = re.search(r'<section class="w-panel geste-waiting.*?</section>', body, re.S)
    return found.group(0) if found else ""


def test_expert_sees_their_waiting_footage_or_an_empty_note(client):
    ensure_baseline()
    jean = factories.expert(username="jean-tableau")
    other = factories.expert(username="autre-expert")
    assert "Aucune vidéo n'attend votre relecture" in panel(client, jean)  # never a blank dashboard

    mine = factories.FootageFactory(title="Joint de siphon", expert=jean, status=Footage.Status.IN_REVIEW)
    factories.FootageFactory(title="Vidéo d'un autre", expert=other, status=Footage.Status.IN_REVIEW)
    factories.FootageFactory(title="Déjà approuvée", expert=jean, status=Footage.Status.APPROVED)
    html = panel(client, jean)
    assert "Relectures en attente" in html
    assert f'href="{reverse("geste_review", args=[mine.pk])}"' in html and "Joint de siphon" in html
    assert "Vidéo d'un autre" not in html and "Déjà approuvée" not in html
    assert "Aucune vidéo n'attend" not in html


def test_designer_sees_footage_in_review_or_processing(client):
    ensure_baseline()
    jean = factories.expert(username="jean-relecteur", first_name="Jean", last_name="Plombier")
    review = factories.FootageFactory(title="En relecture", expert=jean, status=Footage.Status.IN_REVIEW)
    running = factories.FootageFactory(title="En cours de traitement", status=Footage.Status.PROCESSING)
    factories.FootageFactory(title="Approuvée", status=Footage.Status.APPROVED)
    html = panel(client, factories.designer(username="camille-tableau"))
    assert f'href="{reverse("geste_review", args=[review.pk])}"' in html and "expert&nbsp;: Jean Plombier" in html
    assert f'href="{reverse("geste_footage_detail", args=[running.pk])}"' in html and "En traitement" in html
    assert "Approuvée</a>" not in html
    assert "Vidéos qui attendent votre relecture" not in html  # none assigned to the designer
