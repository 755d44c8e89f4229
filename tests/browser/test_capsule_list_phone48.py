"""Walk 48: on a 360-px phone the designer's « Capsules (conception) » tables ran off the screen's right edge, with
« Créer une capsule » out of sight. One row is a card there now, each value named; the page does not scroll
sideways and the button is on screen."""

from __future__ import annotations

import pytest

from capsules.authoring import capsule as authoring
from tests.browser.conftest import login
from tests.browser.shots import shot
from tests.browser.test_authoring import approved_footage  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.timeout(180)
def test_the_capsule_lists_fit_a_phone(live_server, browser, approved_footage):  # noqa: F811
    footage, _reviewer, user = approved_footage
    authoring.create_capsule(footage, title="Remplacer un joint", user=user)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/capsules/")
    create = page.locator("a.button", has_text="Créer une capsule").first
    create.scroll_into_view_if_needed()
    box = create.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways <= 1, sideways
    for table in page.locator("table.geste-stack").all():
        assert table.bounding_box()["width"] <= 360, table.bounding_box()
    # Each value says what it is, the column heads being out of sight.
    named = page.locator("td[data-label='Durée']").first.evaluate("e => getComputedStyle(e, '::before').content")
    assert named.startswith('"Durée'), named
    shot(page, "capsule-list-phone48")
    ctx.close()
    assert not errors, errors
