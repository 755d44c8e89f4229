"""First-user walk 29: a trainer's admin home offers no « Rechercher toutes les pages… » box leading to a
403, nor Wagtail's editor guide; a designer keeps the box (and the guide only in English: walk 37,
tests/cms/test_admin_help_walk37.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.baseline import ensure_baseline

pytestmark = pytest.mark.django_db

SEARCH = "Rechercher toutes les pages"
GUIDE = "guide.wagtail.org"


def _home(user):
    client = Client()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return client, response.content.decode()


def test_trainer_home_has_no_page_search_nor_editor_guide():
    ensure_baseline()
    trainer = factories.UserFactory(groups=["Trainers"])
    client, html = _home(trainer)
    assert SEARCH not in html and 'role="search"' not in html
    assert GUIDE not in html and "Guide de l'éditeur" not in html
    refused = client.get("/admin/pages/", {"q": "joint"}, follow=True)  # what the box led to
    assert refused.status_code == 403 or "pas les autorisations" in refused.content.decode()


def test_designer_home_keeps_page_search():
    ensure_baseline()
    designer = factories.designer()
    client, html = _home(designer)
    assert SEARCH in html and GUIDE not in html  # the guide is English: only for an English admin (walk 37)
    assert client.get("/admin/pages/", {"q": "joint"}, follow=True).status_code == 200


def test_the_page_search_button_speaks_the_admin_s_language():
    """Walk 48: the search box's button, hidden but read aloud, said « Search » to a French designer (Wagtail 8
    writes it untranslated)."""
    ensure_baseline()
    _client, html = _home(factories.designer())
    assert 'value="Search"' not in html and 'type="submit" value="Rechercher"' in html
