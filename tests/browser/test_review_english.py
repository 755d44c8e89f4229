"""The expert review screen in the admin's language (i18n 21): an expert who chose English in their
account got Wagtail's parts in English and the review screen (its template and review.js: buttons, the
timeline's labels, messages, dialogs) in French, with French decimals (« 0:06,0 »). An expert without a
preference keeps the French screen whatever the browser asks (cms.language.AdminLanguageMiddleware)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from capsules.models import Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORDS = {
    "fr": {"approve": "Valider les étapes", "key_points": "Points de vigilance",
           "boundary": "Limite entre les étapes 1 et 2",
           "time": "0:06,0 – 0:13,0", "time_label": "0:00,0 – 0:06,0\xa0: étape 1 «\xa0Couper l'eau\xa0»",
           "placeholder": "Étape 2", "saved": "Titre enregistré.", "dialog": "Valider les étapes ?",
           "untitled": "L'étape 2 n'a pas de titre : donnez-lui un titre avant de valider.", "none": "Aucun.",
           "send_back": "Renvoyer"},
    "en": {"approve": "Approve the steps", "key_points": "Key points", "boundary": "Boundary between steps 1 and 2",
           "time": "0:06.0 – 0:13.0", "time_label": "0:00.0 – 0:06.0: step 1 “Couper l'eau”",
           "placeholder": "Step 2", "saved": "Title saved.", "dialog": "Approve the steps?",
           "untitled": "Step 2 has no title: give it a title before approving.", "none": "None.",
           "send_back": "Send back"},
}


@pytest.mark.parametrize(("chosen", "browser_locale"), [("en", "fr-FR"), ("", "en-GB")],
                         ids=["english-expert", "no-choice-english-browser"])
def test_review_screen_speaks_the_admins_language(live_server, browser, footage_in_review, chosen, browser_locale):  # noqa: F811
    footage, reviewer = footage_in_review
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = chosen
    profile.save()
    w = WORDS[chosen or "fr"]
    ctx = browser.new_context(locale=browser_locale, viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, live_server.url, reviewer.username)
        page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
        expect(page.locator(".geste-timeline__step")).to_have_count(3)
        assert page.evaluate("document.documentElement.lang") == (chosen or "fr")
        expect(page.locator('[data-action="approve"]')).to_contain_text(w["approve"])
        expect(page.locator(".geste-review__columns h2").nth(1)).to_have_text(w["key_points"])
        expect(page.locator('[data-role="key-points"] li')).to_have_text(w["none"])
        # The send-back dialog's button (walk 21e: « Renvoyer » read "Send again", the LTI grades' sense).
        expect(page.locator("#send-back-title + label ~ .geste-dialog__actions button[value=ok]")).to_have_text(
            w["send_back"], use_inner_text=False)
        handles = page.locator(".geste-timeline__handle").evaluate_all(
            "els => els.map(e => e.getAttribute('aria-label'))")
        assert w["boundary"] in handles, handles
        times = page.locator(".geste-steps__time")
        expect(times.nth(1)).to_have_text(w["time"])
        assert times.nth(0).get_attribute("aria-label") == w["time_label"]
        title = page.locator('[data-step-title="1"]')
        title.fill("")
        title.press("Tab")
        expect(page.locator('[data-role="saved"]')).to_have_text(w["saved"])
        expect(title).to_have_attribute("placeholder", w["placeholder"])
        page.locator('[data-action="approve"]').click()
        dialog = page.locator('dialog[data-dialog="approve"]')
        expect(dialog.locator("h2")).to_have_text(w["dialog"])
        expect(dialog.locator('[data-role="approve-untitled"]')).to_have_text(w["untitled"])
        assert not errors, errors
    finally:
        ctx.close()
    assert Step.objects.get(footage=footage, start=6).title == ""
