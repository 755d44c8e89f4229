"""Walk 46: an expert left « Montrer le geste de plus près » as a comment, then approved; the approval said nothing of
it and the comment lived only inside the review, which the designer does not open again once the steps are
approved. The approval now says what a comment does (nothing is sent back), and the footage page lists them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from capsules.models import Footage, ReviewComment, Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.browser.test_review_walk35 import _open
from tests.factories import designer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_approval_says_what_the_comments_do_and_the_designer_reads_them(
        live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    step = Step.objects.filter(footage=footage).order_by("start")[1]
    ReviewComment.objects.create(footage=footage, step=step, author=reviewer,
                                 text="Montrer le geste de plus près <b>svp</b>")
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.keyboard.press("a")
    dialog = page.locator('[data-dialog="approve"]')
    said = dialog.locator('[data-role="approve-comments"]')
    expect(said).to_be_visible()
    expect(said).to_contain_text("1 commentaire est laissé sur les étapes")
    expect(said).to_contain_text("Renvoyer avec un commentaire")
    assert "approve-comments" in dialog.get_attribute("aria-describedby")
    dialog.locator('[data-role="confirm-approve"]').click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    ctx.close()
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.APPROVED
    # The designer, on the footage page, reads it with its step, escaped.
    ctx = browser.new_context(locale="fr-FR")
    page = ctx.new_page()
    login(page, live_server.url, designer(username="auteur-commentaires").username)
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/")
    box = page.locator('[data-role="review-comments"]')
    expect(box.get_by_role("heading")).to_have_text("Commentaire de la relecture (1)")
    expect(box).to_contain_text(re.compile(r"Étape 2 «\u00a0.+\u00a0»"))
    expect(box).to_contain_text("Montrer le geste de plus près <b>svp</b>")
    assert box.locator("b").count() == 0
    ctx.close()
