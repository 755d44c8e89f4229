"""Keyboard-only walk of the expert's review screen (Chromium): after each action the focus lands on
something that makes sense (never the page's body), a new step is ready to be named, "Fusionner" on the
last step says why it does nothing, undoing a merge selects the step it focuses, and approving steps
that keep a default title ("Étape 2") asks first, saying how many."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from capsules.models import Footage, Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACTIVE = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return 'BODY';
  return a.dataset.stepTitle !== undefined ? `title:${a.dataset.stepTitle}`
    : a.dataset.action ? `action:${a.dataset.action}` : a.dataset.role ? `role:${a.dataset.role}`
    : a.classList.contains('geste-steps__time') ? `time:${[...a.closest('ol').children].indexOf(a.closest('li'))}`
    : a.outerHTML.slice(0, 80);
}"""


def _open(browser, live_server, footage, user):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(footage.steps.count())
    return ctx, page


def _focus_on(page, expected: str) -> None:
    for _ in range(50):
        if page.evaluate(ACTIVE) == expected:
            return
        page.wait_for_timeout(100)
    assert page.evaluate(ACTIVE) == expected


def test_a_title_saved_by_enter_or_tab_keeps_the_focus_on_its_step(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    saved = page.locator('[data-role="saved"]')
    title = page.locator('[data-step-title="1"]')
    title.fill("Desserrer l'écrou")
    title.press("Enter")
    expect(saved).to_have_text("Titre enregistré.")
    # Enter ends the editing: the step's time, just before its title (it was the body; then, in the
    # title itself, the next shortcut letter was typed into it: a walk saw a title become « a »).
    _focus_on(page, "time:1")
    page.keyboard.press("k")  # a shortcut acts: the key-point dialog, the title untouched
    expect(page.locator('[data-dialog="key-point"]')).to_be_visible()
    page.keyboard.press("Escape")
    _focus_on(page, "time:1")
    page.keyboard.press("Tab")  # the title again, to go on typing at its end
    _focus_on(page, "title:1")
    page.keyboard.press("End")
    page.keyboard.type(" à la main")
    page.keyboard.press("Enter")
    expect(page.locator('[data-step-title="1"]')).to_have_value("Desserrer l'écrou à la main")
    _focus_on(page, "time:1")
    # Tab to the next step: its time button, drawn again by the save, keeps the focus.
    page.locator('[data-step-title="0"]').fill("Fermer la vanne")
    page.keyboard.press("Tab")
    expect(saved).to_have_text("Titre enregistré.")
    expect(page.locator('[data-step-title="0"]')).to_have_value("Fermer la vanne")
    page.wait_for_timeout(300)
    _focus_on(page, "time:1")
    ctx.close()
    assert list(footage.steps.order_by("start").values_list("title", flat=True)) == [
        "Fermer la vanne", "Desserrer l'écrou à la main", "Remonter le siphon"]


def test_key_point_and_comment_dialogs_give_the_focus_back(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    # K pressed with nothing focused: back on the button for K once added.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("k")
    page.keyboard.type("Vanne bien fermée")
    page.get_by_role("button", name="Ajouter").press("Enter")
    expect(page.locator(".geste-key-points li")).to_contain_text("Vanne bien fermée")
    _focus_on(page, "action:key-point")
    # C pressed on a step's time in the list (drawn again by the save): back on that step's time.
    page.locator('[data-role="steps"] .geste-steps__time').nth(1).focus()
    page.keyboard.press("c")
    page.keyboard.type("Préciser le sens de rotation.")
    page.get_by_role("button", name="Publier le commentaire").press("Enter")
    expect(page.locator(".geste-comments li")).to_contain_text("Préciser le sens de rotation.")
    _focus_on(page, "time:1")
    # Cancelled with Escape: the same.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("c")
    expect(page.locator('[data-dialog="comment"]')).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator('[data-dialog="comment"]')).to_be_hidden()
    _focus_on(page, "action:comment")
    # The playhead slider, still there after the save, keeps it.
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("k")
    page.keyboard.type("Joint propre")
    page.get_by_role("button", name="Ajouter").press("Enter")
    expect(page.locator(".geste-key-points li")).to_have_count(2)
    _focus_on(page, "role:playhead-line")
    ctx.close()
    assert footage.key_points.count() == 2 and footage.review_comments.count() == 1


def test_deleting_a_key_point_keeps_the_focus_in_the_list(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    for text in ("Vanne fermée", "Joint propre"):
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.keyboard.press("k")
        page.keyboard.type(text)
        page.get_by_role("button", name="Ajouter").press("Enter")
        expect(page.locator(".geste-key-points li", has_text=text)).to_have_count(1)
    first = page.get_by_role("button", name="Supprimer le point de vigilance « Vanne fermée »")
    first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".geste-key-points li")).to_have_count(1)
    # The line that took its place keeps the keyboard (it was the page's body).
    for _ in range(50):
        label = page.evaluate("document.activeElement.getAttribute('aria-label') || ''")
        if label:
            break
        page.wait_for_timeout(100)
    assert label == "Supprimer le point de vigilance «\u00a0Joint propre\u00a0»"
    page.keyboard.press("Enter")
    expect(page.locator(".geste-key-points li")).to_have_text(["Aucun."])
    _focus_on(page, "action:key-point")  # none left: the toolbar's button
    ctx.close()
    assert footage.key_points.count() == 0


