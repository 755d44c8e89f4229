"""Wagtail's user screens in French (first-user walk 28): the groups Geste's migrations made, and Wagtail's
own « Moderators » and « Editors », are shown by their French names (the names stay the keys the code
looks them up by), and the user list's « Actif » filter says « Oui »/« Non », not « True »."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.users.models import UserProfile

from tests import factories
from tests.baseline import ensure_baseline

pytestmark = pytest.mark.django_db

FRENCH = ["Modérateurs", "Éditeurs", "Concepteurs", "Experts", "Apprenants", "Formateurs"]
ENGLISH = ["Moderators", "Editors", "Designers", "Experts", "Learners", "Trainers"]


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _admin(client, username: str, language: str = ""):
    ensure_baseline()
    for name in ("Moderators", "Editors"):  # Wagtail's migrations make them; a flushed database may not have them
        Group.objects.get_or_create(name=name)
    admin = factories.UserFactory(username=username, is_staff=True, is_superuser=True)
    if language:
        profile = UserProfile.get_for_user(admin)
        profile.preferred_language = language
        profile.save()
    client.force_login(admin)
    return admin


def test_the_roles_tab_names_the_groups_in_french(client):
    admin = _admin(client, "admin-groupes")
    seen = _text(client.get(reverse("wagtailusers_users:edit", args=[admin.pk])))
    for french, english in zip(FRENCH, ENGLISH, strict=True):
        assert french in seen, french
        if french != english:
            assert not re.search(rf"\b{english}\b", seen), english


def test_the_roles_tab_keeps_the_english_names_in_english(client):
    admin = _admin(client, "admin-groups-en", "en")
    seen = _text(client.get(reverse("wagtailusers_users:edit", args=[admin.pk])))
    for english in ENGLISH:
        assert english in seen, english
    assert "Concepteurs" not in seen and "Formateurs" not in seen


def test_the_user_lists_filters_say_oui_and_french_group_names(client):
    _admin(client, "admin-actif")
    designers = Group.objects.get(name="Designers")
    seen = _text(client.get(reverse("wagtailusers_users:index"), {"is_active": "true", "group": designers.pk}))
    assert "Actif : Oui" in seen or "Actif: Oui" in seen, seen[:3000]
    assert "True" not in seen
    assert "Groupe : Concepteurs" in seen or "Groupe: Concepteurs" in seen
    seen = _text(client.get(reverse("wagtailusers_users:index"), {"is_active": "false"}))
    assert "Actif : Non" in seen or "Actif: Non" in seen
    assert "False" not in seen


def test_the_groups_list_names_the_groups_in_french(client):
    _admin(client, "admin-liste-groupes")
    seen = _text(client.get(reverse("wagtailusers_groups:index")))
    for french in FRENCH:
        assert french in seen, french
    assert "Designers" not in seen and "Trainers" not in seen
