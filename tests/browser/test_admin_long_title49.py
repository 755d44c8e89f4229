"""Walk 49: a footage whose title is one 250-character word (taken from a hostile file name) ran its heading off the
footage page's right edge at 1280x800, and would the review screen's. Both headings wrap; the page does not scroll
sideways; the title is shown as text."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Long" + "x" * 200 + "\"'../../etc <b>quote</b>"


@pytest.mark.timeout(180)
def test_a_one_word_title_wraps_in_the_admin_headings(live_server, browser, approved_footage):  # noqa: F811
    footage, reviewer, user = approved_footage
    footage.title = TITLE
    footage.save(update_fields=["title"])
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, user.username)
    for url in (f"/admin/geste/footage/{footage.pk}/", f"/admin/geste/relecture/{footage.pk}/"):
        page.goto(f"{live_server.url}{url}")
        header = page.locator(".w-header").first
        assert "<b>quote</b>" in header.inner_text()
        sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways <= 1, (url, sideways)
        # The heading grew to 4 000 px, clipped by the page: its right edge is what tells.
        right = page.evaluate("Math.max(...[...document.querySelectorAll('.w-header__title, .w-header__subtitle')]"
                              ".map((e) => e.getBoundingClientRect().right))")
        assert right <= 1280, (url, right)
    ctx.close()
    assert not errors, errors
