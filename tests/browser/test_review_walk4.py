"""First-user walk 4, the expert's review screen: a long step title is read whole in its box at
1280 px; each hint is shown for its pointer (keys with a mouse and a keyboard, touch on a phone);
merging two steps keeps both titles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from capsules.models import KeyPoint, ReviewComment, Step
from tests.browser.conftest import login
from tests.browser.test_review import footage_in_review  # noqa: F401  (fixture)
from tests.factories import CapsuleFactory, InteractionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("GESTE_WALK_SHOTS", Path(__file__).resolve().parents[2] / "var" / "shots"))
LONG = "Si vous désirez avoir plus d'informations sur ce test, lisez la notice jointe au robinet d'arrêt"


def _open(browser, live_server, footage, reviewer, phone=False):
    kw = ({"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True} if phone
          else {"viewport": {"width": 1280, "height": 800}})
    ctx = browser.new_context(locale="fr-FR", **kw)
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    return ctx, page


def test_a_long_step_title_is_read_whole_at_1280(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    Step.objects.filter(footage=footage, order=1).update(title=LONG)
    ctx, page = _open(browser, live_server, footage, reviewer)
    box = page.locator('[data-step-title="0"]')
    expect(box).to_have_value(LONG)
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "review-titles-1280.png"))
    sizes = box.evaluate("e => ({sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight})")
    # typing a longer title: the box grows with it
    box.fill(LONG + " et au manuel du fabricant")
    grown = box.evaluate("e => ({sh: e.scrollHeight, ch: e.clientHeight})")
    box.press("Enter")
    expect(page.locator('[data-role="saved"]')).to_have_text("Titre enregistré.")
    ctx.close()
    assert sizes["sw"] <= sizes["cw"] and sizes["sh"] <= sizes["ch"], sizes  # nothing hidden in the box
    assert grown["sh"] <= grown["ch"], grown
    assert Step.objects.get(footage=footage, order=1).title == LONG + " et au manuel du fabricant"


HINT_VISIBLE = """() => {
  const seen = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const text = [...document.querySelectorAll('.geste-review__help')].filter(seen).map(e => e.innerText).join(' ');
  return {text, kbd: [...document.querySelectorAll('.geste-review kbd')].filter(seen).map(e => e.innerText)};
}"""


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_each_hint_for_its_pointer(live_server, browser, footage_in_review, phone):  # noqa: F811
    footage, reviewer = footage_in_review
    ctx, page = _open(browser, live_server, footage, reviewer, phone=phone)
    page.locator(".geste-timeline").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"review-hints-{'360' if phone else '1280'}.png"))
    seen = page.evaluate(HINT_VISIBLE)
    ctx.close()
    if phone:
        assert "Touchez la frise" in seen["text"], seen
        assert not seen["kbd"], seen  # no Maj, Espace, Page ↑ (nor S, M on the buttons) on a phone
    else:
        assert "Touchez" not in seen["text"], seen
        assert {"Maj", "Espace", "Page ↑"} <= set(seen["kbd"]), seen


def test_merge_keeps_both_titles_and_can_be_undone(live_server, browser, footage_in_review):  # noqa: F811
    footage, reviewer = footage_in_review
    second = Step.objects.get(footage=footage, order=2)
    Step.objects.filter(pk=second.pk).update(keyframe="k/second.jpg", keyframe_time=9.0, key_terms=["écrou"],
                                             confidence=0.3)
    note = ReviewComment.objects.create(footage=footage, step=second, author=reviewer, text="Trop rapide")
    question = InteractionFactory(capsule=CapsuleFactory(footage=footage), time=10, step=second)
    ctx, page = _open(browser, live_server, footage, reviewer)
    page.locator('[data-role="steps"] .geste-steps__time').first.click()
    page.keyboard.press("m")
    expect(page.locator(".geste-timeline__step")).to_have_count(2)
    expect(page.locator('[data-role="saved"]')).to_contain_text("Étapes fusionnées et enregistrées.")
    expect(page.locator('[data-step-title="0"]')).to_have_value("Couper l'eau ; Dévisser l'écrou")
    # The second step's comment follows the merged step: under it, and named after it in the side list.
    step_items = page.locator('[data-role="steps"] > li')
    expect(step_items.nth(0).locator(".geste-steps__comments")).to_contain_text("Trop rapide")
    expect(page.locator('[data-role="comments"] > li', has_text="Trop rapide")).to_contain_text(
        "(Couper l'eau ; Dévisser l'écrou) : ")
    merged = [(s.start, s.end, s.title) for s in footage.steps.order_by("start")]
    page.screenshot(path=str(SHOTS / "review-after-merge.png"))
    undo = page.locator('[data-role="steps"] li').first.get_by_role("button", name="Annuler la fusion")
    expect(undo).to_be_in_viewport()  # under the merged step, where the expert looks
    undo.click()
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    expect(page.get_by_role("button", name="Annuler la fusion")).to_have_count(0)
    expect(page.locator('[data-role="saved"]')).to_have_text("Fusion annulée : les deux étapes sont revenues.")
    expect(step_items.nth(1).locator(".geste-steps__comments")).to_contain_text("Trop rapide")
    expect(step_items.nth(0).locator(".geste-steps__comments")).to_have_count(0)
    expect(page.locator('[data-role="comments"] > li', has_text="Trop rapide")).to_contain_text("(Dévisser l'écrou) : ")
    page.screenshot(path=str(SHOTS / "review-after-undo.png"))
    ctx.close()
    assert merged == [(0, 13, "Couper l'eau ; Dévisser l'écrou"), (13, 20, "Remonter le siphon")]
    assert [(s.start, s.end, s.title) for s in footage.steps.order_by("start")] == [
        (0, 6, "Couper l'eau"), (6, 13, "Dévisser l'écrou"), (13, 20, "Remonter le siphon")]
    # …and the second step whole: its picture, key terms, confidence, comment and question.
    back = Step.objects.get(footage=footage, start=6)
    assert (back.pk, back.keyframe, back.key_terms, back.confidence) == (second.pk, "k/second.jpg", ["écrou"], 0.3)
    note.refresh_from_db()
    question.refresh_from_db()
    assert note.step_id == question.step_id == back.pk


def test_a_key_point_reads_its_time_then_its_kind(live_server, browser, footage_in_review):  # noqa: F811
    """The list of key points read "0:06,0Qualité": a space between the time and the kind."""
    footage, reviewer = footage_in_review
    KeyPoint.objects.create(footage=footage, time=6.0, kind="quality", text="Joint propre")
    ctx, page = _open(browser, live_server, footage, reviewer)
    item = page.locator('[data-role="key-points"] li').first
    expect(item).to_contain_text("Joint propre")
    text = item.inner_text()
    gap = item.evaluate("""li => li.querySelector('strong').getBoundingClientRect().left
                               - li.querySelector('.geste-steps__time').getBoundingClientRect().right""")
    ctx.close()
    assert text.startswith("0:06,0 Qualité\xa0: Joint propre"), text
    assert gap >= 2, gap  # seen apart on the screen too
