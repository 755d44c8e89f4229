"""The learner player speaks the page's language (i18n 21): a learner whose browser asks for English got
the page's Django parts in English and every player string (buttons, aria-labels, feedback, end panel)
in French, with French decimals (« 0,75× »). The strings now come from the djangojs catalogue embedded in
the page (capsules/templatetags/geste_i18n.py), French when untranslated; the page cache keys on the
language, so an English visitor never gets a French cached page or the reverse."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    open_capsule,
    published,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "fr": {"lang": "fr", "play": "Lecture", "loop": "Boucler l'étape", "seek": "Position dans la vidéo",
           "speed": "0,75×", "captions": "Sous-titres\u00a0: Anglais",
           "step": "Étape 1\u00a0: ", "steps": "Étapes", "legend": "question",
           "end": "Capsule pas encore terminée",
           "watch": "Il reste à regarder l'étape 1 «\u00a0Préparer le siphon\u00a0».",
           "left": "Il reste à répondre à la question obligatoire de 0:05.",
           "go": "Répondre à la question de 0:05",
           "guest": "Vous n'êtes pas connecté\u00a0: créez un compte ou connectez-vous pour garder ce résultat.",
           "submit": "Valider", "skip": None, "signup": "Créer un compte",
           "wrong": "Ce n'est pas la bonne réponse.", "retry": "Réessayer", "continue": "Continuer"},
    "en": {"lang": "en", "play": "Play", "loop": "Loop the step", "seek": "Position in the video",
           "speed": "0.75×", "captions": "Subtitles: English",
           "step": "Step 1: ", "steps": "Steps", "legend": "question",
           "end": "Capsule not complete yet", "watch": "Still to watch: step 1, “Préparer le siphon”.",
           "left": "Still to answer: the mandatory question at 0:05.",
           "go": "Answer the question at 0:05",
           "guest": "You are not signed in: create an account or sign in to keep this result.",
           "submit": "Submit", "skip": None, "signup": "Create an account",
           "wrong": "That is not the right answer.", "retry": "Try again", "continue": "Continue"},
}


def _walk(browser, url: str, lang: str) -> None:
    """An anonymous visitor whose browser asks for `lang` plays past the mandatory question to the end."""
    w = WORDS[lang]
    ctx = browser.new_context(locale="en-GB" if lang == "en" else "fr-FR", viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        open_capsule(page, url)
        assert page.get_attribute("html", "lang") == w["lang"]
        assert page.get_attribute(".gp-play", "aria-label") == w["play"]
        assert page.inner_text(".gp-loop") == w["loop"]
        assert page.get_attribute(".gp-seek", "aria-label") == w["seek"]
        assert w["speed"] in page.locator(".gp-speed option").all_inner_texts()
        assert w["captions"] in page.locator(".gp-captions option").all_inner_texts()
        assert page.locator(".gp-stepbar button").first.get_attribute("aria-label").startswith(w["step"])
        assert page.inner_text("#steps-title") == w["steps"]
        assert w["legend"] in page.inner_text(".gp-legend")
        page.evaluate("document.querySelector('[data-geste-player]').gestePlayer.seek(11.4)")
        page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
        page.click(".gp-play")
        end = page.locator(".gp-end:not([hidden])")
        end.wait_for(timeout=20000)
        assert end.locator("h2").inner_text() == w["end"]
        assert end.locator(".gp-end-left").first.inner_text().startswith(w["watch"])
        left = end.locator(".gp-end-left").last
        assert left.inner_text().startswith(w["left"])
        assert left.locator("button").inner_text() == w["go"]
        assert end.locator(".gp-guest").inner_text() == w["guest"]
        left.locator("button").click()
        page.wait_for_selector(".gq-submit", timeout=5000)
        assert page.inner_text(".gq-submit") == w["submit"]
        assert page.inner_text(".gq-guest a") == w["signup"]
        page.locator(".gq-choice", has_text="Serrer l'écrou au maximum").locator("input").check()
        page.click(".gq-submit")
        page.wait_for_selector(".gq-wrong")
        assert page.inner_text(".gq-wrong") == w["wrong"]
        assert page.inner_text(".gq-retry") == w["retry"]
        assert page.inner_text(".gq-actions .gq-continue") == w["continue"]
        leave(page)
        assert not errors, errors
    finally:
        ctx.close()


@pytest.mark.timeout(240)
def test_player_follows_the_page_language_and_the_page_cache_keeps_them_apart(live_server, browser, published):  # noqa: F811
    """English first (stored in the page cache), then French on the same address, then English again
    (served from the cache): each visitor gets the player in their own language."""
    url = f"{live_server.url}{published['page'].url}"
    _walk(browser, url, "en")
    _walk(browser, url, "fr")
    _walk(browser, url, "en")


def test_english_choice_by_the_language_cookie(live_server, browser, published):  # noqa: F811
    """The site's language link (a cookie, whatever the browser says) switches the player too."""
    ctx = browser.new_context(locale="fr-FR")
    try:
        page = ctx.new_page()
        url = f"{live_server.url}{published['page'].url}"
        open_capsule(page, url)
        assert page.get_attribute(".gp-play", "aria-label") == "Lecture"
        page.click("a.lang-switch")
        page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
        assert page.get_attribute("html", "lang") == "en"
        assert page.get_attribute(".gp-play", "aria-label") == "Play"
        assert page.inner_text(".gp-offline") == "Download for offline use"
        leave(page)
    finally:
        ctx.close()


