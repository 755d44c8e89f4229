"""Wagtail's own French, as Geste's admin shows it, corrected by the project's catalogue
(locale/fr/LC_MESSAGES/django.po, searched before Wagtail's): the dashboard's site summary agrees in
number and gender (« 0 image créée », « 2 pages créées », not « 0 Image créé », « Pages crées »), a date
of a few seconds ago reads « À l'instant » (not « Il y a 0 minute »), and the home page's obvious typos
are gone."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.admin.templatetags.wagtailadmin_tags import timesince_simple
from wagtail.models import Page

from tests import factories
from tests.baseline import ensure_baseline
from tests.pages import certification_page

pytestmark = pytest.mark.django_db


def text(body: str) -> str:
    """The page's text as read on screen or by a screen reader (tags dropped, spaces collapsed)."""
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    return response.content.decode()


def test_the_designers_site_summary_agrees_in_number_and_gender(client):
    ensure_baseline()
    for rncp in ("RNCP90001", "RNCP90002"):  # two more pages under home, for the plural
        certification_page(factories.CertificationFactory(rncp_code=rncp))
    seen = text(dashboard(client, factories.designer(username="camille-resume")))
    counted = re.search(r"(\d+) pages créées dans Geste", seen)
    assert counted and int(counted.group(1)) >= Page.objects.filter(depth__gt=2).count() >= 2, seen[-600:]
    assert "0 image créée dans" in seen  # 0 is singular in French
    assert "0 document créé dans" in seen
    for wrong in ("Pages crées", "Pages créées", "Image créé", "Document créé", "créées dans%"):
        assert wrong not in seen, wrong


def test_the_admin_home_has_none_of_wagtails_french_typos(client):
    ensure_baseline()
    for user in (factories.designer(username="camille-typos"), factories.expert(username="jean-typos")):
        body = dashboard(client, user)
        seen = text(body)
        assert "Aller au contenu principal" in seen and "Aller à contenu" not in seen
        assert "Édition de texte" in seen and "Édition de text " not in seen
        assert "vous pouvez les désactiver dans votre compte" in seen and "gérer votre" not in seen
        # The sidebar's labels travel as JSON in a script; Wagtail's editor guide, an English site, is in no
        # French admin (walks 29 and 37: cms/wagtail_hooks.py).
        assert "Guide du redacteur" not in body
        assert "Guide du r\\u00e9dacteur" not in body
        assert "Historique du Site" not in body


def test_the_sidebar_badge_counts_new_items_in_the_plural(client):
    """The sidebar (JavaScript) reads Wagtail's JavaScript catalogue, overridden by locale/fr/djangojs.po."""
    client.force_login(factories.designer(username="camille-js"))
    script = client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '"(%(number)s new items in this menu)": "(%(number)s nouveaux \\u00e9l\\u00e9ments dans ce menu)"' in script
    # Wagtail's three-form French plural rule still applies to its own plural strings.
    assert "n % 1000000 == 0" in script


def test_a_date_of_a_few_seconds_ago_reads_just_now_in_french():
    with translation.override("fr"):
        assert timesince_simple(timezone.now()) == "à l'instant"
        assert timesince_simple(timezone.now() - timezone.timedelta(minutes=3)) == "il y a 3\xa0minutes"


def test_wagtails_status_labels_say_statut_in_french():
    """Wagtail's French says « Status actuel de la page : », « Status : » (walk 27, the dashboard's page list)."""
    with translation.override("fr"):
        assert translation.gettext("Current page status:") == "Statut actuel de la page :"
        assert translation.gettext("Status: ") == "Statut : "
        assert translation.gettext("Locking status") == "Statut de verrouillage"


def test_the_new_user_form_reads_french_punctuation(client):
    """Walk 28b: Wagtail's French titled the user form « Ajouter l'utilisateur: Utilisateur » (no space before
    the colon) and its breadcrumb « Nouvel(le) : Utilisateur ». First-user walk 29: the title still read
    « Ajouter un utilisateur: Utilisateur » (Wagtail's own f"{title}: {subtitle}"): the form says
    « Ajouter un utilisateur », in the window's title, the screen reader's heading and the breadcrumb alike."""
    client.force_login(_superuser())
    response = client.get(reverse("wagtailusers_users:add"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    body = response.content.decode()
    page = text(body)
    assert "Ajouter l'utilisateur" not in page and "Nouvel(le)" not in page
    assert _title(body) == "Ajouter un utilisateur - Wagtail"
    assert _heading(body) == "Ajouter un utilisateur"
    assert _breadcrumb(body) == "Ajouter un utilisateur"


def test_the_new_user_form_reads_add_user_in_english(client):
    client.force_login(english(_superuser()))
    body = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert _title(body) == "Add user - Wagtail"
    assert _heading(body) == "Add user"
    assert _breadcrumb(body) == "Add user"


@pytest.mark.parametrize(("lang", "titles"), [
    ("fr", ("Modification\xa0: Marie Curie", "Historique\xa0: Marie Curie", "Supprimer l'utilisateur\xa0: marie")),
    ("en", ("Editing: Marie Curie", "History: Marie Curie", "Delete user: marie")),
])
def test_the_user_screens_put_a_french_space_before_the_colon_of_their_title(client, lang, titles):
    """Wagtail joins a screen's title and subtitle with ": " (« Modification: Marie Curie »); French puts a
    non-breaking space before the colon. Every screen of Wagtail's admin goes through that one join."""
    admin = _superuser()
    client.force_login(english(admin) if lang == "en" else admin)
    from django.contrib.auth import get_user_model

    marie = get_user_model().objects.create_user("marie", "marie@example.org", "x", first_name="Marie",
                                                 last_name="Curie")
    for name, title in zip(("edit", "history", "delete"), titles, strict=True):
        body = client.get(reverse(f"wagtailusers_users:{name}", args=[marie.pk]), HTTP_ACCEPT_LANGUAGE="fr").content
        assert _title(body.decode()) == f"{title} - Wagtail", name


def _title(body: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", body, re.S).group(1).strip())


def _heading(body: str) -> str:
    return text(re.search(r"<h1\b.*?</h1>", body, re.S).group(0)).strip()


def _breadcrumb(body: str) -> str:
    """The last item of the breadcrumb (the page's visible header)."""
    crumbs = re.search(r"<ol\b.*?</ol>", body, re.S).group(0)
    return text(crumbs.split("<li")[-1].partition(">")[2]).strip()


def english(user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("admin-walk28b", "a28b@example.org", "x")
