"""Walk 38, an expert reviewing the steps of a 68-s take (12 steps) at a desk.

1. After « Scinder à la tête de lecture » the selection went to the second half, so « Fusionner avec la
   suivante » merged that half with the NEXT step, where the expert expected the split undone. The selection
   now stays on the first half (its end is the new cut): the merge rejoins the two halves, and the status
   says where the cut was made. « Annuler » still takes the split back in one step.
2. « Annuler » is the toolbar's undo and the dialogs' cancel: the toolbar's button is named, and its tooltip
   says, « Annuler la dernière modification » (« Rétablir la modification annulée » for redo); the visible
   text stays short, the dialogs keep « Annuler ».
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from capsules.models import Step
from tests.browser.test_review_timeline35 import _open, _steps, _track, _x, take_68s  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _titled(footage):
    return list(Step.objects.filter(footage=footage).order_by("start").values_list("pk", "start", "end", "title"))


def _split_at_27s_with_the_button(page):
    """A mouse user: a click on the timeline at 27 s (step 6: 24,3 – 30,1 s), then the toolbar's button."""
    box = _track(page)
    page.mouse.click(_x(box, 27.0), box["y"] + box["height"] / 2)
    at = page.locator('output[data-role="playhead"]').inner_text()
    page.get_by_role("button", name="Scinder à la tête de lecture").click()
    return at


def test_merge_right_after_a_split_rejoins_the_two_halves(live_server, page, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    before = _titled(footage)
    saved = page.locator('[data-role="saved"]')
    at = _split_at_27s_with_the_button(page)
    # The status (a polite live region) says what happened and where.
    expect(saved).to_have_text(f"Étape scindée à {at} et enregistrée.")
    assert at.startswith("0:2"), at
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    # The first half stays selected: its end is the new cut.
    chosen = page.locator(".geste-timeline__step.is-selected")
    expect(chosen).to_have_count(1)
    expect(chosen).to_have_attribute("data-step-index", "5")
    expect(page.locator('[data-role="steps"] > li').nth(5)).to_have_class("is-selected")
    split = _titled(footage)
    assert len(split) == 13 and split[5][2] == pytest.approx(split[6][1]) and split[6][2] == pytest.approx(30.1)
    # « Fusionner avec la suivante » now undoes the split: the two halves, not the second half and step 7.
    page.get_by_role("button", name="Fusionner avec la suivante").click()
    expect(saved).to_have_text("Étapes fusionnées et enregistrées.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    page.wait_for_timeout(300)
    after = _titled(footage)
    assert [s[1:] for s in after] == [s[1:] for s in before]  # same limits, same titles (« Geste 6 », « Geste 7 »)


def test_the_toolbar_undo_takes_a_split_back_in_one_step(live_server, page, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    before = _steps(footage)
    saved = page.locator('[data-role="saved"]')
    _split_at_27s_with_the_button(page)
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    undo = page.get_by_role("button", name="Annuler la dernière modification", exact=True)
    expect(undo).to_have_attribute("aria-disabled", "false")
    undo.click()
    expect(saved).to_have_text("Scission annulée.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    page.wait_for_timeout(300)
    assert [s[1:] for s in _steps(footage)] == [s[1:] for s in before]
    # Redone, the first half is selected again, as after the split itself.
    page.get_by_role("button", name="Rétablir la modification annulée", exact=True).click()
    expect(saved).to_have_text("Scission rétablie.")
    expect(page.locator(".geste-timeline__step.is-selected")).to_have_attribute("data-step-index", "5")


def test_the_toolbar_undo_says_it_undoes_the_last_change(live_server, page, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    undo = page.locator('.geste-review__toolbar [data-action="undo"]')
    redo = page.locator('.geste-review__toolbar [data-action="redo"]')
    # Named for what it does; the visible text stays short (« ↶ Annuler Ctrl+Z »); the tooltip's first line says it too.
    expect(undo).to_have_accessible_name("Annuler la dernière modification")
    expect(redo).to_have_accessible_name("Rétablir la modification annulée")
    expect(undo).to_have_text("↶ Annuler Ctrl+Z")  # walk 38b: its ↶ as on the phone
    expect(undo).to_have_attribute("title", "Annuler la dernière modification\nRien à annuler.")
    expect(redo).to_have_attribute("title", "Rétablir la modification annulée\nRien à rétablir.")
    _split_at_27s_with_the_button(page)
    expect(undo).to_have_attribute("title", "Annuler la dernière modification\nAnnuler la scission")
    # A dialog's « Annuler » is its cancel, and stays so.
    page.get_by_role("button", name="Commenter l'étape").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_role("button", name="Annuler", exact=True)).to_be_visible()


def test_the_undo_button_in_english(live_server, page, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = "en"
    profile.save()
    _open(page, live_server, footage, reviewer)
    expect(page.locator('.geste-review__toolbar [data-action="undo"]')).to_have_accessible_name("Undo the last change")
    redo = page.locator('.geste-review__toolbar [data-action="redo"]')
    expect(redo).to_have_accessible_name("Redo the undone change")
    box = _track(page)
    page.mouse.click(_x(box, 27.0), box["y"] + box["height"] / 2)
    at = page.locator('output[data-role="playhead"]').inner_text()
    page.get_by_role("button", name="Split at the playhead").click()
    expect(page.locator('[data-role="saved"]')).to_have_text(f"Step split at {at} and saved.")
