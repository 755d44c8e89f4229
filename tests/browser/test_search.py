"""Catalogue search in Debian's Chromium on a 360-px phone, keyboard only: search from the header,
reach the spoken sentence's link with Tab, open it, and the player starts at that moment."""

from __future__ import annotations

import os

import pytest

from tests.browser.learner_capsule import WORDS
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    accessibility_violations,
    built_player,
    capsule_media,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("GESTE_SCREENSHOTS")


@pytest.mark.timeout(120)
def test_search_link_opens_the_player_at_the_spoken_moment(live_server, phone_context, published):  # noqa: F811
    sentence_start = 8.2  # the segment "Serrez le joint avec la clé." (see learner_capsule)
    assert any(word == "clé." and start > sentence_start for word, start, _end in WORDS)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}{published['page'].get_parent().url}")

    # Keyboard only: Tab from the top of the page reaches the header's search field.
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "header-q":
            break
    assert page.evaluate("document.activeElement.id") == "header-q"
    page.keyboard.type("CLES")  # no accent, plural, upper case: "clé" is only spoken
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?q=CLES")
    assert page.locator(".search-hit").count() == 1
    assert page.locator(".search-hit h2").inner_text() == published["capsule"].title
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/search-phone.png", full_page=True)
    assert accessibility_violations(page) == []

    link = page.locator(".search-speech a")
    assert link.locator("mark").inner_text() == "clé"
    href = link.get_attribute("href")
    assert href == f"{published['page'].url}#t={sentence_start:g}"
    page.focus("#search-q")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == href:
            break
    assert page.evaluate("document.activeElement.getAttribute('href')") == href
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-geste-player][data-linked]", timeout=15000)
    assert float(page.get_attribute("[data-geste-player]", "data-linked")) == pytest.approx(sentence_start, abs=0.05)
    assert video(page, "v.currentTime") == pytest.approx(sentence_start, abs=0.1)
    page.wait_for_function("document.getElementById('gp-live').textContent.includes('0:08')", timeout=3000)

    # A link to another moment of the same page moves the player there.
    page.evaluate("location.hash = 't=4.2'")
    page.wait_for_function("Math.abs(document.querySelector('video.gp-video').currentTime - 4.2) < 0.1",
                           timeout=3000)
    assert errors == []
    page.close()
