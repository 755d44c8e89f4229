"""Practice and the offline page for an English learner, in Chromium with the service worker: an English
browser, or a French browser with the header's « English » link (the language cookie, which the worker's
own fetch of the offline page does not carry). Practice's offline messages (practice.js) and the worker's
offline page and mark used to be French whatever the learner read."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client

from capsules.learning import practice
from capsules.models import Attempt, Progress
from tests import factories, pages
from tests.browser.test_player import built_player  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHELL_KEPT = "u => caches.open('geste-shell').then(c => c.match(u)).then(Boolean)"
FRENCH = ["à revoir", "Valider", "hors ligne", "Hors ligne", "enregistrée", "corrigée", "juste", "Réessayer",
          "Capsules téléchargées", "Page non disponible"]


def until(page, expression: str, arg, expected=True) -> None:
    deadline = time.monotonic() + 20
    while page.evaluate(expression, arg) is not expected:
        assert time.monotonic() < deadline, f"{expression}({arg}) never became {expected}"
        page.wait_for_timeout(100)


def _learner_with_two_due_questions():
    block = factories.SkillsBlockFactory()
    footage = factories.FootageFactory(skills_block=block, duration=60.0)
    capsule = factories.CapsuleFactory(footage=footage, skills_block=block, title="A — couper l'eau")
    pages.capsule_page(capsule)
    learner = factories.learner()
    before = datetime.now(UTC) - timedelta(days=2)
    for prompt in ("Quel outil faut-il pour serrer l'écrou ?", "Quel outil pour le joint ?"):
        q = factories.InteractionFactory(capsule=capsule, prompt=prompt)
        Attempt.objects.create(user=learner, interaction=q, response={}, correct=False, score=0, answered_at=before)
    Progress.objects.create(user=learner, capsule=capsule, watched=[[0, 60]], watched_fraction=1, completed=True,
                            completed_at=before)
    practice.ensure_cards(learner)
    return learner


def _signed_in(context, live_server, learner, language: str | None = None) -> None:
    client = Client()
    client.force_login(learner)
    cookies = [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url})
    context.add_cookies(cookies)


def _french_left(text: str) -> list[str]:
    return [w for w in FRENCH if w in text]


@pytest.mark.timeout(180)
def test_english_browser_practises_offline_in_english_and_gets_the_english_offline_page(
        live_server, browser, built_player):  # noqa: F811
    context = browser.new_context(locale="en-US", viewport={"width": 360, "height": 740}, has_touch=True,
                                  is_mobile=True)
    try:
        _signed_in(context, live_server, _learner_with_two_due_questions())
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{live_server.url}/parcours/entrainement/")
        page.wait_for_selector("[data-practice-status][data-offline-ready='1']", state="attached", timeout=30000)
        assert "2 questions to review today" in page.inner_text("main")
        until(page, SHELL_KEPT, "/hors-ligne/?lang=en")  # kept at install, in the browser's language

        context.set_offline(True)
        page.reload()
        # The page from this device's copy: the worker's mark in English too (from the English offline page).
        # The day with the month's name, in the page's language (walk 25b: « copy from 04/12 », which an
        # American reads as April 12).
        mark = page.inner_text("[data-offline-stale]")
        assert re.match(r"^Offline — copy from [A-Z][a-z]+ \d{1,2} at \d\d:\d\d$", mark), mark
        page.get_by_label("Une clé dynamométrique").first.check()
        page.get_by_role("button", name="Submit").first.press("Enter")
        status = page.locator("[data-practice-status]")
        status.wait_for()
        assert status.inner_text() == ("You are offline: 1 answer saved on this device. "
                                       "It will be graded when the network is back.")
        main = page.inner_text("main")
        assert "1 question to review today" in main and not _french_left(main), _french_left(main)

        # A page never kept: the offline page, in English.
        other = context.new_page()
        other.goto(f"{live_server.url}/recherche/?q=joint")
        other.wait_for_selector("[data-offline-page][data-listed='1']")
        body = other.inner_text("body")
        assert "Page not available offline" in body and "Capsules downloaded on this device" in body
        assert not _french_left(body), _french_left(body)
        context.set_offline(False)
        other.wait_for_selector("[data-offline-retry]:not([hidden])")
        assert "The connection is back: try opening the page again." in other.inner_text("[data-offline-state]")
        other.close()

        # Back online: the queued answer is sent and graded, said in English.
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.wait_for_function("document.querySelector('[data-practice-status]').dataset.synced === '1'")
        assert status.inner_text() == "1 answer given offline saved and graded: 1 right."
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.timeout(180)
def test_offline_page_follows_the_language_link_of_a_french_browser(live_server, browser, built_player):  # noqa: F811
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740})
    try:
        _signed_in(context, live_server, _learner_with_two_due_questions(), language="en")
        page = context.new_page()
        page.goto(f"{live_server.url}/parcours/entrainement/")
        page.wait_for_selector("[data-practice-status][data-offline-ready='1']", state="attached", timeout=30000)
        assert "2 questions to review today" in page.inner_text("main")
        # Installed with the browser's language (its fetch carries no cookie); the next page read in
        # English brings the English offline page.
        until(page, SHELL_KEPT, "/hors-ligne/?lang=fr")
        page.goto(f"{live_server.url}/recherche/?q=joint")
        until(page, SHELL_KEPT, "/hors-ligne/?lang=en")

        context.set_offline(True)
        page.goto(f"{live_server.url}/recherche/?q=robinet")
        page.wait_for_selector("[data-offline-page][data-listed='1']")
        body = page.inner_text("body")
        assert "Page not available offline" in body and not _french_left(body), _french_left(body)

        # Back to French with the header's link: offline, the French page again.
        context.set_offline(False)
        page.goto(f"{live_server.url}/langue/fr/?next=/recherche/%3Fq%3Djoint")
        assert "Rechercher" in page.inner_text("main")
        context.set_offline(True)
        page.goto(f"{live_server.url}/recherche/?q=vanne")
        page.wait_for_selector("[data-offline-page][data-listed='1']")
        assert "Page non disponible hors ligne" in page.inner_text("main")
    finally:
        context.close()
