"""Learner pages in the page's language (English walk 24): an English browser (Accept-Language) or the
header's « English » link (the language cookie) got the skills block page below its header, the portfolio,
the sign-in and sign-up pages and the error pages in French, the sign-up page with Django's English
errors inside the French form, and default step titles « Étape N ». Each page now speaks one language:
English strings in English, and not one of the French ones it had; French as before."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from capsules.models import Step
from tests import factories
from tests.capsules.test_learner_api import manifest_url, world  # noqa: F401  (fixture)
from tests.capsules.test_recognition import block, earn  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def text(resp) -> str:
    """The page's words, tags out, spaces folded."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", resp.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def client(lang: str, user=None, *, cookie: str | None = None) -> Client:
    """A browser asking for ``lang``; ``cookie``: the header's language link chosen on top of it."""
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if cookie:
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    if user is not None:
        c.force_login(user)
    return c


def absent(page: str, words) -> list[str]:
    return [w for w in words if w in page]


# --- the skills block page -------------------------------------------------------------------------

BLOCK_FRENCH = [
    "Mon parcours",
    "À suivre",
    "Terminée",
    "Commencée",
    "Capsule terminée.",
    "Badge du bloc",
    "Pour l'obtenir",
    "Badge pas encore obtenu",
    "capsule terminée sur",
    "Refaire la capsule",
    "S'entraîner",
    "Entraînement",
    "Vos dernières réponses",
    "Aller à la question",
    " à 0:",
]


def test_block_page_below_its_header_speaks_english(block, django_capture_on_commit_callbacks):  # noqa: F811
    """Capsule 1 completed with its mandatory question wrong, capsule 2 not started: progress, cards, the
    capsule's « to get right » line, the badge panel and its reasons, the path's buttons."""
    learner = factories.learner()
    c = client("en", learner)
    from tests.capsules.test_recognition import complete

    complete(c, block["capsules"][0], ["b"], django_capture_on_commit_callbacks)  # answered wrong
    url = block["block"].page.url
    resp = c.get(url)
    english = text(resp)
    assert ">Redo the capsule</a>: a new complete attempt." in resp.content.decode()
    # Nothing due right after finishing (walk 24): the practice link gives way to when its questions come back.
    assert "Practice: nothing to review today; its questions come back on" in english
    assert "next questions on" not in english  # the same day, said once under the capsule (walk 25)
    for words in [
        "1 of 2 capsules completed (50%)",
        "My path",
        "Up next",
        "Completed",
        "Capsules",
        "Block badge “Maintenir les équipements sanitaires”",
        "To earn it: Toutes les capsules du bloc",
        "Badge not earned yet",
        "Go to the question",
        "Completed, to consolidate",
        "(about 1 min)",
        "Best complete attempt: 0%",
    ]:
        assert words in english, (words, english)
    assert not absent(english, BLOCK_FRENCH), absent(english, BLOCK_FRENCH)

    french = text(client("fr", learner).get(url))
    assert "1 capsule terminée sur 2 (50 %)" in french and "Mon parcours" in french and "Pour l'obtenir" in french
    assert (
        "Capsule terminée. Pour le badge du bloc" in french
        and "Refaire la capsule</a>&nbsp;: une" in client("fr", learner).get(url).content.decode()
    )
    # The header's link (the cookie) wins over the browser's language, both ways.
    assert "My path" in text(client("fr", learner, cookie="en").get(url))
    assert "Mon parcours" in text(client("en", learner, cookie="fr").get(url))


def test_block_page_with_the_badge_earned_speaks_english(block, django_capture_on_commit_callbacks):  # noqa: F811
    learner = factories.learner()
    earn(block, learner, django_capture_on_commit_callbacks)
    page = text(client("en", learner).get(block["block"].page.url))
    assert "Badge earned on " in page and "view and download the badge" in page and "my portfolio" in page
    assert "2 of 2 capsules completed (100%)" in page and "You have been through the whole block." in page
    assert not absent(page, ["Badge obtenu", " le ", "voir et télécharger", "mon portfolio", "terminées sur"])
    # An anonymous visitor: the count of capsules.
    assert "2 capsules" in text(client("en").get(block["block"].page.url))


# --- the portfolio ---------------------------------------------------------------------------------


