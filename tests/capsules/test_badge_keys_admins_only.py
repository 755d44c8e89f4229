"""First-user walk 30: the trainer's « Badges délivrés » page ended with « Clés de signature », the issuer's
public key (z6Mk…), its dates and « (active) »: nothing a trainer acts on. Only an administrator (superuser)
rotates the key, so only an administrator's page shows the section; a trainer's and a designer's page do
not carry the key at all (not hidden by CSS: absent from the HTML). The key stays public where verifiers
read it: the issuer document (recognition-issuer)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from capsules.recognition import keys
from tests import factories

pytestmark = pytest.mark.django_db


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("geste_badges"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("who", ["trainer", "designer"])
def test_the_badge_page_of_a_trainer_or_a_designer_does_not_show_the_signing_key(who):
    key = keys.active_key()
    user = factories.UserFactory(groups=["Trainers"]) if who == "trainer" else factories.designer()
    body = _page(user)
    assert "Attribuer un badge à la main" in body  # their page, with what they do there
    assert key.public_key_multibase not in body
    assert "Clés de signature" not in body and "Changer de clé de signature" not in body
    assert reverse("geste_badge_rotate_key") not in body


def test_an_administrator_sees_the_signing_keys_and_can_change_the_key():
    key = keys.active_key()
    body = _page(factories.UserFactory(is_superuser=True, is_staff=True))
    assert "Clés de signature" in body and key.public_key_multibase in body
    assert "Changer de clé de signature" in body and reverse("geste_badge_rotate_key") in body
    assert reverse("recognition-issuer") in body  # where verifiers read it
