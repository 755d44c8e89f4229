"""Walk 36: the truth JSON export (the benchmark's annotators' tool) is for designers and administrators: the
review screen offers it to them only, and the export URL answers the assigned expert 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.models import Footage
from tests import factories

pytestmark = pytest.mark.django_db

LINK = 'data-role="export-truth" href='


@pytest.fixture
def approved(db):
    jean = factories.expert(username="expert-export36")
    footage = factories.FootageFactory(expert=jean, duration=20.0, status=Footage.Status.APPROVED)
    factories.StepFactory(footage=footage, order=1, start=0.0, end=10.0, title="Couper l'eau", approved=True)
    factories.StepFactory(footage=footage, order=2, start=10.0, end=20.0, title="Changer le joint", approved=True)
    return footage, jean


def test_the_assigned_expert_gets_403_and_no_link(client, approved):
    footage, jean = approved
    client.force_login(jean)
    res = client.get(reverse("review_api:truth", args=[footage.pk]))
    assert res.status_code == 403 and b"Couper" not in res.content
    assert "réservé aux concepteurs" in res.json()["detail"]
    screen = client.get(reverse("geste_review", args=[footage.pk])).content.decode()
    assert LINK not in screen and "Exporter les étapes validées" not in screen
    assert reverse("review_api:truth", args=[footage.pk]) not in screen


def test_designers_and_superusers_get_the_link_and_the_file(client, approved):
    footage, _jean = approved
    admin = factories.UserFactory(username="admin-export36", is_superuser=True, is_staff=True)
    for user in (factories.designer(username="designer-export36"), admin):
        client.force_login(user)
        screen = client.get(reverse("geste_review", args=[footage.pk])).content.decode()
        assert LINK in screen and "Exporter les étapes validées (JSON)" in screen
        res = client.get(reverse("review_api:truth", args=[footage.pk]))
        assert res.status_code == 200 and res["Content-Type"].startswith("application/json")
