"""First-user walk 34, the expert's review screen. Splitting a step appended « (suite) » each time: « Rincer »
gave « Rincer (suite) », and splitting that « Rincer (suite) (suite) ». A title that already ends in the
suffix keeps it once; the suffix is said in the expert's language (« (cont.) » in English), and a title
ending in either one gets no second. In English the approval's warning named the steps that keep a default
title « Étape 3 », « Étape 4 » while the timeline said "Step 3", "Step 4": it names them as the screen does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules.models import Step
from tests.browser.split_said import SPLIT_DONE, SPLIT_DONE_EN
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.browser.test_review_walk35 import _open, _split_at, _titles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("lang", "suffix", "done"), [("fr", "(suite)", SPLIT_DONE),
                                                       ("en", "(cont.)", SPLIT_DONE_EN)])
def test_splitting_twice_says_the_continuation_once_in_the_expert_s_language(
        live_server, browser, footage_in_review, lang, suffix, done):  # noqa: F811
    footage, reviewer = footage_in_review
    # A title ending in the other language's suffix gets no second one either.
    other = "(suite)" if lang == "en" else "(cont.)"
    Step.objects.filter(footage=footage, start=6).update(title=f"Dévisser l'écrou {other}")
    ctx, page = _open(browser, live_server, footage, reviewer, lang)
    _split_at(page, 16.0, done, 4)
    assert _titles(footage)[2:] == ["Remonter le siphon", f"Remonter le siphon {suffix}"]
    # Split again, never « (suite) (suite) »; walk 35: the next piece is numbered (test_review_walk35.py).
    _split_at(page, 18.0, done, 5)
    assert _titles(footage)[2:] == ["Remonter le siphon", f"Remonter le siphon {suffix}",
                                    f"Remonter le siphon {suffix[:-1]} 2)"]
    _split_at(page, 9.5, done, 6)
    # The gesture's pieces are numbered left to right in the expert's language (stop 35), the other one's too.
    assert _titles(footage)[1:3] == [f"Dévisser l'écrou {suffix}", f"Dévisser l'écrou {suffix[:-1]} 2)"]
    ctx.close()


def test_splitting_a_first_piece_again_numbers_the_pieces_in_order(live_server, browser, footage_in_review):  # noqa: F811
    """Walk 35: « Rincer », split, then its first piece split again gave « Rincer », « (suite 2) », « (suite) »."""
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer, "fr")
    done = SPLIT_DONE
    _split_at(page, 18.0, done, 4)
    _split_at(page, 16.0, done, 5)
    assert _titles(footage)[2:] == ["Remonter le siphon", "Remonter le siphon (suite)", "Remonter le siphon (suite 2)"]
    # Undone, the numbers follow again.
    page.keyboard.press("Control+z")
    expect(page.locator(".geste-timeline__step")).to_have_count(4)
    page.wait_for_timeout(800)
    assert _titles(footage)[2:] == ["Remonter le siphon", "Remonter le siphon (suite)"]
    # The approval names the continuation titles with the default ones: learners would read them as they are.
    page.locator('[data-action="approve"]').click()
    expect(page.locator('[data-role="approve-defaults"]')).to_contain_text("Remonter le siphon (suite)")
    ctx.close()


def test_the_approval_names_default_titles_as_the_timeline_does_in_english(
        live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    for start, title in ((6, "Étape 2"), (13, "Étape 3")):
        Step.objects.filter(footage=footage, start=start).update(title=title)
    ctx, page = _open(browser, live_server, footage, reviewer, "en")
    expect(page.locator(".geste-timeline__step span").nth(1)).to_have_text("Step 2")
    page.locator('[data-action="approve"]').click()
    dialog = page.locator('dialog[data-dialog="approve"]')
    expect(dialog).to_be_visible()
    expect(dialog.locator('[data-role="approve-defaults"]')).to_contain_text(
        "2 steps keep a default title (“Step 2”, “Step 3”): learners will read them as they are.")
    assert "Étape" not in dialog.inner_text()
    ctx.close()
