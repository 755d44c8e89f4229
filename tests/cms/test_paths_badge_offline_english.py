"""The placement test, practice, the badge's public verification page and the offline page in the page's
language (English browser, or the header's « English » link): they were French for an English learner.
Each page in English shows English words and none of the French interface it had; what designers typed
(questions, badge name, description, criteria) stays as typed; French stays the default."""

from __future__ import annotations

import copy
import html
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from capsules.models import Attempt, BadgeCredential
from tests import factories
from tests.capsules.test_paths import _completed, _post_answer, block_world  # noqa: F401  (fixture)
from tests.capsules.test_recognition import block, earn  # noqa: F401  (fixture)
from tests.cms.test_learner_pages_english import absent, client, text

pytestmark = pytest.mark.django_db


# --- placement ---------------------------------------------------------------------------------------

PLACEMENT_FRENCH = [
    "Positionnement",
    "Répondez à ces questions",
    "acquis au positionnement",
    " sur 4",
    "Valider et continuer",
    "Retour au bloc",
    "Plusieurs réponses",
    "Vrai",
    "Faux",
    "Rang…",
    "Donnez à chaque étape",
    "Vous pourrez le repasser",
    "Choisissez",
]


def test_placement_speaks_english_question_by_question(block_world):  # noqa: F811
    skills_block, caps, q = block_world
    learner = factories.learner()
    c = client("en", learner)
    url = reverse("learner-placement", args=[skills_block.pk])
    first = c.get(url)
    page = text(first)
    for words in ["Placement test", "Answer these questions", "“acquired at placement”", "Question 1 of 4",
                  "Submit and continue", "Back to the block"]:
        assert words in page, (words, page)
    assert not absent(page, PLACEMENT_FRENCH), absent(page, PLACEMENT_FRENCH)
    # A question sent without an answer: the form's error in English too.
    refused = text(c.post(url, {"interaction": first.context["question"].id}))
    assert "Choose an answer." in refused and not absent(refused, PLACEMENT_FRENCH)
    # Every kind of question of the block (single choice, true/false, ordering), then the retake delay.
    seen = set()
    for _ in range(4):
        resp = c.get(url)
        if resp.status_code != 200:
            break
        page = text(resp)
        asked = resp.context["question"]
        seen.add(asked.kind)
        assert not absent(page, PLACEMENT_FRENCH), (asked.kind, absent(page, PLACEMENT_FRENCH))
        if asked.kind == "true_false":
            assert "True" in page and "False" in page
        if asked.kind == "ordering":
            assert "Give each step its rank (1 = the first)." in page and "Rank…" in page
        interaction = next(i for i in q.values() if i.pk == asked.id)
        _post_answer(c, url, interaction, right=True)
    assert seen == {"single_choice", "true_false", "ordering"}
    assert c.get(url).status_code == 302  # the last answer given: the session closes, back to the path
    again = text(c.get(url))
    assert "You have already taken this block's placement test. You can take it again from " in again
    assert " at " in again and not absent(again, PLACEMENT_FRENCH), absent(again, PLACEMENT_FRENCH)

    french = text(client("fr", factories.learner()).get(url))
    assert "Positionnement" in french and "Question 1 sur 4" in french and "Valider et continuer" in french
    # The header's link (the cookie) wins over the browser's language.
    assert "Question 1 of 4" in text(client("fr", factories.learner(), cookie="en").get(url))


# --- practice ----------------------------------------------------------------------------------------

PRACTICE_FRENCH = [
    "Entraînement",
    "à revoir aujourd'hui",
    "Rétention",
    "à entretenir",
    "Valider",
    "Revoir l'étape",
    "Toutes les questions du jour",
    "Bonne réponse",
    "tout à fait",
    "reviendra le",
    "Question suivante",
    "Terminer",
    "Rien à revoir",
    "Prochain entraînement",
    "Les questions reviennent",
    "Terminez une capsule",
]


