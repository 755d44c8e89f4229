"""First users after walk 31, the expert's review screen:

- typing a step's title, the timeline's block kept its old name (« Étape 1 ») until the field lost the focus:
  it now follows each key, as text (a title is never markup), and shows the step's default name again when
  the field is emptied;
- at 360 px the timeline's step names were cut on one line (« Couper l'e… », « Dévisser l'éc… »): they
  wrap inside their block, whole.

``GESTE_SCREENSHOTS=<folder>`` keeps a screenshot of the timeline at 360x740 for a person to look at."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from capsules.models import Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("GESTE_SCREENSHOTS")
LABEL = ".geste-timeline__step span"


def _open(browser, live_server, footage, user, viewport):
    ctx = browser.new_context(locale="fr-FR", viewport=viewport)
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(footage.steps.count())
    return ctx, page


def test_the_timeline_names_the_step_as_its_title_is_typed(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, start=0).update(title="Étape 1")
    ctx, page = _open(browser, live_server, footage, reviewer, {"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    label = page.locator(LABEL).nth(0)
    expect(label).to_have_text("Étape 1")
    field = page.locator('[data-step-title="0"]')
    field.focus()
    page.keyboard.type("Saisir <b>le</b> seau")
    # Still in the field, nothing saved yet: the block already reads the title, as text.
    assert page.evaluate("document.activeElement.dataset.stepTitle") == "0"
    expect(label).to_have_text("Saisir <b>le</b> seau")
    assert page.locator(f"{LABEL} b").count() == 0
    assert Step.objects.get(footage=footage, start=0).title == "Étape 1"
    # Emptied: the step's default name again.
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    expect(label).to_have_text("Étape 1")
    page.keyboard.type("Saisir le seau")
    expect(label).to_have_text("Saisir le seau")
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    expect(label).to_have_text("Saisir le seau")
    assert Step.objects.get(footage=footage, start=0).title == "Saisir le seau"
    ctx.close()
    assert not errors, errors


def test_step_names_on_the_timeline_are_whole_at_360(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer, {"width": 360, "height": 740})
    timeline = page.locator('[data-role="timeline"]')
    timeline.scroll_into_view_if_needed()
    page.wait_for_timeout(600)  # Wagtail's wrapper scrolls smoothly
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/review-timeline-360x740.png")
    names = page.evaluate(f"""() => [...document.querySelectorAll('{LABEL}')].map((s) => {{
        const b = s.getBoundingClientRect(), block = s.parentElement.getBoundingClientRect();
        return {{text: s.textContent, cut: s.scrollWidth > s.clientWidth || s.scrollHeight > s.clientHeight,
                 inside: b.left >= block.left - 0.5 && b.right <= block.right + 0.5
                         && b.top >= block.top - 0.5}}; }})""")
    assert [n["text"] for n in names] == ["Couper l'eau", "Dévisser l'écrou", "Remonter le siphon"]
    assert all(not n["cut"] and n["inside"] for n in names), names
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    ctx.close()


def test_a_refused_save_is_shown_where_the_expert_is(live_server, browser, footage_in_review):  # noqa: F811
    """Walk 32: at 360 px, a title typed in the last step's field was refused by the server and the message
    stayed at the top of the page, out of sight: the title just went back to « Étape 3 »."""
    footage, reviewer = footage_in_review
    last = footage.steps.order_by("-start").first()
    Step.objects.filter(pk=last.pk).update(end=footage.duration + 1.0)  # a stored step the server refuses
    ctx, page = _open(browser, live_server, footage, reviewer, {"width": 360, "height": 740})
    n = footage.steps.count() - 1
    field = page.locator(f'[data-step-title="{n}"]')
    field.scroll_into_view_if_needed()
    field.focus()
    page.keyboard.type("Remonter le siphon")
    page.keyboard.press("Tab")
    box = page.locator('[data-role="message"]')
    expect(box).to_contain_text("dépasse la durée")
    page.wait_for_timeout(400)
    top, bottom = page.evaluate("(() => { const r = document.querySelector('[data-role=message]')"
                                ".getBoundingClientRect(); return [r.top, r.bottom]; })()")
    assert 0 <= top and bottom <= 740, (top, bottom)
    ctx.close()