def test_approve_then_reopen_keep_the_focus(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    reviewer.groups.add(Group.objects.get(name="Designers"))  # the expert is a designer too: may reopen
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.locator('[data-action="approve"]').focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Confirmer la validation").press("Enter")
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    _focus_on(page, "role:locked")  # the note that says the steps are locked (the button pressed is gone)
    reopen = page.get_by_role("button", name="Rouvrir la relecture")
    reopen.focus()
    page.keyboard.press("Enter")
    # Asked first (walk 38), as the approval is: confirmed from the keyboard.
    page.locator('[data-dialog="reopen"]').get_by_role("button", name="Rouvrir la relecture").press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Relecture rouverte.")
    expect(reopen).to_be_hidden()
    _focus_on(page, "action:approve")  # where the button pressed was
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.IN_REVIEW


def test_a_new_step_is_ready_to_be_named(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, order=3).delete()
    ctx, page = _open(browser, live_server, footage, reviewer)
    slider = page.locator('[data-role="playhead-line"]')
    slider.focus()
    page.keyboard.press("End")
    page.keyboard.press("PageDown")  # 0:15,0, after the last step
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:15,0")
    page.keyboard.press("e")
    expect(page.locator('[data-role="saved"]')).to_have_text("Étape ajoutée et enregistrée.")
    _focus_on(page, "title:2")
    expect(page.locator('[data-role="steps"] > li').nth(2)).to_have_class("is-selected")
    # A default title (it was empty, and the approval failed on it after the confirmation), shown as the
    # field's placeholder, not its text (walk 31: typed after it, it was glued to the name).
    expect(page.locator('[data-step-title="2"]')).to_have_value("")
    expect(page.locator('[data-step-title="2"]')).to_have_attribute("placeholder", "Étape 3")
    page.keyboard.type("Remonter le siphon")
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    ctx.close()
    assert list(footage.steps.order_by("start").values_list("title", flat=True))[2] == "Remonter le siphon"


def test_merge_on_the_last_step_says_why(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.locator('[data-role="steps"] .geste-steps__time').nth(2).click()
    # Walk 38b: the button is disabled there, its tooltip saying why (it was enabled, a tap gave the error);
    # M still says it.
    merge = page.get_by_role("button", name="Fusionner avec la suivante")
    expect(merge).to_be_disabled()
    expect(merge).to_have_attribute("title", re.compile("est la dernière étape : elle n'a pas de suivante à fusionner"))
    page.locator('[data-role="steps"] .geste-steps__time').nth(2).focus()
    page.keyboard.press("m")
    expect(page.locator('[data-role="message"]')).to_have_text("La dernière étape n'a pas de suivante à fusionner.")
    expect(page.locator('[data-role="message"]')).to_be_visible()
    ctx.close()
    assert footage.steps.count() == 3


def test_undo_merge_selects_the_step_it_focuses(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.locator('[data-role="steps"] .geste-steps__time').first.click()
    page.keyboard.press("m")
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    page.get_by_role("button", name="Annuler la fusion").press("Enter")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    _focus_on(page, "time:1")
    items = page.locator('[data-role="steps"] > li')
    expect(items.nth(1)).to_have_class("is-selected")
    expect(items.nth(0)).not_to_have_class("is-selected")
    expect(page.locator(".geste-timeline__step").nth(1)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".geste-timeline__step").nth(0)).to_have_attribute("aria-pressed", "false")
    ctx.close()


def test_approving_default_titles_asks_first(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, order=1).update(title="Étape 1")
    Step.objects.filter(footage=footage, order=2).update(title="Étape 2")
    ctx, page = _open(browser, live_server, footage, reviewer)
    dialog = page.locator('[data-dialog="approve"]')
    warning = dialog.locator('[data-role="approve-defaults"]')
    page.keyboard.press("a")
    expect(dialog).to_be_visible()
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("2 étapes gardent un titre par défaut (« Étape 1 », « Étape 2 »)")
    described = dialog.evaluate(  # read on opening
        "d => d.getAttribute('aria-describedby').split(' ').map(i => document.getElementById(i).textContent).join(' ')")
    assert "2 étapes gardent un titre par défaut" in described
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert Footage.objects.get(pk=footage.pk).status != Footage.Status.APPROVED
    page.locator('[data-step-title="0"]').fill("Couper l'eau")
    page.locator('[data-step-title="0"]').press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    page.locator('[data-action="approve"]').focus()
    page.keyboard.press("Enter")
    expect(warning).to_contain_text("1 étape garde un titre par défaut (« Étape 2 »)")
    confirm = page.get_by_role("button", name="Confirmer la validation")
    confirm.focus()
    page.keyboard.press("Enter")  # not blocked: the expert may keep them
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.APPROVED


def test_no_default_title_no_warning(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.keyboard.press("a")
    expect(page.get_by_role("button", name="Confirmer la validation")).to_be_visible()
    expect(page.locator('[data-role="approve-defaults"]')).to_have_count(1)
    expect(page.locator('[data-role="approve-defaults"]')).to_be_hidden()
    ctx.close()
