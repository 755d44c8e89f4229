"""Walk 43: nothing on the review timeline said which step had a comment; only the lists under it did (on a phone,
far below). A step with comments now carries a bubble with their number, read with the step's name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.shots import shot
from tests.browser.test_review_timeline35 import _open, phone, take_68s  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _comment(page, text: str) -> None:
    page.keyboard.press("c")
    page.locator("#comment-text").fill(text)
    page.locator('[data-dialog="comment"]').get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator('[data-dialog="comment"]')).to_be_hidden()


def test_a_step_with_comments_says_so_on_the_timeline(live_server, page, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    expect(page.locator(".geste-timeline__comments")).to_have_count(0)
    third = page.locator(".geste-timeline__step").nth(2)
    third.click()
    _comment(page, "Serrer avant de couper")
    expect(page.locator(".geste-timeline__comments")).to_have_count(1)
    badge = page.locator('.geste-timeline__step[data-step-index="2"] .geste-timeline__comments')
    expect(badge).to_have_text("1")
    page.locator('.geste-timeline__step[data-step-index="2"]').focus()
    _comment(page, "Et vérifier le serrage")
    expect(badge).to_have_text("2")
    block = page.locator('.geste-timeline__step[data-step-index="2"]')
    text = block.evaluate("b => b.textContent")  # its accessible name: the step's name, then the comments
    assert text.endswith(", 2 commentaires"), text
    assert block.get_attribute("title").endswith(", 2 commentaires")
    # Only that step; kept across a reload (the comments are the server's).
    page.reload()
    expect(page.locator(".geste-timeline__comments")).to_have_count(1)
    expect(page.locator('.geste-timeline__step[data-step-index="2"] .geste-timeline__comments')).to_have_text("2")
    box, bubble = block.bounding_box(), badge.bounding_box()
    assert bubble["x"] + bubble["width"] <= box["x"] + box["width"] and bubble["y"] >= box["y"], (box, bubble)
    shot(page, "review-comment-marks44", full_page=False)


def test_on_a_phone_the_bubble_fits_a_narrow_block(live_server, phone, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    page.locator(".geste-timeline__step").nth(4).tap()
    page.get_by_role("button", name="Commenter").first.tap()
    page.locator("#comment-text").fill("Trop rapide")
    page.locator('[data-dialog="comment"]').get_by_role("button", name="Publier le commentaire").tap()
    badge = page.locator('.geste-timeline__step[data-step-index="4"] .geste-timeline__comments')
    expect(badge).to_have_text("1")
    block = page.locator('.geste-timeline__step[data-step-index="4"]')
    box, bubble = block.bounding_box(), badge.bounding_box()
    right = box["x"] + box["width"] + 0.5
    assert bubble["x"] >= box["x"] - 0.5 and bubble["x"] + bubble["width"] <= right, (box, bubble)
    shot(page, "review-comment-marks44-phone", full_page=False)


def test_ctrl_enter_sends_a_comment_from_its_text_box(live_server, page, take_68s):  # noqa: F811
    """Walk 45: Enter and Ctrl+Enter in the comment's box did nothing but a new line; only Tab, Tab, Enter sent it."""
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    page.locator(".geste-timeline__step").nth(1).click()
    page.keyboard.press("c")
    box = page.locator("#comment-text")
    expect(box).to_be_focused()
    expect(page.locator("#comment-text-keys")).to_have_text("Ctrl + Entrée\u00a0: envoyer sans quitter le clavier.")
    page.keyboard.press("Control+Enter")  # empty: « required » keeps the dialog open
    expect(page.locator('[data-dialog="comment"]')).to_be_visible()
    page.keyboard.type("Une ligne")
    page.keyboard.press("Enter")  # a new line, not sent
    page.keyboard.type("et une autre")
    expect(page.locator('[data-dialog="comment"]')).to_be_visible()
    page.keyboard.press("Control+Enter")
    expect(page.locator('[data-dialog="comment"]')).to_be_hidden()
    expect(page.locator('.geste-timeline__step[data-step-index="1"] .geste-timeline__comments')).to_have_text("1")
    expect(page.locator('[data-role="comments"]')).to_contain_text("Une ligne")
