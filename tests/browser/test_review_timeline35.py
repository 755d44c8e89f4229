"""Walk 35, a real 68-s head-camera take with 12 steps, on a 360-px phone and at a desk.

1. The limit handles covered most of the phone's timeline (244 of 320 px): a 1.5-s step could not be tapped
   between its handles, a tap on a handle did nothing, and a touch drag on overlapping handles announced
   « Limite déplacée » while nothing moved (the handle on top was the far limit, stopped at once by the
   minimum step length).
2. A split, a merge or a moved limit could not be undone: « Annuler » (button, Ctrl+Z / Cmd+Z) reverts them,
   one after the other, through the review API; a refusal (another tab saved since) is said and ends the undo.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db.models import F
from playwright.sync_api import expect

from capsules.models import Footage, ReviewComment, Step
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.split_said import SPLIT_DONE
from tests.factories import FootageFactory, StepFactory, expert, footage_key
from tests.mediagen import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DURATION = 68.0
# The walk's take: twelve steps, the fourth one 1,5 s long.
LIMITS = [0, 5.2, 11.0, 16.5, 18.0, 24.3, 30.1, 36.8, 42.0, 49.5, 55.1, 61.0, 68.0]
SHOTS = Path(os.environ.get("GESTE_SHOTS", "/work/shots/rv35"))


@pytest.fixture
def take_68s(django_db_serialized_rollback, transactional_db, storage_root, media_dir, media_with_ranges):
    ensure_baseline()
    clip = media_dir / "review-68s.mp4"
    if not clip.exists():
        make_clip(clip, duration=DURATION, size="320x180", fps=10, audio=None)
    checksum = secrets.token_hex(32)
    with clip.open("rb") as fh:
        key = default_storage.save(footage_key(checksum, "test", "review.mp4"), File(fh))
    reviewer = expert(username="expert-walk35", first_name="Camille", last_name="Roux")
    footage = FootageFactory(title="Vidange d'une chaudière", expert=reviewer, duration=DURATION,
                             renditions={"mp4": key}, checksum=checksum,
                             motion_curve={"fps": 2, "values": [abs(((i % 12) - 6) / 6) for i in range(136)]})
    for i, (start, end) in enumerate(zip(LIMITS[:-1], LIMITS[1:], strict=True), start=1):
        StepFactory(footage=footage, order=i, start=start, end=end, title=f"Geste {i}")
    return footage, reviewer


def _open(page, live_server, footage, user):
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    page.wait_for_function("document.querySelector('[data-role=video]').readyState >= 1")


def _track(page):
    track = page.locator('[data-role="track"]')
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    for _ in range(40):
        page.wait_for_timeout(50)
        again = track.bounding_box()
        if again == box:
            break
        box = again
    # Walk 38b: every step block is at least 24 px wide, the time -> position map is piecewise (review.js).
    box["map"] = page.evaluate("document.getElementById('geste-review').gesteReview.timelineMap")
    return box


def _x(box, seconds):
    """Where a time is drawn on the track, on the screen's own map (linear without one)."""
    pieces = box.get("map")
    if not pieces:
        return box["x"] + box["width"] * seconds / DURATION
    p = next((q for q in pieces if seconds <= q["t1"]), pieces[-1])
    span = p["t1"] - p["t0"]
    within = (min(p["t1"], max(p["t0"], seconds)) - p["t0"]) / span if span > 0 else 0
    return box["x"] + box["width"] * (p["x0"] + within * p["w"])


def _steps(footage):
    return list(Step.objects.filter(footage=footage).order_by("start").values_list("pk", "start", "end"))


def _version(footage):
    return Footage.objects.get(pk=footage.pk).review_version


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True,
                              is_mobile=True)
    yield ctx
    ctx.close()


def _touch_drag(ctx, page, x0, x1, y, steps=6):
    cdp = ctx.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
    for k in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x0 + (x1 - x0) * k / steps, "y": y}]})
        page.wait_for_timeout(40)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_phone_timeline_is_mostly_steps_and_a_short_step_is_tappable(live_server, phone, take_68s):
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    box = _track(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator('[data-role="timeline"]').screenshot(path=str(SHOTS / "phone-timeline.png"))
    # The handles' hit areas cover a small share of the timeline: the steps are what a finger finds.
    spans = sorted((b["x"], b["x"] + b["width"]) for b in page.locator(".geste-timeline__handle").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return { x: r.left, width: r.width }; })"))
    covered, end = 0.0, box["x"]
    for a, b in spans:
        a, b = max(a, end, box["x"]), min(b, box["x"] + box["width"])
        if b > a:
            covered += b - a
            end = b
    assert covered <= 0.4 * box["width"], (covered, box["width"])
    # The 1,5-s step (16,5 – 18,0 s: 7 px) is selected by a tap on it, the video at its time.
    y = box["y"] + box["height"] / 2
    page.touchscreen.tap(_x(box, 17.25), y)
    short = page.locator('.geste-timeline__step[data-step-index="3"]')
    expect(short).to_have_attribute("aria-pressed", "true")
    playhead = page.evaluate("document.getElementById('geste-review').gesteReview.playhead")
    assert 16.5 <= playhead <= 18.0, playhead
    page.locator('[data-role="timeline"]').screenshot(path=str(SHOTS / "phone-timeline-short-selected.png"))
    # So is a normal step tapped near (5 px), not on, its limit: Chromium retargets such a tap to the limit's
    # handle (focusable, nearer its centre), the screen takes it where the finger landed.
    page.touchscreen.tap(_x(box, 28.9), y)
    expect(page.locator('.geste-timeline__step[data-step-index="5"]')).to_have_attribute("aria-pressed", "true")


