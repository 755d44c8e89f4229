"""First-user walk 17, the expert's review screen on a slow link: a step renamed shows its new title at
once — on its block in the timeline and in the name of its time in the list — while the save is on its
way (it kept the old one until the answer came); a save that fails gives the step its saved title back
and says so in French. The link is slowed by holding the save's request with Playwright's routing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from capsules.models import Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _titles(footage) -> list[str]:
    return list(Step.objects.filter(footage=footage).order_by("start").values_list("title", flat=True))


def _rename(page, i: int, title: str) -> None:
    field = page.locator(f'[data-step-title="{i}"]')
    field.fill(title)
    field.press("Enter")  # the save is sent


def _shows(page, i: int, title: str) -> None:
    block = page.locator(f'.geste-timeline__step[data-step-index="{i}"]')
    expect(block).to_have_text(title)
    expect(block).to_have_attribute("title", re.compile("^" + re.escape(f"{title} (0:06,0 – 0:13,0)")))
    time = page.locator(".geste-steps > li").nth(i).locator(".geste-steps__time")
    expect(time).to_have_attribute("aria-label", f"0:06,0 – 0:13,0\xa0: étape {i + 1} «\xa0{title}\xa0»")


def _next(page, held):
    """The save the page sent, held back (Playwright hands it over while the test waits)."""
    for _ in range(100):
        if held:
            return held.pop(0)
        page.wait_for_timeout(100)
    raise AssertionError("no save was sent")


def test_a_renamed_step_shows_its_title_at_once_and_gets_it_back_when_the_save_fails(
        live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    held = []  # the saves, held back: the link is as slow as the test wants
    page.route("**/api/review/footage/*/steps/",
               lambda route: held.append(route) if route.request.method == "PUT" else route.continue_())
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)

    # 1. slow: the new title is shown while its save is on its way, then saved
    _rename(page, 1, "Desserrer l'écrou")
    _shows(page, 1, "Desserrer l'écrou")
    expect(page.locator('[data-role="saved"]')).to_have_text("Enregistrement…")
    route = _next(page, held)
    assert _titles(footage)[1] == "Dévisser l'écrou"  # not saved yet
    route.continue_()
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.", timeout=15000)
    assert _titles(footage)[1] == "Desserrer l'écrou"
    _shows(page, 1, "Desserrer l'écrou")

    # 2. the link drops: the step takes its saved title back, and the expert is told
    _rename(page, 1, "Dévisser le siphon")
    _shows(page, 1, "Dévisser le siphon")
    _next(page, held).abort("failed")
    message = page.locator('[data-role="message"]')
    expect(message).to_have_text(
        "Le titre « Dévisser le siphon » n'est pas enregistré : l'étape 2 reprend son titre « Desserrer l'écrou ». "
        "Connexion perdue : la modification n'est pas enregistrée. Réessayez.", timeout=15000)
    _shows(page, 1, "Desserrer l'écrou")
    expect(page.locator('[data-step-title="1"]')).to_have_value("Desserrer l'écrou")
    assert _titles(footage)[1] == "Desserrer l'écrou"

    # 3. the server fails (an error page, not the API's JSON): the same, not a title shown as saved
    _rename(page, 1, "Ouvrir le siphon")
    _shows(page, 1, "Ouvrir le siphon")
    _next(page, held).fulfill(status=502, content_type="text/html", body="<h1>Bad gateway</h1>")
    expect(message).to_contain_text(
        "Le titre « Ouvrir le siphon » n'est pas enregistré : l'étape 2 reprend son titre « Desserrer l'écrou ».",
        timeout=15000)
    _shows(page, 1, "Desserrer l'écrou")
    expect(page.locator('[data-step-title="1"]')).to_have_value("Desserrer l'écrou")

    # and the next rename goes through
    _rename(page, 1, "Desserrer l'écrou du siphon")
    expect(page.locator('[data-role="saved"]')).to_have_text("Enregistrement…")
    _next(page, held).continue_()
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.", timeout=15000)
    expect(message).to_be_hidden()
    assert _titles(footage) == ["Couper l'eau", "Desserrer l'écrou du siphon", "Remonter le siphon"]
    ctx.close()