def test_practice_speaks_english_before_and_after_an_answer(block_world):  # noqa: F811
    skills_block, caps, q = block_world
    learner = factories.learner()
    c = client("en", learner)
    url = reverse("learner-practice")
    empty = text(c.get(url))
    assert "Complete a capsule: its questions will come back here" in empty
    assert not absent(empty, PRACTICE_FRENCH), absent(empty, PRACTICE_FRENCH)

    t0 = datetime.now(UTC) - timedelta(days=3)
    Attempt.objects.create(user=learner, interaction=q["c"], response={"choice": "b"}, correct=False, score=0,
                           answered_at=t0)
    _completed(learner, caps[2], t0)
    resp = c.get(url)
    page = text(resp)
    for words in ["Practice", "1 question to review today", "Retention estimated after your first right answer",
                  "1 question to keep fresh", "Submit", "Watch the step again before answering",
                  "Every question of the day has an answer."]:
        assert words in page, (words, page)
    assert q["c"].prompt in page  # typed by a designer: as typed
    assert not absent(page, PRACTICE_FRENCH), absent(page, PRACTICE_FRENCH)
    # practice.js's words travel with the page (a copy kept offline keeps its language).
    catalog = json.loads(html.unescape(resp.content.decode().split('data-catalog="')[1].split('"')[0]))
    assert catalog["%(n)s question à revoir aujourd'hui"] == ["%(n)s question to review today",
                                                               "%(n)s questions to review today"]
    assert "Vous êtes hors ligne\u00a0: %(n)s réponse enregistrée sur cet appareil. Elle sera corrigée au retour du " \
           "réseau." in catalog

    card = resp.context["card"]
    refused = text(c.post(url, {"card": card.pk, "client_id": str(uuid.uuid4())}))
    assert "Choose an answer." in refused and "Choisissez" not in refused
    answered = text(c.post(url, {"card": card.pk, "client_id": str(uuid.uuid4()), "choice": "a"}))
    assert "Right answer." in answered and "This question will come back on " in answered and "Finish" in answered
    assert not absent(answered, PRACTICE_FRENCH), absent(answered, PRACTICE_FRENCH)
    after = text(c.get(url))
    assert "Nothing to review today. Next practice on " in after and ": 1 question." in after
    assert "Estimated retention: " in after and "Questions come back when you are likely to forget them" in after
    assert not absent(after, PRACTICE_FRENCH), absent(after, PRACTICE_FRENCH)

    # The offline sync's errors too.
    sync = reverse("learner-practice-sync")
    assert Client(HTTP_ACCEPT_LANGUAGE="en").post(sync, "{}", content_type="application/json").json() == {
        "error": "Sign in to save your practice."}
    assert c.post(sync, "[", content_type="application/json").json() == {"error": "Unreadable request."}
    assert client("fr", learner).post(sync, "[", content_type="application/json").json() == {
        "error": "Requête illisible."}
    french = text(client("fr", learner).get(url))
    assert "Entraînement" in french and "Rien à revoir aujourd'hui." in french and "Prochain entraînement le" in french


# --- the badge's public verification page ---------------------------------------------------------------

BADGE_FRENCH = [
    "Badge vérifié",
    "Preuve cryptographique",
    "Signature valide",
    "Dates :",
    "Dates de validité",
    "valide depuis",
    "Statut",
    "n'a pas été révoqué",
    "Bloc de compétences",
    "Émetteur",
    "Critères",
    "Preuves",
    "Le titulaire",
    "Télécharger le badge",
    "image PNG",
    "Les images contiennent",
]