def test_phone_tap_on_a_limit_selects_it_and_shows_its_picture(live_server, phone, take_68s):
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    version = _version(footage)
    box = _track(page)
    page.touchscreen.tap(_x(box, 30.1), box["y"] + box["height"] / 2)
    handle = page.locator('.geste-timeline__handle[data-prev="5"][data-next="6"]')
    expect(handle).to_have_class(re.compile(r"\bis-selected\b"))
    expect(handle).to_be_focused()
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:30,1")
    page.wait_for_function("Math.abs(document.querySelector('[data-role=video]').currentTime - 30.1) < 0.2")
    page.wait_for_timeout(400)
    # A tap is not a move: nothing saved, nothing announced.
    expect(page.locator('[data-role="saved"]')).not_to_contain_text("Limite")
    assert _version(footage) == version
    page.locator('[data-role="timeline"]').screenshot(path=str(SHOTS / "phone-timeline-limit-selected.png"))


def test_phone_drag_moves_the_limit_nearest_to_the_touch(live_server, phone, take_68s):
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    before = _steps(footage)
    box = _track(page)
    y = box["y"] + box["height"] / 2
    # The finger lands just inside the short step, by its start (16,5 s), and drags to 14 s.
    _touch_drag(phone, page, _x(box, 16.65), _x(box, 14.0), y)
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    after = _steps(footage)
    assert after[2][2] == pytest.approx(14.0, abs=0.4) and after[3][1] == after[2][2], after
    assert after[3][2] == 18.0  # the short step's end stayed where it was
    assert [s[0] for s in after] == [s[0] for s in before]
    # A drag starting on a step, near a limit (a finger, not a pixel): that limit moves.
    box = _track(page)
    _touch_drag(phone, page, _x(box, 40.5), _x(box, 44.0), y)
    page.wait_for_function("document.querySelector('[data-role=saved]').textContent.includes('Limite')")
    page.wait_for_timeout(600)
    moved = _steps(footage)
    assert moved[7][2] == pytest.approx(44.0, abs=0.4) and moved[8][1] == moved[7][2], moved


def _press_undo(page):
    page.keyboard.press("Control+z")