def test_portfolio_speaks_english(block, django_capture_on_commit_callbacks):  # noqa: F811
    learner = factories.learner()
    earn(block, learner, django_capture_on_commit_callbacks)
    c = client("en", learner)
    c.post(reverse("recognition-share-create"), {"days": "7", "label": "Formatrice"})
    page = text(c.get(reverse("recognition-portfolio")))
    for words in [
        "My portfolio",
        "Export my portfolio",
        "Your portfolio is private",
        "Share link created",
        "Badges",
        "issued on",
        "Capsules completed",
        "completed on",
        "first-try score 100% (1 right out of 1)",
        "Share my portfolio",
        "For whom",
        "7 days",
        "1 year",
        "Share links",
        "Revoke",
        "My identifier in the badges",
        "By default, your badges",
        "Save my DID",
    ]:
        assert words in page, (words, page)
    assert not absent(
        page,
        [
            "Mon portfolio",
            "Exporter",
            "délivré le",
            "terminée le",
            "score au premier essai",
            "Partager",
            "jours",
            "Révoquer",
            "Enregistrer mon DID",
            "Par défaut",
        ],
    )
    refused = c.post(reverse("recognition-did"), {"did": "did:example:123"})
    assert refused.status_code == 400 and "Only did:key and did:web DIDs are accepted." in text(refused)
    assert "Seuls les DID" in text(client("fr", learner).post(reverse("recognition-did"), {"did": "did:example:1"}))
    french = text(client("fr", learner).get(reverse("recognition-portfolio")))
    assert "Mon portfolio" in french and "délivré le" in french and "Partager mon portfolio" in french


def test_a_dead_share_link_speaks_english():
    assert "Invalid share link" in text(client("en").get(reverse("recognition-shared-portfolio", args=["x" * 20])))


# --- sign-in and sign-up -----------------------------------------------------------------------------


def test_sign_in_speaks_english_and_its_error_too():
    page = text(client("en").get(reverse("learner-login")))
    assert "Learners: find your answers" in page and "Username" in page and "Password" in page
    assert "No account yet? Create an account" in page
    assert not absent(page, ["Se connecter", "Identifiant", "Mot de passe", "Pas encore"])
    factories.learner(username="lea", password="joint-torique-42")
    wrong = text(client("en").post(reverse("learner-login"), {"username": "lea", "password": "faux"}))
    assert "Wrong username or password. Check upper and lower case." in wrong
    assert "Identifiant ou mot de passe incorrect" in text(
        client("fr").post(reverse("learner-login"), {"username": "lea", "password": "faux"})
    )


SIGNUP_FRENCH = [
    "Créer",
    "Prénom",
    "Identifiant",
    "Mot de passe",
    "Lettres, chiffres",
    "Au moins 8",
    "Déjà un compte",
    "Ce champ",
    "mot de passe",
    "existe déjà",
]


@pytest.mark.parametrize(
    "data, en, fr",
    [
        ({"next": "/"}, "This field is required.", "Champ requis."),  # Wagtail's French for Django's
        (
            {"username": "lea", "password1": "joint-torique-42", "password2": "joint-torique-42"},
            "A user with that username already exists.",
            "Un utilisateur avec cet identifiant existe déjà.",
        ),
        (
            {"username": "nadia", "password1": "abc", "password2": "abc"},
            "This password is too short.",
            "Ce mot de passe est trop court.",
        ),
        (
            {"username": "nadia", "password1": "joint-torique-42", "password2": "joint-torique-43"},
            "The two password fields didn’t match.",
            "Les deux mots de passe ne correspondent pas.",
        ),
        (
            {"username": "nadia", "password1": "password", "password2": "password"},
            "This password is too common.",
            "Ce mot de passe est trop courant.",
        ),
    ],
)
def test_sign_up_errors_are_in_the_form_language(data, en, fr):
    """English browser: English form, English errors (Django's, for the password validators and the
    required fields); the same browser after choosing French in the header: French everywhere."""
    factories.learner(username="lea")
    english = text(client("en").post(reverse("learner-signup"), data))
    assert not absent(english, SIGNUP_FRENCH), absent(english, SIGNUP_FRENCH)
    assert en in english and "Create my account" in english and "Already have an account?" in english
    french = text(client("en", cookie="fr").post(reverse("learner-signup"), data))
    assert not absent(
        french, ["This field", "password", "Password", "Username", "already exists", "too short", "too common", "didn"]
    ), french
    assert fr in french and "Créer mon compte" in french
    assert english.count(en) == (3 if en == "This field is required." else 1)


# --- the error pages ---------------------------------------------------------------------------------


def test_not_found_page_speaks_english():
    resp = client("en").get("/nexistepas/")
    page = text(resp)
    assert resp.status_code == 404 and 'lang="en"' in resp.content.decode()
    assert "Page not found" in page and "Back to the catalogue" in page and "Search for a gesture" in page
    assert not absent(page, ["introuvable", "Revenir", "Rechercher un geste"])
    assert "Page introuvable" in text(client("en", cookie="fr").get("/nexistepas/"))


