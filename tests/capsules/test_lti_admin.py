"""The LTI admin screens a first administrator meets (walk 29): all in French, Geste's own addresses
shown where Moodle asks for them, platform addresses checked before they are saved."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from lti_tool.models import LtiDeployment, LtiRegistration

from tests import factories

pytestmark = pytest.mark.django_db

BASE = "https://geste.example.fr"
MOODLE = "https://moodle.univ.example"
VALID = {"name": "Moodle de l'université", "issuer": MOODLE, "client_id": "abc123", "audience": "",
         "auth_url": f"{MOODLE}/mod/lti/auth.php", "token_url": f"{MOODLE}/mod/lti/token.php",
         "keyset_url": f"{MOODLE}/mod/lti/certs.php", "is_active": "on"}


@pytest.fixture
def admin(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname="geste.example.fr", port=443)
    client = Client()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    return client


def page(client, url, **post) -> str:
    resp = client.post(url, post) if post else client.get(url)
    assert resp.status_code == 200, resp.status_code
    return unescape(resp.content.decode())


def visible_text(html: str) -> str:
    """The page as read: scripts (the sidebar's JSON) and tags out."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_lti_screens_speak_french(admin):
    """« LTI registrations », « Ajout : LTI registration », « Le(la) LTI registration n'a pas pu être
    créé(e) »: django-lti's English model names and Wagtail's « Le(la) » were shown raw."""
    screens = [page(admin, "/admin/lti_registration/"), page(admin, "/admin/lti_registration/new/"),
               page(admin, "/admin/lti_registration/new/", name="x"),  # refused: errors
               page(admin, "/admin/lti_deployment/"), page(admin, "/admin/lti_deployment/new/"),
               page(admin, "/admin/lti_deployment/new/", deployment_id="")]
    for html in screens:
        text = visible_text(html)
        assert "LTI registration" not in text and "LTI deployment" not in text, text
        assert "Le(la)" not in text and "créé(e)" not in text, text
    assert "Plateformes LTI" in visible_text(screens[0]) and "Déploiements LTI" in visible_text(screens[3])
    assert "Il n'y a pas de plateformes LTI" in visible_text(screens[0])
    assert "La plateforme n'a pas pu être enregistrée" in visible_text(screens[2])
    assert "Le déploiement n'a pas pu être enregistré" in visible_text(screens[5])
    created = admin.post("/admin/lti_registration/new/", VALID, follow=True)
    assert "Plateforme « Moodle de l'université » enregistrée" in visible_text(unescape(created.content.decode()))
    registration = LtiRegistration.objects.get(client_id="abc123")
    confirm = visible_text(page(admin, f"/admin/lti_registration/delete/{registration.pk}/"))
    assert "LTI registration" not in confirm and "ce(tte)" not in confirm


def test_geste_addresses_for_moodle_are_shown_on_the_list_and_the_form(admin):
    """What Moodle asks first (« Configurer un outil manuellement »): Geste's own absolute addresses, read-only."""
    expected = {
        "URL de l'outil": f"{BASE}/lti/lancement/",
        "URL du jeu de clés publiques": f"{BASE}/lti/jwks.json",
        "URL de connexion initiale": f"{BASE}/lti/connexion/",
        "URI de redirection": f"{BASE}/lti/lancement/",
        "URL de sélection de contenu": f"{BASE}/lti/lancement/",
    }
    LtiRegistration.objects.create(name="Moodle", issuer=MOODLE, client_id="c1")
    registration = LtiRegistration.objects.get()
    for url in ("/admin/lti_registration/", "/admin/lti_registration/new/",
                f"/admin/lti_registration/edit/{registration.pk}/"):
        html = page(admin, url)
        assert "À saisir dans Moodle" in visible_text(html)
        for label, address in expected.items():
            field = re.search(rf"<label[^>]*for=\"([^\"]+)\"[^>]*>\s*{re.escape(label)}", html)
            assert field, (url, label)
            tag = re.search(rf"<input[^>]*id=\"{field.group(1)}\"[^>]*>", html).group(0)
            assert "readonly" in tag and f'value="{address}"' in tag and 'name="' not in tag, tag


@pytest.mark.parametrize(("field", "value", "message"), [
    ("issuer", "pas une url", "adresse complète"),
    ("issuer", "moodle.univ.example", "adresse complète"),
    ("issuer", "http://moodle.univ.example", "https://"),
    ("issuer", "https://moodle.univ.example/?x=1", "ni « ? » ni « # »"),
    ("auth_url", "ftp://moodle.univ.example/auth", "https://"),
    ("token_url", "http://moodle.univ.example/mod/lti/token.php", "https://"),
    ("keyset_url", "pas une url", "adresse"),
])
def test_platform_addresses_must_be_https_urls(admin, field, value, message):
    html = page(admin, "/admin/lti_registration/new/", **{**VALID, field: value})
    assert message in visible_text(html)
    assert not LtiRegistration.objects.exists()


def test_local_http_platforms_are_accepted_for_tests(admin):
    local = "http://127.0.0.1:9001"
    data = {**VALID, "issuer": local, "auth_url": f"{local}/auth", "token_url": "http://localhost:9001/token",
            "keyset_url": f"{local}/jwks"}
    assert admin.post("/admin/lti_registration/new/", data).status_code == 302
    assert LtiRegistration.objects.get().issuer == local
    assert not LtiDeployment.objects.exists()


@pytest.mark.parametrize("url, name", [("/admin/lti_registration/new/", "Nouvelle plateforme LTI"),
                                       ("/admin/lti_deployment/new/", "Nouveau déploiement LTI")])
def test_the_new_platform_page_has_one_name_in_its_header_and_breadcrumb(admin, url, name):
    """Walk 29b: « Nouveau : Plateforme LTI » in the header, « Ajout : Plateforme LTI » in the breadcrumb.
    Walk 30: the new deployment page still said « Ajout : Déploiement LTI », its « : » at a line start at 360 px."""
    text = visible_text(page(admin, url))
    assert "Nouveau :" not in text and "Ajout :" not in text, text
    assert text.count(name) >= 2, text  # the header and the breadcrumb (and the title tag)