def test_undo_split_merge_and_moved_limit_on_a_desktop(live_server, page, take_68s):
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    before = _steps(footage)
    undo = page.locator('[data-action="undo"]:visible')
    expect(undo).to_have_attribute("aria-disabled", "true")
    saved = page.locator('[data-role="saved"]')
    # A comment on step 8: it must still be on step 8 once its merge is undone.
    note = ReviewComment.objects.create(footage=footage, step_id=before[7][0], author=reviewer, text="Attention")

    box = _track(page)
    y = box["y"] + box["height"] / 2
    # 1. Split step 6 (24,3 – 30,1) at 27 s.
    page.mouse.click(_x(box, 27.0), y)
    page.keyboard.press("s")
    expect(saved).to_have_text(SPLIT_DONE)
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    # 2. Merge step 7 (now index 7: 30,1 – 36,8) with step 8.
    page.locator('.geste-timeline__step[data-step-index="7"]').click()
    page.keyboard.press("m")
    expect(saved).to_have_text("Étapes fusionnées et enregistrées.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    # 3. Drag the limit at 55,1 s to about 57 s.
    box = _track(page)
    handle = page.locator('.geste-timeline__handle[data-prev="9"][data-next="10"]')
    hb = handle.bounding_box()
    page.mouse.move(_x(box, 55.1), hb["y"] + hb["height"] / 2)
    page.mouse.down()
    for s in (55.8, 56.5, 57.0):
        page.mouse.move(_x(box, s), y)
    page.mouse.up()
    expect(saved).to_have_text("Limite déplacée et enregistrée.")
    expect(undo).to_have_attribute("aria-disabled", "false")

    # Undo the move (the button), then the merge and the split (Ctrl+Z).
    undo.click()
    expect(saved).to_have_text("Déplacement de la limite annulé.")
    steps = _steps(footage)
    assert steps[9][2] == 55.1 and steps[10][1] == 55.1
    _press_undo(page)  # the focus stayed on the button: Ctrl+Z acts from there too
    expect(saved).to_have_text("Fusion annulée\u00a0: les deux étapes sont revenues.")
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    _press_undo(page)
    expect(saved).to_have_text("Scission annulée.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    # All as before, the merged step back under its own id, its comment with it.
    assert _steps(footage) == before
    assert ReviewComment.objects.get(pk=note.pk).step_id == before[7][0]
    expect(undo).to_have_attribute("aria-disabled", "true")
    _press_undo(page)
    expect(saved).to_have_text("Rien à annuler.")
    assert _steps(footage) == before


def test_undo_with_the_keyboard_alone(live_server, page, take_68s):
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    before = _steps(footage)
    saved = page.locator('[data-role="saved"]')
    handle = page.locator('.geste-timeline__handle[data-prev="7"][data-next="8"]')
    handle.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(saved).to_have_text("Limite déplacée et enregistrée.")
    assert _steps(footage)[7][2] == pytest.approx(42.3)
    page.keyboard.press("Meta+z")  # Cmd+Z on a Mac
    expect(saved).to_have_text("Déplacement de la limite annulé.")
    assert _steps(footage) == before
    expect(handle).to_be_focused()
    # A split at the playhead placed with the keys; Ctrl+Z in a title is the title's own undo, not the steps'.
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("End")
    page.keyboard.press("PageDown")
    page.keyboard.press("s")
    expect(saved).to_have_text(SPLIT_DONE)
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    title = page.locator('[data-step-title="0"]')
    title.click()
    page.keyboard.type("ab")
    page.keyboard.press("Control+z")
    page.wait_for_timeout(500)
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Scission annulée.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)
    assert [s[:3] for s in _steps(footage)] == before


def test_undo_refused_by_the_server_is_said_and_ends_the_undo(live_server, page, take_68s):
    footage, reviewer = take_68s
    _open(page, live_server, footage, reviewer)
    saved = page.locator('[data-role="saved"]')
    box = _track(page)
    page.mouse.click(_x(box, 46.0), box["y"] + box["height"] / 2)
    page.keyboard.press("s")
    expect(saved).to_have_text(SPLIT_DONE)
    page.locator('.geste-timeline__step[data-step-index="1"]').click()
    page.keyboard.press("m")
    expect(saved).to_have_text("Étapes fusionnées et enregistrées.")
    after = _steps(footage)
    # Another tab saves meanwhile.
    Footage.objects.filter(pk=footage.pk).update(review_version=F("review_version") + 1)
    page.keyboard.press("Control+z")
    message = page.locator('[data-role="message"]')
    expect(message).to_contain_text("Quelqu'un d'autre a modifié cette relecture")
    expect(message).to_contain_text("Annulation impossible")
    assert _steps(footage) == after
    # The undo history is gone: the split is not undone on top of the other tab's state.
    expect(page.locator('[data-action="undo"]:visible')).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Rien à annuler.")
    assert _steps(footage) == after


def test_undo_speaks_english_to_an_english_expert(live_server, page, take_68s):
    from wagtail.users.models import UserProfile

    footage, reviewer = take_68s
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = "en"
    profile.save()
    _open(page, live_server, footage, reviewer)
    undo = page.locator('[data-action="undo"]:visible')
    expect(undo).to_contain_text("Undo")
    expect(undo).to_have_attribute("title", "Undo the last change\nNothing to undo.")
    page.locator('[data-role="playhead-line"]').focus()
    page.keyboard.press("End")
    page.keyboard.press("PageDown")
    page.keyboard.press("s")
    saved = page.locator('[data-role="saved"]')
    expect(page.locator(".geste-timeline__step")).to_have_count(13)
    expect(undo).to_have_attribute("title", "Undo the last change\nUndo the split")
    page.keyboard.press("Control+z")
    expect(saved).to_have_text("Split undone.")
    expect(page.locator(".geste-timeline__step")).to_have_count(12)


def test_phone_narrow_steps_show_their_number_not_letters(live_server, phone, take_68s):
    """12 steps at 360 px: blocks of about 25 px wrapped their names letter by letter (« G e s… »); a narrow block
    shows its number, its name stays its accessible name; a wide one (the desk) keeps its name."""
    footage, reviewer = take_68s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer)
    _track(page)
    shown = page.locator(".geste-timeline__step span").evaluate_all(
        "els => els.map(e => ({ w: e.parentElement.getBoundingClientRect().width, size: getComputedStyle(e).fontSize,"
        " before: getComputedStyle(e, '::before').content }))")
    narrow = [s for s in shown if s["w"] <= 44]
    assert len(narrow) >= 6
    assert all(s["size"] == "0px" and re.search(r"\d", s["before"]) for s in narrow), narrow
    block = page.locator(".geste-timeline__step").nth(1)
    assert "Geste 2" in (block.get_attribute("title") or "")
    assert page.get_by_role("button", name=re.compile("Geste 2")).count() >= 1
    page.set_viewport_size({"width": 1366, "height": 900})
    _track(page)
    wide = page.locator(".geste-timeline__step span").first.evaluate(
        "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::before').content]")
    assert wide[0] != "0px" and wide[1] in ("none", "normal"), wide
