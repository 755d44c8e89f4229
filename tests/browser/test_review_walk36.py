"""First-user walk 36 on the review screen, a phone (360x740, touch) and a desk.

1. On the phone the timeline was below the fold on load: the video, then the decision and the seven tools, the
   steps only after a scroll. The timeline now comes right under the video on a narrow screen (tools after it).
2. A finger found an unselected limit only within a 9-px strip: each limit now has a 24-px grip under the track
   (touch screens), the track itself still mostly steps (the 40 % coverage of test_review_timeline35 holds).
3. A split's new half showed a striped block until its picture was made: it shows the video's frame at the split
   (or the parent step's picture) meanwhile.
4. « Annuler » had no way back: « Rétablir » (Ctrl+Shift+Z, Ctrl+Y) redoes what was undone in this page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.split_said import SPLIT_DONE
from tests.browser.test_review import _x_for
from tests.browser.test_review_keyframes import _background, footage_with_keyframes  # noqa: F401  (fixture)
from tests.browser.test_review_timeline35 import _open, _steps, _touch_drag, _track, _x, phone, take_68s  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Wagtail's page scrolls in its <main class="content-wrapper"> at 360 px, not the window: both back to the top (a click
# scrolls the button it presses into view; walk 37's undo row put « Scinder » 13 px under the fold).
TO_TOP = "window.scrollTo(0, 0); document.querySelector('.content-wrapper').scrollTo(0, 0)"

ON_SCREEN = """sel => { const r = document.querySelector(sel).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, h: innerHeight, y: scrollY }; }"""


# --- 1. the timeline on screen with the video, on load -------------------------------------------


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)])
def test_video_and_timeline_both_on_screen_on_load(live_server, browser, take_68s, size):  # noqa: F811
    footage, reviewer = take_68s
    w, h = size
    kw = {"has_touch": True, "is_mobile": True} if w < 800 else {}
    ctx = browser.new_context(locale="fr-FR", viewport={"width": w, "height": h}, **kw)
    page = ctx.new_page()
    _open(page, live_server, footage, reviewer)
    page.wait_for_timeout(300)
    video = page.evaluate(ON_SCREEN, '[data-role="video"]')
    track = page.evaluate(ON_SCREEN, '[data-role="track"]')
    assert video["y"] == 0 and track["y"] == 0, (video, track)
    assert video["top"] >= 0 and video["bottom"] - video["top"] >= 120, video
    assert track["top"] > video["bottom"] and track["bottom"] <= track["h"], (video, track)
    # The tools are still there, after the timeline on the phone.
    if w < 800:
        split = page.evaluate(ON_SCREEN, '[data-action="split"]')
        assert split["top"] > track["bottom"], (split, track)
    ctx.close()


# --- 2. a 24-px grip for each limit on a touch screen ------------------------------------------------


def test_phone_each_limit_has_a_finger_wide_grip(live_server, phone, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    box = _track(page)
    grip_y = box["y"] + box["height"] + 14
    x = _x(box, 30.1)  # the limit between steps 6 and 7, neither selected
    hit = """([x, y]) => { const e = document.elementFromPoint(x, y);
        const h = e && e.closest('.geste-timeline__handle');
        return h ? `${h.dataset.prev},${h.dataset.next}` : (e ? e.className : ''); }"""
    # Walk 38b: every step block is at least 24 px wide; at 290 px the 12 steps are about that, their limits 24 px
    # apart: the grips touch, each takes its own half (±11 px).
    for dx in (-11, -6, 0, 6, 11):
        assert page.evaluate(hit, [x + dx, grip_y]) == "5,6", dx
    # The steps stay the track's: a tap on a step away from its limits is the step's.
    assert page.evaluate(hit, [_x(box, 27.0), box["y"] + box["height"] / 2]) != "5,6"
    # Dragged by its grip, from 11 px off the limit: the limit follows the finger.
    _touch_drag(phone, page, x - 11, _x(box, 33.0), grip_y)
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    moved = _steps(footage)
    assert moved[5][2] == pytest.approx(33.0, abs=0.4) and moved[6][1] == moved[5][2], moved


# --- 3. a split's new half shows a picture at once --------------------------------------------------


def test_a_split_half_shows_the_video_frame_while_its_picture_is_made(
        live_server, media_with_ranges, page, footage_with_keyframes):  # noqa: F811
    footage, reviewer = footage_with_keyframes  # the video seekable (Range): its frame at 16 s is drawn
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    page.mouse.click(*_x_for(page, 16.0))
    page.wait_for_function("(v => v.readyState >= 2 && !v.seeking && Math.abs(v.currentTime - 16) < 0.3)"
                           "(document.querySelector('[data-role=video]'))")
    page.wait_for_timeout(300)
    page.keyboard.press("s")
    expect(page.locator('[data-role="saved"]')).to_have_text(SPLIT_DONE)
    new = page.locator(".geste-timeline__step").nth(3)
    expect(new).to_have_attribute("data-keyframe", "pending")  # still said in its title
    expect(new).to_have_attribute("title", re.compile("image en préparation"))
    # Not striped: the video's own frame at 16 s (a picture drawn from the video), not the placeholder.
    bg = _background(page, 3)
    assert bg.startswith('url("data:image/'), bg[:60]
    assert "repeating-linear-gradient" not in page.evaluate(
        "getComputedStyle(document.querySelectorAll('.geste-timeline__step')[3]).backgroundImage")
    # Kept while the saves and the picture polls redraw the timeline.
    page.wait_for_timeout(2500)
    assert _background(page, 3).startswith('url("data:image/')


def test_a_step_whose_picture_left_it_keeps_its_last_one_meanwhile(
        live_server, media_with_ranges, page, footage_with_keyframes):  # noqa: F811
    """Walk 36: after a split the first half, after a drag the neighbour, showed stripes until the server had made
    their new picture (their old one no longer lies inside them)."""
    footage, reviewer = footage_with_keyframes  # step 3 (13-20 s) has its picture at 14 s
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    before = _background(page, 2)
    assert before.startswith('url("'), before
    x, y = _x_for(page, 13.0)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(_x_for(page, 14.8)[0], y, steps=6)
    page.mouse.up()
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    block = page.locator(".geste-timeline__step").nth(2)
    expect(block).to_have_attribute("data-keyframe", "pending")  # its own picture is still to be made
    assert _background(page, 2) == before
    assert "repeating-linear-gradient" not in page.evaluate(
        "getComputedStyle(document.querySelectorAll('.geste-timeline__step')[2]).backgroundImage")


# --- 4. redo ---------------------------------------------------------------------------------------


def test_redo_what_was_undone(live_server, page, take_68s):  # noqa: F811
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    before = _steps(footage)
    saved = page.locator('[data-role="saved"]')
    redo = page.locator('[data-action="redo"]:visible')  # one shown at each width (walk 37)
    expect(redo).to_have_attribute("aria-disabled", "true")
    box = _track(page)
    y = box["y"] + box["height"] / 2
    # Split step 6 at 27 s, undo, redo (Ctrl+Shift+Z).
    page.mouse.click(_x(box, 27.0), y)
    page.keyboard.press("s")
    expect(saved).to_have_text(SPLIT_DONE)
    after_split = [s[1:] for s in _steps(footage)]
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Scission annulée.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    expect(redo).to_have_attribute("aria-disabled", "false")
    expect(redo).to_have_attribute("title", "Rétablir la modification annulée\nRétablir la scission")
    page.keyboard.press("Control+Shift+Z")
    expect(saved).to_have_text("Scission rétablie.")
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    page.wait_for_timeout(300)
    assert [s[1:] for s in _steps(footage)] == after_split
    expect(redo).to_have_attribute("aria-disabled", "true")
    # Undone again (the redo is itself undoable), then redone with Ctrl+Y.
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Scission annulée.")
    page.keyboard.press("Control+y")
    expect(saved).to_have_text("Scission rétablie.")
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    # A merge and a moved limit, undone and redone with the button.
    page.locator('.geste-timeline__step[data-step-index="7"]').click()
    page.keyboard.press("m")
    expect(saved).to_have_text("Étapes fusionnées et enregistrées.")
    after_merge = [s[1:] for s in _steps(footage)]
    handle = page.locator('.geste-timeline__handle[data-prev="9"][data-next="10"]')
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(saved).to_have_text("Limite déplacée et enregistrée.")
    after_move = [s[1:] for s in _steps(footage)]
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Déplacement de la limite annulé.")
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Fusion annulée\u00a0: les deux étapes sont revenues.")
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    redo.click()
    expect(saved).to_have_text("Fusion rétablie.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    page.wait_for_timeout(300)
    assert [s[1:] for s in _steps(footage)] == after_merge
    redo.click()
    expect(saved).to_have_text("Déplacement de la limite rétabli.")
    page.wait_for_timeout(300)
    assert [s[1:] for s in _steps(footage)] == after_move
    # A new change after an undo: nothing left to redo.
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Déplacement de la limite annulé.")
    expect(redo).to_have_attribute("aria-disabled", "false")
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("End")
    page.keyboard.press("PageDown")
    page.keyboard.press("s")
    expect(saved).to_have_text(SPLIT_DONE)
    expect(redo).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Control+Shift+Z")
    expect(saved).to_have_text("Rien à rétablir.")
    assert len(_steps(footage)) == 13 and before


def test_redo_speaks_english_to_an_english_expert(live_server, page, take_68s):  # noqa: F811
    from wagtail.users.models import UserProfile

    footage, reviewer = take_68s
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = "en"
    profile.save()
    _open(page, live_server, footage, reviewer)
    redo = page.locator('[data-action="redo"]:visible')  # one shown at each width (walk 37)
    expect(redo).to_contain_text("Redo")
    expect(redo).to_contain_text("Ctrl+Shift+Z")
    expect(redo).to_have_attribute("title", "Redo the undone change\nNothing to redo.")
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("End")
    page.keyboard.press("PageDown")
    page.keyboard.press("s")
    saved = page.locator('[data-role="saved"]')
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Split undone.")
    expect(redo).to_have_attribute("title", "Redo the undone change\nRedo the split")
    page.keyboard.press("Control+y")
    expect(saved).to_have_text("Split redone.")
    expect(page.locator(".geste-timeline__step")).to_have_count(13)


def test_phone_a_save_does_not_move_the_video(live_server, phone, take_68s):  # noqa: F811
    """Walk 36: each save's word lengthened the status line above the video, which pushed the video and the timeline
    down by a line while the finger was on them."""
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    box = _track(page)
    page.mouse.click(_x(box, 27.0), box["y"] + box["height"] / 2)
    page.evaluate(TO_TOP)
    page.wait_for_timeout(300)
    top = page.evaluate(ON_SCREEN, '[data-role="video"]')["top"]
    page.locator('[data-action="split"]').click()
    expect(page.locator('[data-role="saved"]')).to_have_text(SPLIT_DONE)
    page.evaluate(TO_TOP)
    page.wait_for_timeout(300)
    assert page.evaluate(ON_SCREEN, '[data-role="video"]')["top"] == pytest.approx(top, abs=1)
