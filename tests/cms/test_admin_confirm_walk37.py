"""First-user walk 37, the designer's and the expert's screens.

- The expert's « Approuver » on a capsule took effect at once, unlike « Valider les étapes » on the review screen,
  which asks first: it now opens a confirmation (« Approuver la capsule ? », « Confirmer l'approbation »,
  « Annuler »), and only that posts.
- The answers field's placeholder (a torque wrench) looked like content already typed: it starts with
  « Exemple : », as does the cloze's.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from tests.cms.test_expert_check import sent  # noqa: F401  (fixture)
from tests.factories import CapsuleFactory, FootageFactory, designer

pytestmark = pytest.mark.django_db


def _forms(html: str) -> list[str]:
    return re.findall(r"<form\b.*?</form>", html, re.S)


def test_approving_a_capsule_asks_for_a_confirmation_first(client, sent):  # noqa: F811
    people, page, state = sent
    client.force_login(people["jean"])
    screen = reverse("geste_expert_check", args=[page.pk])
    approve_url = reverse("geste_expert_check_action", args=[page.pk, "approve"])
    html = client.get(screen).content.decode()
    first = next(f for f in _forms(html) if ">Approuver</button>" in f)
    # « Approuver » posts nothing: it asks first, on the same screen.
    assert 'method="get"' in first and approve_url not in first, first
    assert 'name="confirmer" value="approbation"' in first
    asked = unescape(client.get(screen, {"confirmer": "approbation"}).content.decode())
    confirm = next(f for f in _forms(asked) if "Confirmer l'approbation" in f)
    assert 'method="post"' in confirm and approve_url in confirm
    assert "Approuver la capsule\xa0?" in confirm and "les questions de la capsule sont justes" in confirm
    assert f'href="{screen}#decision">Annuler</a>' in confirm
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS  # nothing happened yet
    client.post(approve_url)
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_APPROVED


def test_the_answers_placeholder_reads_as_an_example(client):
    capsule = CapsuleFactory(footage=FootageFactory(status="approved"))
    client.force_login(designer(username="camille-exemple"))
    html = client.get(reverse("geste_capsule_edit", args=[capsule.pk])).content.decode()
    choices = unescape(re.search(r'<textarea id="id_choices"[^>]*placeholder="([^"]*)"', html).group(1))
    cloze = unescape(re.search(r'<textarea id="id_cloze"[^>]*placeholder="([^"]*)"', html).group(1))
    assert choices.startswith("Exemple\xa0:\n* Une clé dynamométrique"), choices
    assert cloze.startswith("Exemple\xa0: Je serre l'écrou"), cloze
