"""First-user walk 37: the French admin linked to English sites — the « Aide » menu's « Nouveautés de Wagtail 8.0 »
and « Guide du rédacteur » (with a « 2 nouveaux » badge) and the dashboard's « Guide de l'éditeur pour Wagtail
8.0.1 », all on guide.wagtail.org in English. None is left in French; a page editor whose admin speaks English
keeps them (cms/wagtail_hooks.py, cms/templatetags/geste_admin.py)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from wagtail.users.models import UserProfile

from tests import factories
from tests.baseline import ensure_baseline

pytestmark = pytest.mark.django_db


def _home(user):
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def _help_menu(html: str) -> list:
    """The sidebar's menu travels as JSON in a script: the « Aide » submenu's items."""
    props = json.loads(re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
                                 html, re.S).group(1))

    def walk(node):
        if isinstance(node, dict):
            if node.get("_args") and isinstance(node["_args"], list):
                first = node["_args"][0]
                if isinstance(first, dict) and first.get("name") == "help":
                    yield node["_args"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    found = list(walk(props))
    assert found, "no « Aide » menu in the sidebar"
    return found[0]


def test_the_french_admin_links_to_no_english_guide():
    ensure_baseline()
    for user in (factories.designer(username="camille-aide"), factories.expert(username="jean-aide")):
        html = _home(user)
        assert "guide.wagtail.org" not in html
        assert "Guide de l'éditeur" not in html and "Guide de l&#x27;éditeur" not in html
        assert "Nouveaut" not in html and "Guide du r" not in html
        help_menu = json.dumps(_help_menu(html), ensure_ascii=False)
        assert "Raccourcis" in help_menu  # Wagtail's keyboard shortcuts stay
        items = json.dumps(_help_menu(html)[1:], ensure_ascii=False)
        assert "w-dismissible" not in items  # no item left to count in a « 2 nouveaux » badge


def test_a_page_editor_in_english_keeps_wagtails_guides():
    ensure_baseline()
    designer = factories.designer(username="camille-help-en")
    profile = UserProfile.get_for_user(designer)
    profile.preferred_language = "en"
    profile.save()
    html = _home(designer)
    assert "guide.wagtail.org" in html and "editor guide" in html
