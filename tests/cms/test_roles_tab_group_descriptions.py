"""First-user walk 30: the user form's « Rôles » tab listed Wagtail's own « Modérateurs » and « Éditeurs » next to
Geste's groups, each a bare checkbox: nothing said what a group lets its members do, nor that Geste never uses
Wagtail's two (its code looks up Designers, Experts, Learners, Trainers). Each group Geste or Wagtail made has a
description under its checkbox, tied to it (aria-describedby); Wagtail's two say they are Wagtail's and unused
by Geste. The groups themselves stay (Wagtail's migrations made them; its own data migrations look them up)."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.users.models import UserProfile

from cms.admin_labels import GROUP_DESCRIPTIONS, GROUP_LABELS
from tests import factories

pytestmark = pytest.mark.django_db


def _admin(language="fr") -> Client:
    user = factories.UserFactory(is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(user)
    return client


def _roles(body: str) -> dict[str, str]:
    """{checkbox label: its description} on the roles tab, through aria-describedby."""
    tab = body.split('id="tab-roles"', 1)[1]
    out = {}
    for box in re.finditer(r'<label for="(id_groups_\d+)">\s*<input[^>]*>\s*([^<]+)</label>', tab):
        tag = re.search(rf'<input[^>]*id="{box.group(1)}"[^>]*>', tab).group(0)
        described = re.search(r'aria-describedby="([^"]+)"', tag)
        help_text = re.search(rf'id="{described.group(1)}"[^>]*>([^<]+)<', tab).group(1) if described else ""
        out[html.unescape(box.group(2)).strip()] = html.unescape(help_text).strip()
    return out


@pytest.mark.parametrize("url", ["edit", "new"])
def test_every_group_on_the_roles_tab_says_what_it_is_for(url):
    learner = factories.learner()
    client = _admin()
    path = f"/admin/users/edit/{learner.pk}/" if url == "edit" else "/admin/users/new/"
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    roles = _roles(response.content.decode())
    assert set(roles) >= {"Modérateurs", "Éditeurs", "Concepteurs", "Experts", "Apprenants", "Formateurs"}, roles
    assert all(roles.values()), roles  # each one described
    for wagtails in ("Modérateurs", "Éditeurs"):
        assert roles[wagtails].startswith("Groupe Wagtail d'origine"), roles[wagtails]
        assert "Geste ne l'utilise pas" in roles[wagtails], roles[wagtails]
    assert "sessions" in roles["Formateurs"] and "badge" in roles["Formateurs"]
    assert Group.objects.filter(name__in=["Moderators", "Editors"]).count() == 2  # kept


def test_the_descriptions_follow_the_admin_s_language():
    roles = _roles(_admin("en").get(f"/admin/users/edit/{factories.learner().pk}/").content.decode())
    assert roles["Moderators"].startswith("Wagtail's original group"), roles
    assert "Trainers" in roles and "Formateurs" not in roles and "Groupe" not in " ".join(roles.values())


def test_every_group_geste_or_wagtail_made_has_a_label_and_a_description():
    assert set(GROUP_DESCRIPTIONS) == set(GROUP_LABELS)
    assert set(Group.objects.values_list("name", flat=True)) <= set(GROUP_LABELS)
