"""First-user walk 15, the expert's review screen with the keyboard: the approve dialog that warns
starts on « Annuler » (Enter at once approved unread default titles), Page Up / Page Down move a
step's limit by five seconds as they move the playhead, « Annuler la fusion » survives a reload, and
a playhead on the limit between two steps selects the step it starts (where its key point goes)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Footage, KeyPoint, Step
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.browser.test_review_walk10 import _open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _starts(footage) -> list[float]:
    return list(Step.objects.filter(footage=footage).order_by("start").values_list("start", flat=True))


def test_approve_dialog_that_warns_starts_on_cancel(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, order=2).update(title="Étape 2")
    ctx, page = _open(browser, live_server, footage, reviewer)
    dialog = page.locator('[data-dialog="approve"]')
    page.keyboard.press("a")
    expect(dialog.locator('[data-role="approve-defaults"]')).to_contain_text("1 étape garde un titre par défaut")
    cancel = dialog.get_by_role("button", name="Annuler", exact=True)
    expect(cancel).to_be_focused()
    # The warning is read first when the dialog opens, then what approving certifies.
    described = dialog.evaluate(
        "d => d.getAttribute('aria-describedby').split(' ').map(i => document.getElementById(i).textContent).join(' ')")
    assert described.startswith("1 étape garde un titre par défaut"), described
    page.keyboard.press("Enter")  # Enter at once: nothing approved
    expect(dialog).to_be_hidden()
    expect(page.locator('[data-action="approve"]')).to_be_focused()
    assert Footage.objects.get(pk=footage.pk).status != Footage.Status.APPROVED
    # Read, then confirmed on purpose: Tab reaches « Confirmer la validation ».
    page.keyboard.press("a")
    expect(cancel).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Confirmer la validation")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.APPROVED


def test_approve_dialog_without_warning_starts_on_cancel_too(live_server, browser, footage_in_review):  # noqa: F811
    """Walk 16: a title renamed, Enter, and the expert typed on (« la ») : A opened the approval and the
    next Space confirmed it, locking the steps. Approving starts on « Annuler » even with nothing to warn."""
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    title = page.locator('[data-step-title="0"]')
    title.fill("Couper l'eau")
    title.press("Enter")
    page.keyboard.type("la ")  # typed on after Enter: l (nothing), a (the approval), Space
    dialog = page.locator('[data-dialog="approve"]')
    expect(page.locator('[data-role="approve-defaults"]')).to_be_hidden()
    expect(dialog).not_to_be_visible()  # the Space pressed « Annuler »
    expect(page.locator('[data-role="status"]')).not_to_have_text("Étapes approuvées")
    page.wait_for_timeout(1100)  # A alone, after a pause: a letter right after the typed « la » is typing (walk 33)
    page.keyboard.press("a")
    expect(dialog.get_by_role("button", name="Annuler", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Confirmer la validation")).to_be_focused()
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status != Footage.Status.APPROVED


def test_page_up_and_down_move_a_limit_by_five_seconds(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    help_text = page.locator('[data-role="edit-help"]').inner_text()
    # Walk 35: with their direction.
    assert "Page ↑\xa0: cinq secondes vers la fin, Page ↓\xa0: cinq secondes vers le début" in help_text, help_text
    saved = page.locator('[data-role="saved"]')
    handle = page.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    handle.focus()
    page.keyboard.press("PageUp")  # 6 s -> 11 s
    expect(handle).to_have_attribute("aria-valuetext", "0:11,0")
    expect(saved).to_have_text("Limite déplacée et enregistrée.")
    for _ in range(50):
        if _starts(footage)[1] == pytest.approx(11.0):
            break
        page.wait_for_timeout(100)
    assert _starts(footage) == [0, pytest.approx(11.0), 13]
    # Clamped as the arrows are: the next step keeps its one-second minimum (ends at 13 s).
    handle = page.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    expect(handle).to_be_focused()
    page.keyboard.press("PageUp")
    expect(handle).to_have_attribute("aria-valuetext", "0:12,0")
    for _ in range(50):
        if _starts(footage)[1] == pytest.approx(12.0):
            break
        page.wait_for_timeout(100)
    assert _starts(footage) == [0, pytest.approx(12.0), 13]
    handle = page.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    expect(handle).to_be_focused()
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")  # 12 -> 7 -> 2 s
    expect(handle).to_have_attribute("aria-valuetext", "0:02,0")
    for _ in range(50):
        if _starts(footage)[1] == pytest.approx(2.0):
            break
        page.wait_for_timeout(100)
    ctx.close()
    assert _starts(footage) == [0, pytest.approx(2.0), 13]


def test_undo_merge_survives_a_reload(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.locator('[data-role="steps"] .geste-steps__time').first.click()
    page.keyboard.press("m")
    expect(page.locator('[data-role="saved"]')).to_have_text("Étapes fusionnées et enregistrées.")
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    page.reload()
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    undo = page.locator('[data-role="steps"] > li').first.get_by_role("button", name="Annuler la fusion")
    expect(undo).to_be_visible()
    undo.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    expect(page.locator('[data-role="saved"]')).to_have_text("Fusion annulée : les deux étapes sont revenues.")
    expect(page.get_by_role("button", name="Annuler la fusion")).to_have_count(0)
    page.reload()
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    expect(page.get_by_role("button", name="Annuler la fusion")).to_have_count(0)  # undone once
    ctx.close()
    assert [(s.start, s.end, s.title) for s in footage.steps.order_by("start")] == [
        (0, 6, "Couper l'eau"), (6, 13, "Dévisser l'écrou"), (13, 20, "Remonter le siphon")]


def test_a_stale_undo_is_refused_in_french(live_server, browser, footage_in_review):  # noqa: F811
    """Two tabs: the merge is undoable in both; a limit moved in the second one, the first one's
    « Annuler la fusion » is refused with a French message and the current steps are shown."""
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.locator('[data-role="steps"] .geste-steps__time').first.click()
    page.keyboard.press("m")
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    other = ctx.new_page()
    other.goto(page.url)
    expect(other.locator(".geste-timeline__step")).to_have_count(2)
    handle = other.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    handle.focus()
    other.keyboard.press("PageDown")  # 13 -> 8 s
    expect(other.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    expect(other.get_by_role("button", name="Annuler la fusion")).to_have_count(0)
    page.get_by_role("button", name="Annuler la fusion").click()
    message = page.locator('[data-role="message"]')
    expect(message).to_be_visible()
    expect(message).to_contain_text("Quelqu'un d'autre a modifié cette relecture")
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    expect(page.get_by_role("button", name="Annuler la fusion")).to_have_count(0)
    ctx.close()
    assert _starts(footage) == [0, pytest.approx(8.0)]


def test_a_playhead_on_a_limit_selects_the_step_it_starts(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer)
    slider = page.locator('[data-role="playhead-line"]')
    slider.focus()
    page.keyboard.press("Home")
    page.keyboard.press("PageUp")  # 5 s: inside the first step
    expect(page.locator(".geste-timeline__step").nth(0)).to_have_attribute("aria-pressed", "true")
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:06,0")  # the limit between steps 1 and 2
    expect(page.locator(".geste-timeline__step").nth(1)).to_have_attribute("aria-pressed", "true")
    expect(page.locator('[data-role="steps"] > li').nth(1)).to_have_class("is-selected")
    # Its key point (K) goes to the same step the screen shows selected.
    page.keyboard.press("k")
    page.get_by_label("Texte").fill("Fermer la vanne avant de dévisser.")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.locator('[data-role="key-points"] li')).to_contain_text("Fermer la vanne")
    ctx.close()
    assert KeyPoint.objects.get(footage=footage).step.title == "Dévisser l'écrou"
