"""Walk 30 (keyboard): on the review timeline the focused step looked like the selected one (a teal edge
both): a keyboard user could not tell where the focus was. The focused step has its own ring, a 3 px
outline away from the block, in a colour of at least 3:1 against the track and the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STYLE = """(el) => { const s = getComputedStyle(el);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          offset: parseFloat(s.outlineOffset), border: s.borderColor, shadow: s.boxShadow,
          focusVisible: el.matches(':focus-visible'), selected: el.classList.contains('is-selected')}; }"""


def luminance(rgb: str) -> float:
    parts = [float(x) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    lin = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_focused_step_has_a_ring_unlike_the_selected_one(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        login(page, live_server.url, reviewer.username)
        page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
        steps = page.locator(".geste-timeline__step")
        expect(steps).to_have_count(footage.steps.count())
        selected = page.locator(".geste-timeline__step.is-selected")
        expect(selected).to_have_count(1)
        before = selected.evaluate(STYLE)  # selected, not focused
        assert not before["focusVisible"]
        other = steps.nth(1) if selected.get_attribute("data-step-index") == "0" else steps.nth(0)
        page.keyboard.press("Shift")  # a keyboard user: focus() then shows the ring (:focus-visible)
        other.focus()
        focused = other.evaluate(STYLE)
        assert focused["focusVisible"], focused
        assert focused["style"] == "solid" and focused["width"] >= 3 and focused["offset"] >= 1, focused
        assert before["style"] == "none" or before["width"] == 0 or before["color"] != focused["color"], before
        track = page.locator(".geste-timeline__track").evaluate("(el) => getComputedStyle(el).backgroundColor")
        assert contrast(focused["color"], track) >= 3 and contrast(focused["color"], "rgb(255, 255, 255)") >= 3, (
            focused["color"], track)
        # The selection's teal edge is not the ring's colour: the two read apart.
        assert focused["color"] not in before["border"] and focused["color"] not in before["shadow"], (focused, before)
    finally:
        ctx.close()
