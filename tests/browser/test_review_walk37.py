"""Walk 36, left for later (fixed in stop 37), the expert's review screen.

1. On a phone (360x740) « Annuler » / « Rétablir » were below the fold, after the decision and three tools: after a
   drag on the timeline the expert had to scroll away from the video and the timeline to undo it. On a narrow
   screen they now sit in a compact row right under the timeline (the toolbar's pair hidden there, so one of each
   is shown and in the Tab order at every width); on a desk they stay in the tool column.
2. The footage's title was cut in Wagtail's header at 360 px (« Laver une ta… »): it is read whole on the phone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.split_said import SPLIT_DONE
from tests.browser.test_review_timeline35 import _open, _steps, _touch_drag, _track, _x, phone, take_68s  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("GESTE_SHOTS", "/work/notes/ux37"))

# Every undo / redo control: whether it is rendered (a box), its box, and whether it is in the Tab order.
CONTROLS = """() => [...document.querySelectorAll('[data-action="undo"], [data-action="redo"]')].map(b => {
    const r = b.getBoundingClientRect();
    return { action: b.dataset.action,
             shown: r.width > 0 && r.height > 0 && getComputedStyle(b).visibility !== 'hidden',
             top: r.top, bottom: r.bottom, left: r.left, right: r.right, h: innerHeight, w: innerWidth,
             disabled: b.getAttribute('aria-disabled'), name: b.innerText.replace(/\\s+/g, ' ').trim() }; })"""


# Wagtail's page scrolls in its <main class="content-wrapper"> at 360 px (the window's scrollY stays 0).
SCROLLED = "scrollY + document.querySelector('.content-wrapper').scrollTop"


def _page_at(browser, size):
    """A new page at ``size``: a touch phone under 800 px wide, a desktop from there."""
    w, h = size
    kw = {"has_touch": True, "is_mobile": True} if w < 800 else {}
    return browser.new_context(locale="fr-FR", viewport={"width": w, "height": h}, **kw).new_page()


def _shown(page):
    return [c for c in page.evaluate(CONTROLS) if c["shown"]]


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_phone_undo_and_redo_right_under_the_timeline_after_a_drag(live_server, phone, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    box = _track(page)
    assert page.evaluate(SCROLLED) == 0
    # Drag the limit between steps 6 and 7 (30,1 s) by its grip to 33 s, as the walker did.
    grip_y = box["y"] + box["height"] + 14
    _touch_drag(phone, page, _x(box, 30.1), _x(box, 33.0), grip_y)
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    moved = _steps(footage)
    assert moved[5][2] == pytest.approx(33.0, abs=0.4)
    assert page.evaluate(SCROLLED) == 0
    shown = _shown(page)
    # One « Annuler », one « Rétablir », both on the first screen, right under the timeline, side by side.
    assert [c["action"] for c in shown] == ["undo", "redo"], shown
    undo, redo = shown
    assert undo["name"].endswith("Annuler") and redo["name"].endswith("Rétablir"), shown  # their kbd hidden to a finger
    # Walk 38: their names say what they do (« Annuler » is a dialog's cancel too); the arrow is not read out.
    expect(page.get_by_role("button", name="Annuler la dernière modification", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Rétablir la modification annulée", exact=True)).to_be_visible()
    assert undo["bottom"] <= undo["h"] and redo["bottom"] <= redo["h"], shown
    assert undo["right"] <= undo["w"] and redo["right"] <= redo["w"], shown
    track_bottom = box["y"] + box["height"]
    assert 0 < undo["top"] - track_bottom < 60, (undo, track_bottom)
    assert undo["top"] == pytest.approx(redo["top"], abs=2), shown
    assert undo["bottom"] - undo["top"] >= 44, undo  # a finger's size
    assert undo["disabled"] == "false" and redo["disabled"] == "true", shown
    _shot(page, "review-undo-phone-360")
    page.locator('[data-action="undo"]:visible').tap()
    expect(page.locator('[data-role="saved"]')).to_have_text("Déplacement de la limite annulé.")
    expect(page.locator('[data-action="redo"]:visible')).to_have_attribute("aria-disabled", "false")
    page.wait_for_timeout(300)
    assert _steps(footage)[5][2] == pytest.approx(30.1, abs=0.05)
    page.locator('[data-action="redo"]:visible').tap()
    expect(page.locator('[data-role="saved"]')).to_have_text("Déplacement de la limite rétabli.")
    page.wait_for_timeout(300)
    assert _steps(footage)[5][2] == pytest.approx(moved[5][2], abs=0.05)
    assert page.evaluate(SCROLLED) == 0  # never scrolled away from the video and the timeline


def _tab_until(page, selector, limit=80):
    """Tab from the playhead until the focus is on ``selector``; the focused elements' actions on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            return { action: e.dataset.action || '', cls: e.className || '', tag: e.tagName }; }""")
        seen.append(info)
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return seen
    raise AssertionError(seen)


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)])
def test_one_undo_and_one_redo_in_the_tab_order_at_each_width(live_server, browser, take_68s, size):  # noqa: F811
    footage, reviewer = take_68s
    w, h = size
    page = _page_at(browser, size)
    _open(page, live_server, footage, reviewer)
    page.wait_for_timeout(300)
    shown = _shown(page)
    assert [c["action"] for c in shown] == ["undo", "redo"], shown
    # The whole page, Tab by Tab from the top: each action once.
    page.locator("body").focus()
    actions = []
    for _ in range(120):
        page.keyboard.press("Tab")
        a = page.evaluate("document.activeElement.dataset ? (document.activeElement.dataset.action || '') : ''")
        if a in ("undo", "redo"):
            actions.append(a)
        if page.evaluate("document.activeElement.matches('.geste-steps__title')"):
            break
    assert actions == ["undo", "redo"], actions
    if w < 800:
        # Right after the timeline's own controls (its blocks, its limits), as seen.
        page.locator('[data-role="playhead-line"]').focus()
        seen = _tab_until(page, '[data-action="undo"]')
        assert all("geste-timeline" in s["cls"] for s in seen[:-1]), seen
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.action") == "redo"
    else:
        # On a desk, in the tool column beside the video, between « Supprimer » and « Point de vigilance ».
        undo = page.locator('.geste-review__toolbar [data-action="undo"]')
        expect(undo).to_be_visible()
        video = page.locator('[data-role="video"]').bounding_box()
        assert undo.bounding_box()["x"] > video["x"] + video["width"]
        page.locator('[data-action="remove"]').focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.action") == "undo"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.action") == "redo"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.action") == "key-point"
        _shot(page, "review-undo-desk-1280")
    # The keys still undo (Ctrl+Z) and redo (Ctrl+Y), and every shown button says so.
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("End")
    page.keyboard.press("PageDown")
    page.keyboard.press("s")
    expect(page.locator('[data-role="saved"]')).to_have_text(SPLIT_DONE)
    assert [c["disabled"] for c in _shown(page)] == ["false", "true"]
    page.keyboard.press("Control+z")
    expect(page.locator('[data-role="saved"]')).to_have_text("Scission annulée.")
    assert [c["disabled"] for c in _shown(page)] == ["true", "false"]
    page.keyboard.press("Control+y")
    expect(page.locator('[data-role="saved"]')).to_have_text("Scission rétablie.")
    page.context.close()