@pytest.mark.urls("tests.cms.error_urls")
def test_forbidden_and_server_error_pages_speak_english():
    forbidden = client("en").get("/catalogue/interdit/")
    assert (
        forbidden.status_code == 403
        and "Access denied" in text(forbidden)
        and 'lang="en"' in forbidden.content.decode()
    )
    assert "Accès refusé" in text(client("fr").get("/catalogue/interdit/"))

    c = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    public = c.get("/catalogue/panne/")
    body = public.content.decode()
    assert public.status_code == 500 and 'lang="en"' in body and "An error occurred" in text(public)
    assert '<a href="/">Back to the catalogue</a>' in body and "erreur" not in body.lower()
    # The admin stays French whatever the browser says (cms/language.py AdminLanguageMiddleware).
    admin = c.get("/admin/geste/panne/").content.decode()
    assert "Une erreur est survenue" in admin and 'lang="fr"' in admin


def test_an_expired_form_is_said_in_english():
    """Django's CSRF refusal (a sign-in form left open too long) was its own English or French page."""
    c = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    resp = c.post(reverse("learner-login"), {"username": "x", "password": "y"})
    assert resp.status_code == 403 and "Form expired" in text(resp) and 'lang="en"' in resp.content.decode()
    french = Client(HTTP_ACCEPT_LANGUAGE="fr", enforce_csrf_checks=True).post(reverse("learner-login"), {})
    assert "Formulaire expiré" in text(french)


# --- default step titles -----------------------------------------------------------------------------


def test_display_title_translates_only_the_untouched_default():
    from capsules.learner_steps import display_title

    with translation.override("en"):
        assert display_title("Étape 3", 1) == "Step 3"
        assert display_title("Étape 3 (suite)", 4) == "Step 3 (continued)"
        assert display_title("", 2) == "Step 2"
        assert display_title("Étape 3 : serrer l'écrou", 3) == "Étape 3 : serrer l'écrou"
        assert display_title("Serrer l'écrou", 1) == "Serrer l'écrou"
    with translation.override("fr"):
        assert display_title("Etape 3", 1) == "Etape 3" and display_title("", 2) == "Étape 2"


def test_default_step_titles_read_in_english_and_stay_stored_in_french(world):  # noqa: F811
    """The capsule page, the player's manifest and the chapters track: « Step 1 » for an English learner
    when the title is the pipeline's « Étape 1 »; the expert's title as typed; nothing rewritten."""
    Step.objects.filter(footage=world["capsule"].footage, order=0).update(title="Étape 1")
    capsule = world["capsule"]
    en, fr = client("en"), client("fr")
    assert [s["title"] for s in en.get(manifest_url(capsule)).json()["steps"]] == ["Step 1", "Dévisser l'écrou"]
    assert [s["title"] for s in fr.get(manifest_url(capsule)).json()["steps"]] == ["Étape 1", "Dévisser l'écrou"]
    page = en.get(world["page"].url).content.decode()
    assert '<span class="gp-step-title">Step 1</span>' in page and "Dévisser l&#x27;écrou" in page
    assert '<span class="gp-step-title">Étape 1</span>' in fr.get(world["page"].url).content.decode()
    chapters = en.get(reverse("learner-chapters", args=[capsule.pk])).content.decode()
    assert "\nStep 1\n" in chapters
    assert list(Step.objects.filter(footage=capsule.footage).order_by("order").values_list("title", flat=True)) == [
        "Étape 1",
        "Dévisser l'écrou",
    ]


def test_certification_page_headings_speak_english():
    """Walk 25b: « Blocs de compétences » stayed French above the blocks of an English certification page."""
    from tests import pages

    certification = factories.SkillsBlockFactory(certification__rncp_code="RNCP99001").certification
    page = pages.certification_page(certification)
    english, french = text(client("en").get(page.url)), text(client("fr").get(page.url))
    assert "Skills blocks" in english and "Blocs de compétences" not in english
    assert "Blocs de compétences" in french
    empty = pages.certification_page(factories.SkillsBlockFactory(certification__rncp_code="RNCP99002").certification)
    assert "No published blocks." in text(client("en").get(empty.url))


def test_the_badge_date_is_spelled_out_in_both_languages(block, django_capture_on_commit_callbacks):  # noqa: F811
    """Walk 25b: « Badge earned on 05/12/2026 », which an American reads as May 12. The month is named,
    in the page's language: « 5 December 2026 », « 5 décembre 2026 » (as the portfolio says it)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from capsules.models import BadgeCredential

    learner = factories.learner()
    earn(block, learner, django_capture_on_commit_callbacks)
    BadgeCredential.objects.filter(user=learner).update(
        issued_at=datetime(2026, 12, 5, 12, tzinfo=ZoneInfo(settings.TIME_ZONE)))
    english = text(client("en", learner).get(block["block"].page.url))
    assert "Badge earned on 5 December 2026" in english, english
    assert "05/12/2026" not in english and "12/05/2026" not in english
    french = text(client("fr", learner).get(block["block"].page.url))
    assert "Badge obtenu le 5 décembre 2026" in french
    assert "05/12/2026" not in french
