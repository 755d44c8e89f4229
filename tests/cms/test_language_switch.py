"""The public site's language switch (cms/language.py, base.html): a link per language that sets the
language cookie and comes back, header strings in the chosen language, cached pages kept apart per
language, and no open redirect."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_header_offers_english_and_speaks_it_once_chosen():
    c = Client(HTTP_ACCEPT_LANGUAGE="fr")
    french = c.get("/").content.decode()
    assert "Se connecter" in french and "Aller au contenu" in french
    assert 'href="/langue/en/?next=/"' in french and 'hreflang="en"' in french

    moved = c.get("/langue/en/", {"next": "/"})
    assert moved.status_code == 302 and moved["Location"] == "/"
    assert moved.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = c.get("/").content.decode()
    assert 'lang="en"' in english and "Sign in" in english and "Create an account" in english
    assert "Skip to content" in english and "Se connecter" not in english
    assert 'href="/langue/fr/?next=/"' in english

    # The page cache keeps one copy per language: another French visitor still gets French.
    assert "Se connecter" in Client(HTTP_ACCEPT_LANGUAGE="fr").get("/").content.decode()
    back = c.get("/langue/fr/", {"next": "/"})
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert "Se connecter" in c.get("/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_switch_never_sends_a_visitor_elsewhere(target):
    moved = Client().get("/langue/en/", {"next": target})
    assert moved.status_code == 302 and moved["Location"] == "/"


def test_an_unknown_language_is_404():
    assert Client().get("/langue/de/").status_code == 404
