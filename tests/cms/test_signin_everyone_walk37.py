"""First-user walk 37: the sign-in page spoke only to learners (« retrouver vos réponses et votre progression »)
though experts, designers and trainers sign in there too. It now says a word to each, in French and English."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _text(lang: str) -> str:
    body = Client(HTTP_ACCEPT_LANGUAGE=lang).get(reverse("learner-login")).content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_sign_in_page_speaks_to_learners_and_to_the_people_at_work():
    fr = _text("fr")
    assert "Apprenants : retrouvez vos réponses et votre progression" in fr, fr
    assert "Experts, concepteurs et formateurs :" in fr and "espace de travail" in fr, fr
    en = _text("en")
    assert "Learners: find your answers and your progress" in en, en
    assert "Experts, designers and trainers:" in en and "workspace" in en, en
    assert "Apprenants" not in en and "Connectez-vous" not in en
