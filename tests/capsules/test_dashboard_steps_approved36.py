"""Walk 36: a designer's dashboard says which footage an expert approved and that no capsule uses yet, with
« Créer la capsule » for each; experts and learners never get that panel (decided on the server)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from capsules.models import Footage
from tests import factories
from tests.baseline import ensure_baseline

pytestmark = pytest.mark.django_db

HEADING = "Étapes validées par l'expert&nbsp;: créer la capsule"


def dashboard(client, user) -> str:
    client.force_login(user)
    res = client.get("/admin/")
    assert res.status_code == 200
    return res.content.decode()


def panel(html: str) -> str:
    found = re.search(r'<section class="w-panel geste-steps-approved.*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_designer_sees_approved_footage_without_a_capsule_and_a_way_to_make_one(client):
    ensure_baseline()
    jean = factories.expert(username="jean-valide", first_name="Jean", last_name="Plombier")
    ready = factories.FootageFactory(title="Joint de robinet", expert=jean, status=Footage.Status.APPROVED)
    used = factories.FootageFactory(title="Siphon déjà en capsule", expert=jean, status=Footage.Status.APPROVED)
    factories.CapsuleFactory(footage=used)
    factories.FootageFactory(title="Encore en relecture", expert=jean, status=Footage.Status.IN_REVIEW)
    html = panel(dashboard(client, factories.designer(username="camille-prete")))
    assert HEADING in html
    assert "Joint de robinet" in html and "validées par Jean Plombier" in html
    assert f'href="{reverse("geste_capsule_create", args=[ready.pk])}"' in html
    assert "Créer la capsule" in html
    assert "Siphon déjà en capsule" not in html and "Encore en relecture" not in html


def test_no_panel_when_every_approved_footage_has_its_capsule(client):
    ensure_baseline()
    used = factories.FootageFactory(status=Footage.Status.APPROVED)
    factories.CapsuleFactory(footage=used)
    assert HEADING not in dashboard(client, factories.designer(username="camille-rien"))


def test_experts_and_learners_never_get_the_panel(client):
    ensure_baseline()
    jean = factories.expert(username="jean-pas-de-capsule")
    factories.FootageFactory(title="Approuvée par Jean", expert=jean, status=Footage.Status.APPROVED)
    html = dashboard(client, jean)
    assert HEADING not in html and "Créer la capsule" not in html
    learner = factories.learner(username="apprenant-tableau36")
    client.force_login(learner)
    res = client.get("/admin/")
    assert HEADING not in res.content.decode()


def test_the_panel_is_translated(client):
    ensure_baseline()
    from wagtail.users.models import UserProfile

    factories.FootageFactory(title="Tap washer", status=Footage.Status.APPROVED)
    user = factories.designer(username="designer-ready-en")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    html = panel(dashboard(client, user))
    assert "Steps approved by the expert: create the capsule" in html and "Create the capsule" in html


def test_the_review_comments_left_on_approved_steps_are_pointed_at(client):
    """Walk 47: an expert approved with a comment asking for a change; the dashboard's line for that footage said
    nothing of it. It now says how many comments there are to read, linked to where they are listed."""
    from capsules.models import ReviewComment

    ensure_baseline()
    jean = factories.expert(username="jean-commente")
    said = factories.FootageFactory(title="Avec remarque", expert=jean, status=Footage.Status.APPROVED)
    silent = factories.FootageFactory(title="Sans remarque", expert=jean, status=Footage.Status.APPROVED)
    step = factories.StepFactory(footage=said, order=1, start=0.0, end=4.0, title="")
    for text in ("Couper avant la porte du frigo", "Titre à revoir"):
        ReviewComment.objects.create(footage=said, step=step, author=jean, text=text)
    html = panel(dashboard(client, factories.designer(username="camille-commentaires")))
    items = {title: li for li in re.findall(r"<li>.*?</li>", html, re.S)
             for title in ("Avec remarque", "Sans remarque") if title in li}
    assert "2 commentaires de la relecture à lire" in items["Avec remarque"]
    assert reverse("geste_footage_detail", args=[said.pk]) + "#geste-review-comments-title" in items["Avec remarque"]
    assert "commentaire" not in items["Sans remarque"] and silent.pk
    # On the footage page, a step with no title of its own is named by its number alone (walk 47: « Étape 1 «
    # Étape 1 » »).
    client.force_login(factories.designer(username="camille-page"))
    page = client.get(reverse("geste_footage_detail", args=[said.pk])).content.decode()
    box = re.search(r'data-role="review-comments".*?</section>', page, re.S).group(0)
    assert "<strong>Étape 1</strong>" in box and "Couper avant la porte du frigo" in box