def test_approved_steps_show_no_undo_row(live_server, phone, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    footage.status = "approved"
    footage.save(update_fields=["status"])
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    page.wait_for_timeout(300)
    assert _shown(page) == []
    expect(page.locator(".geste-review__undo-row")).to_have_count(1)  # there, and hidden with what it holds
    assert page.evaluate("[...document.querySelectorAll('.geste-review__undo-row')]"
                         ".every(r => r.getBoundingClientRect().height === 0)")


# --- 2. the footage's title, whole, on a phone --------------------------------------------------------

LONG = "Laver une tasse à la main, sans la casser ni ébrécher son anse"

TITLE = """() => { const s = document.querySelector('.w-header__subtitle');
    const h = document.querySelector('.w-header__title');
    const r = s.getBoundingClientRect(), hr = h.getBoundingClientRect();
    return { text: s.textContent.trim(),
             clipped: h.scrollHeight > h.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1,
             bottom: r.bottom, hbottom: hr.bottom, right: r.right, w: innerWidth }; }"""


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)])
def test_the_footage_title_is_read_whole(live_server, browser, take_68s, size):  # noqa: F811
    footage, reviewer = take_68s
    footage.title = LONG
    footage.save(update_fields=["title"])
    w, h = size
    page = _page_at(browser, size)
    _open(page, live_server, footage, reviewer)
    page.wait_for_timeout(300)
    title = page.evaluate(TITLE)
    assert title["text"] == LONG, title
    assert not title["clipped"], title
    assert title["bottom"] <= title["hbottom"] + 1 and title["right"] <= title["w"], title
    # Whole, on the first screen with the video and the timeline still (walk 36's phone layout holds).
    track = page.locator('[data-role="track"]').bounding_box()
    assert track["y"] + track["height"] <= h, track
    _shot(page, f"review-title-{w}")
    page.context.close()


# --- 5. « ? » after a click on the video's own controls ------------------------------------------------

KEYS_OPEN = "document.querySelector('[data-dialog=\"keys\"]').open"


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)])
def test_question_mark_after_a_click_on_the_videos_own_controls(live_server, browser, take_68s, size):  # noqa: F811
    """Walk 36: « ? » with the focus on the video did nothing. It did once the video's own controls were clicked
    (▶, full screen): the focus was inside them, and Chromium kept every key there (S and Space too). The probe
    also tried the learner's player: it has no « ? » list at all (frontend/src/player handles no « ? »)."""
    footage, reviewer = take_68s
    w, h = size
    page = _page_at(browser, size)
    _open(page, live_server, footage, reviewer)
    box = page.locator('[data-role="video"]').bounding_box()
    video = "document.querySelector('[data-role=video]')"
    # The controls' ▶ (bottom left, above their seek bar): it plays; « ? » lists the keys.
    page.mouse.click(box["x"] + 24, box["y"] + box["height"] - 48)
    page.wait_for_function(f"!{video}.paused", timeout=5000)
    page.wait_for_timeout(400)  # a person's « ? » comes later than the focus given back (at once and 250 ms on)
    page.keyboard.press("?")
    page.wait_for_function(KEYS_OPEN, timeout=3000)
    _shot(page, f"review-keys-after-controls-{w}")
    page.keyboard.press("Escape")
    page.wait_for_function("!" + KEYS_OPEN)
    page.evaluate(f"{video}.pause()")
    # Their seek bar (the bottom row), in its middle: the video goes there; « ? » again.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 22)
    page.wait_for_function(f"{video}.currentTime > 10", timeout=5000)
    page.wait_for_timeout(400)
    page.keyboard.press("?")
    page.wait_for_function(KEYS_OPEN, timeout=3000)
    page.keyboard.press("Escape")
    page.wait_for_function("!" + KEYS_OPEN)
    # Leaving full screen.
    page.evaluate("document.querySelector('[data-role=video]').requestFullscreen()")
    page.wait_for_function("document.fullscreenElement")
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("!document.fullscreenElement")
    page.wait_for_timeout(200)
    page.keyboard.press("?")
    page.wait_for_function(KEYS_OPEN, timeout=3000)
    page.context.close()
