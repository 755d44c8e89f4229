"""First-user walk 24a: the portfolio's share links table had an empty « État » column for an active link
(only a « Révoquer » button). Each link now says its state: active, expired or revoked, in both languages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capsules.models import PortfolioShare
from tests import factories

pytestmark = pytest.mark.django_db


def _states(lang: str, user) -> dict[str, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    html = client.get(reverse("recognition-portfolio")).content.decode()
    rows = re.findall(r"<tr><td[^>]*>([^<]*)</td>.*?</tr>", html, re.S)
    cells = re.findall(r'<td data-label="(?:État|Status)">(.*?)</td></tr>', html, re.S)
    return {
        who: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for who, cell in zip(rows, cells, strict=True)
    }


def test_each_share_link_says_its_state(client):
    user = factories.learner(username="lea-w24")
    now = timezone.now()
    PortfolioShare.objects.create(user=user, token="a" * 64, label="Employeur", expires_at=now + timedelta(days=30))
    PortfolioShare.objects.create(user=user, token="b" * 64, label="Formateur", expires_at=now - timedelta(days=1))
    PortfolioShare.objects.create(
        user=user, token="c" * 64, label="Tuteur", expires_at=now + timedelta(days=3), revoked_at=now
    )
    assert _states("fr", user) == {"Employeur": "Actif Révoquer", "Formateur": "Expiré", "Tuteur": "Révoqué"}
    assert _states("en", user) == {"Employeur": "Active Revoke", "Formateur": "Expired", "Tuteur": "Revoked"}