@pytest.mark.timeout(180)
def test_english_capsule_kept_on_the_device_plays_offline_in_english(live_server, browser, published):  # noqa: F811
    """The strings travel in the page: offline, the service worker's copy of an English capsule page still
    has an English player, and the worker's mark on it is English (« Offline — copy from December 4 at 16:20 »)."""
    from tests import factories
    from tests.browser.test_offline_pages import KEPT, until
    from tests.browser.test_player import log_in

    ctx = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    try:
        log_in(ctx, live_server, factories.learner(username="offline-en"))
        page = ctx.new_page()
        url = published["page"].url
        open_capsule(page, f"{live_server.url}{url}")
        page.click(".gp-offline")  # the download starts the service worker
        page.wait_for_selector("text=Available offline ✓", timeout=30000)
        assert page.inner_text(".gp-status") == "Capsule available offline."
        open_capsule(page, f"{live_server.url}{url}")  # under the worker now: kept for this account
        until(page, KEPT, url, True)
        ctx.set_offline(True)
        open_capsule(page, f"{live_server.url}{url}")
        stale = page.inner_text("[data-offline-stale]")
        assert re.match(r"^Offline — copy from [A-Z][a-z]+ \d{1,2} at \d\d:\d\d$", stale), stale
        assert page.get_attribute(".gp-play", "aria-label") == "Play"
        assert page.inner_text(".gp-loop") == "Loop the step"
        ctx.set_offline(False)
        leave(page)
    finally:
        ctx.close()


def test_machine_translated_captions_are_labelled_in_both_languages(live_server, browser, published):  # noqa: F811
    """Walk 30: Whisper's English translation of the French audio (« robinet » read "cabinet") was offered
    as plain « Anglais »; the menu now says it is a machine translation, in the page's language."""
    from capsules import pages as capsule_pages
    from capsules.models import Transcript

    Transcript.objects.update_or_create(footage=published["footage"], task="translate",
                                        defaults={"language": "en", "segments": []})
    capsule_pages.new_content_generation()
    url = f"{live_server.url}{published['page'].url}"
    for locale, label in (("fr-FR", "Sous-titres\u00a0: Anglais (traduction automatique)"),
                          ("en-GB", "Subtitles: English (machine translation)")):
        # A phone: the longer label's menu stays on the screen, inside the player.
        ctx = browser.new_context(locale=locale, viewport={"width": 360, "height": 740}, has_touch=True,
                                  is_mobile=True)
        try:
            page = ctx.new_page()
            open_capsule(page, url)
            assert label in page.locator(".gp-captions option").all_inner_texts()
            page.select_option(".gp-captions", "en")
            menu, player = page.locator(".gp-captions").bounding_box(), page.locator(".gp-controls").bounding_box()
            right = min(player["x"] + player["width"], 360) + 0.5
            assert menu["x"] >= player["x"] and menu["x"] + menu["width"] <= right, (menu, player)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            leave(page)
        finally:
            ctx.close()
