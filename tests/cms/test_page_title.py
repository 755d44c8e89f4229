"""First-user walk 24a: the home page's tab read « Geste — catalogue des formations · Geste ». The site's name
is appended to a page's title only when the title does not already name it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cms.templatetags.geste_html import site_title
from tests.baseline import ensure_baseline


@pytest.mark.django_db
def test_home_page_tab_names_geste_once():
    ensure_baseline()
    html = Client().get("/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.count("Geste") == 1, title
    assert title.startswith("Geste")


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Geste — catalogue des formations", "Geste — catalogue des formations"),
        ("Mon portfolio — Geste", "Mon portfolio — Geste"),
        ("Remplacer le joint d'un robinet", "Remplacer le joint d'un robinet · Geste"),
        ("Gestes et postures", "Gestes et postures · Geste"),
        ("", "Geste"),
    ],
)
def test_site_title(title, shown):
    assert site_title(title) == shown
