"""English walk 24 in a real browser (Chromium, locale en-GB): the skills block page below its header and
the sign-up form were French (sign-up with Django's English errors inside), and an English learner got
the French captions of a capsule that has English ones. French is unchanged (fr-FR, or the header's
« Français » link from an English browser)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
)
from tests.capsules.test_recognition import block, complete, login  # noqa: F401  (fixture)
from tests.cms.test_learner_pages_english import BLOCK_FRENCH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_block_page_below_its_header_is_english(live_server, browser, block, django_capture_on_commit_callbacks):  # noqa: F811
    learner = factories.learner(username="block-en")
    complete(login(learner), block["capsules"][0], ["b"], django_capture_on_commit_callbacks)  # answered wrong
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    try:
        log_in(ctx, live_server, learner)
        page = ctx.new_page()
        page.goto(f"{live_server.url}{block['block'].page.url}")
        assert page.get_attribute("html", "lang") == "en"
        main = " ".join(page.inner_text("main").split())
        assert not [w for w in BLOCK_FRENCH if w in main], main
        assert page.inner_text("#parcours-titre") == "My path"
        assert page.inner_text("#h-block-badge") == "Block badge “Maintenir les équipements sanitaires”"
        assert page.inner_text(".badge-status .badge") == "Badge not earned yet"
        assert page.inner_text(".path-action-newrun a") == "Redo the capsule"
        assert page.inner_text(".capsules .card .badge") == "Completed"
        assert "1 of 2 capsules completed (50%)" in page.inner_text(".progress-text")
        # The header's « Français » link: the same page in French, the browser still English.
        page.click("a.lang-switch")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "fr" and page.inner_text("#parcours-titre") == "Mon parcours"
        assert "1 capsule terminée sur 2 (50\u00a0%)" in page.inner_text(".progress-text")
    finally:
        ctx.close()


def _signup_errors(page) -> str:
    page.click(".account-submit")
    page.wait_for_selector(".account-error")
    return " ".join(page.inner_text("main").split())


def test_sign_up_speaks_one_language(live_server, browser):
    """English browser: English labels and help, English errors for empty required fields and for the
    password validators. After « Français »: all French, and the browser's own (English) validation
    bubbles never replace the server's messages (the form is ``novalidate``)."""
    ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        page.goto(f"{live_server.url}/compte/inscription/?next=/")
        assert page.get_attribute("html", "lang") == "en" and page.inner_text("h1") == "Create an account"
        assert page.inner_text("label[for=id_password2]") == "Password (again)"
        assert page.evaluate("document.querySelector('.account-form').noValidate") is True
        english = _signup_errors(page)
        assert english.count("This field is required.") == 3, english
        page.fill("#id_username", "lea-en")
        page.fill("#id_password1", "abc")
        page.fill("#id_password2", "abc")
        english = _signup_errors(page)
        assert "This password is too short." in english and "At least 8 characters" in english, english
        for french in ["Créer", "Identifiant", "Mot de passe", "Champ requis", "trop court", "Prénom"]:
            assert french not in english, (french, english)

        page.click("a.lang-switch")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "fr" and page.inner_text("h1") == "Créer un compte"
        french = _signup_errors(page)
        assert french.count("Champ requis.") == 3, french
        page.fill("#id_username", "lea-fr")
        page.fill("#id_password1", "abc")
        page.fill("#id_password2", "abc")
        french = _signup_errors(page)
        assert "Ce mot de passe est trop court." in french, french
        for english_word in ["This field", "password", "Password", "Username", "too short", "Create", "Please"]:
            assert english_word not in french, (english_word, french)
    finally:
        ctx.close()


@pytest.mark.parametrize("locale, track", [("en-GB", "en"), ("fr-FR", "fr")])
def test_captions_in_the_learner_language_by_default(live_server, browser, published, locale, track):  # noqa: F811
    """The capsule has French and English caption tracks: each learner gets their own language's, until they
    choose another (kept on the device)."""
    ctx = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        open_capsule(page, f"{live_server.url}{published['page'].url}")
        assert page.input_value(".gp-captions") == track
        assert page.get_attribute("[data-geste-player]", "data-captions") == track
        other = "fr" if track == "en" else "en"
        page.select_option(".gp-captions", other)
        open_capsule(page, f"{live_server.url}{published['page'].url}")
        assert page.input_value(".gp-captions") == other  # the learner's choice wins
        leave(page)
    finally:
        ctx.close()