def test_badge_verification_page_speaks_english(block, django_capture_on_commit_callbacks):  # noqa: F811
    earn(block, factories.learner(), django_capture_on_commit_callbacks)
    credential = BadgeCredential.objects.get()
    url = reverse("recognition-credential", args=[credential.uuid])
    page = text(client("en").get(url))
    for words in [
        "Badge “Maintenir les équipements sanitaires”",  # the badge's name: as the designer typed it
        "Badge verified: authentic, within its validity and not revoked.",
        "Cryptographic proof: Valid signature: the badge is authentic and has not been modified.",
        "Dates: Within its validity dates. (valid since ",
        "Status: This badge has not been revoked.",
        "Skills block RNCP37274BC01",
        "Issuer",
        "Criteria Toutes les capsules du bloc terminées",  # the criteria: as typed
        "The holder is identified by a salted hash of their identity",
        "Download the badge: JSON-LD (Open Badges 3.0) PNG image SVG image",
        "The images contain the signed badge",
    ]:
        assert words in page, (words, page)
    assert not absent(page, BADGE_FRENCH), absent(page, BADGE_FRENCH)
    french = text(Client().get(url))
    assert "Badge vérifié : authentique" in french and "Preuve cryptographique : Signature valide" in french
    assert "Statut : Ce badge n'a pas été révoqué." in french and "valide depuis le " in french

    # A tampered badge: the proof's reason, from the signing module, in English too.
    tampered = copy.deepcopy(credential.document)
    tampered["credentialSubject"]["achievement"]["name"] = "Expert en tout"
    credential.document = tampered
    credential.save()
    page = text(client("en").get(url))
    assert "This badge cannot be considered valid." in page
    assert "Invalid signature: the document was modified or was not signed with this key." in page
    assert "Signature invalide" in text(Client().get(url))


# --- the offline page ---------------------------------------------------------------------------------

OFFLINE_FRENCH = ["Hors ligne", "Accueil", "Page non disponible", "Vous êtes hors ligne", "Réessayer",
                  "Capsules téléchargées", "Aucune capsule", "Autres pages", "Fil d’Ariane"]


def test_offline_page_speaks_english_and_each_page_says_its_language():
    resp = client("en").get("/hors-ligne/")
    page = text(resp)
    source = resp.content.decode()
    for words in ["Offline", "Home", "Page not available offline", "You are offline and this page was not saved",
                  "Try again", "Capsules downloaded on this device", "No capsule downloaded on this device",
                  "Other pages saved"]:
        assert words in page, (words, page)
    assert 'aria-label="Breadcrumb"' in source and '<html lang="en">' in source
    assert not absent(page, OFFLINE_FRENCH), absent(page, OFFLINE_FRENCH)
    # offline.js's words and the worker's mark on kept pages travel in its catalogue.
    catalog = json.loads(html.unescape(source.split('data-catalog="')[1].split('"')[0]))
    assert catalog["Indisponible hors ligne"] == "Unavailable offline"
    assert catalog["La connexion est revenue\u00a0: réessayez d'ouvrir la page."] == (
        "The connection is back: try opening the page again.")
    assert catalog["Hors ligne — version du %(date)s à %(time)s"] == "Offline — copy from %(date)s at %(time)s"
    assert resp["X-Geste-Lang"] == "en"

    # The worker fetches it without cookies: the language it keeps is asked for in the URL.
    assert "Page not available offline" in text(client("fr").get("/hors-ligne/?lang=en"))
    french = text(client("en").get("/hors-ligne/?lang=fr"))
    assert "Page non disponible hors ligne" in french and "Réessayer" in french
    assert "Page non disponible hors ligne" in text(Client().get("/hors-ligne/"))
    assert "Page non disponible hors ligne" in text(Client().get("/hors-ligne/?lang=xx"))
    # Every HTML page tells the worker the language the learner reads: the browser's, or the header's link.
    assert Client().get("/hors-ligne/")["X-Geste-Lang"] == "fr"
    assert client("fr", cookie="en").get("/recherche/", {"q": "joint"})["X-Geste-Lang"] == "en"
    assert client("en").get("/recherche/", {"q": "joint"})["X-Geste-Lang"] == "en"
