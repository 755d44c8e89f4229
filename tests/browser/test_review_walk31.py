"""User walk 31, the expert's review screen (keyboard, 1366 px): a proposed step the pipeline could not name
is stored « Étape 1 », and its title field held that as its text. Tabbing into it put the caret after it, so
typing « Saisir le seau et le déplacer » saved « Étape 1Saisir le seau et le déplacer » at once (« Titre
enregistré. »), and the approval's warning about « Étape N » titles no longer caught it: learners read it.

A default title is now the field's placeholder, not its text (as an empty title's already was, walk 20):
typing names the step, whether the field was reached by Tab or by a click, and the name a screen reader
reads for the field is its placeholder, the step's name in the admin's language (« Step 1 » in English).
The title stored stays the pipeline's until the expert types one, so the approval still warns about the steps
that keep it, and still refuses an empty one.

``GESTE_SCREENSHOTS=<folder>`` keeps screenshots of the list for a person to look at."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from capsules.models import Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("GESTE_SCREENSHOTS")
TYPED = "Saisir le seau et le déplacer"


def _open(browser, live_server, footage, user, locale="fr-FR"):
    ctx = browser.new_context(locale=locale, viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(footage.steps.count())
    return ctx, page


def _titles(footage) -> list[str]:
    return list(Step.objects.filter(footage=footage).order_by("start").values_list("title", flat=True))


def test_typing_into_a_default_title_by_keyboard_names_the_step(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    # As the pipeline proposes them: two steps it could not name, one it did.
    for start, title in ((0, "Étape 1"), (6, "Étape 2")):
        Step.objects.filter(footage=footage, start=start).update(title=title)
    ctx, page = _open(browser, live_server, footage, reviewer)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    first, second = page.locator('[data-step-title="0"]'), page.locator('[data-step-title="1"]')
    if SCREENSHOTS:
        page.locator('[data-role="steps"]').screenshot(path=f"{SCREENSHOTS}/review-steps-opened.png")

    # Keyboard only: from the step's time, Tab into its title and type.
    page.locator(".geste-steps__time").first.focus()
    page.keyboard.press("Tab")
    page.wait_for_function("() => document.activeElement.dataset.stepTitle === '0'")
    page.keyboard.type(TYPED)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/review-title-typed.png")
    expect(first).to_have_value(TYPED)
    page.keyboard.press("Tab")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    assert _titles(footage)[0] == TYPED
    expect(page.locator(".geste-timeline__step span").nth(0)).to_have_text(TYPED)

    # The default names the step where it is read: the field's placeholder (what a screen reader says of the
    # empty field), the timeline's block; a title typed is the field's text.
    expect(second).to_have_value("")
    expect(second).to_have_attribute("placeholder", "Étape 2")
    expect(page.locator(".geste-timeline__step span").nth(1)).to_have_text("Étape 2")
    expect(page.locator('[data-step-title="2"]')).to_have_value("Remonter le siphon")

    # Passing through the second step's field (Tab in, Tab out) keeps its default: nothing is saved.
    page.locator(".geste-steps__time").nth(1).focus()
    page.keyboard.press("Tab")
    page.wait_for_function("() => document.activeElement.dataset.stepTitle === '1'")
    page.keyboard.press("Tab")
    page.wait_for_timeout(500)
    assert _titles(footage)[1] == "Étape 2"
    expect(second).to_have_value("")

    # The approval still warns about the step that keeps its default title (and only that one).
    page.keyboard.press("a")
    dialog = page.locator('dialog[data-dialog="approve"]')
    expect(dialog).to_be_visible()
    defaults = dialog.locator('[data-role="approve-defaults"]')
    expect(defaults).to_contain_text("1 étape garde un titre par défaut (« Étape 2 »)")
    expect(dialog.locator('[data-role="approve-untitled"]')).to_be_hidden()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/review-approve-dialog.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    ctx.close()
    assert not errors, errors


def test_a_click_into_a_default_title_names_the_step_and_an_empty_one_still_blocks(
        live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=0).update(title="Étape 1")
    Step.objects.filter(footage=footage, start=13).update(title="")
    ctx, page = _open(browser, live_server, footage, reviewer)
    first = page.locator('[data-step-title="0"]')
    first.scroll_into_view_if_needed()
    box = first.bounding_box()
    first.click(position={"x": box["width"] * 0.6, "y": box["height"] / 2})  # past the default's text
    page.wait_for_function("() => document.activeElement.dataset.stepTitle === '0'")
    page.keyboard.type("Couper l'eau")
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    assert _titles(footage)[0] == "Couper l'eau"
    page.locator('[data-action="approve"]').click()
    dialog = page.locator('dialog[data-dialog="approve"]')
    expect(dialog.locator('[data-role="approve-untitled"]')).to_have_text(
        "L'étape 3 n'a pas de titre\u00a0: donnez-lui un titre avant de valider.")
    expect(dialog.locator('[data-role="confirm-approve"]')).to_be_disabled()
    expect(dialog.locator('[data-role="approve-defaults"]')).to_have_text("")
    ctx.close()


def test_an_english_expert_reads_the_default_title_in_english(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=6).update(title="Étape 2")
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = "en"
    profile.save()
    ctx, page = _open(browser, live_server, footage, reviewer, locale="en-GB")
    second = page.locator('[data-step-title="1"]')
    expect(second).to_have_value("")
    expect(second).to_have_attribute("placeholder", "Step 2")
    expect(page.locator(".geste-timeline__step span").nth(1)).to_have_text("Step 2")
    second.focus()
    page.keyboard.type("Unscrew the nut")
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Title saved.")
    ctx.close()
    assert _titles(footage)[1] == "Unscrew the nut"
