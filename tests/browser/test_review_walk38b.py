"""Walk 38b, a first user on the expert's review screen (walk shots 13a, 11a, 33e, 34a).

1. At 360 px a 2-s last step of an 80-s take was drawn 7 px wide: its number clipped, its two limits on each
   other. Every step block is at least 24 px wide (WCAG 2.2 target size), the others shrinking in proportion;
   the playhead, taps and drags go through the same piecewise time <-> position map.
2. « Fusionner avec la suivante » stayed enabled on the last step (a tap gave an error): disabled there, its
   tooltip saying why.
3. On the phone, a tap at 19,6 s of a 20-s clip, in the end limit's hit area, sent the playhead to 0:20,0: a
   tap beside a limit's bar seeks to the time tapped; only a drag moves the limit.
4. « Titre enregistré. » was said at the top of the page only, out of sight while editing a title lower down:
   also shown at the bottom of the window while the status line is out of view.
5. Desktop: the toolbar's « Annuler » (beside « Supprimer ») read as "Cancel": its ↶ and its key, as on the phone.
6. Split / merge / delete did not say which step they act on: tooltip and accessible description.
"""

from __future__ import annotations

import secrets

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from capsules.models import Step
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.factories import FootageFactory, StepFactory, expert, footage_key
from tests.mediagen import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG = (80.0, [0, 14.0, 30.0, 45.0, 62.0, 78.0, 80.0])   # a 2-s last step
SHORT = (20.0, [0, 6.0, 11.0, 14.5, 20.0])


def _take(media_dir, duration, limits, name):
    ensure_baseline()
    clip = media_dir / f"review-{int(duration)}s-38b.mp4"
    if not clip.exists():
        make_clip(clip, duration=duration, size="320x180", fps=10, audio=None)
    checksum = secrets.token_hex(32)
    with clip.open("rb") as fh:
        key = default_storage.save(footage_key(checksum, "test", "review.mp4"), File(fh))
    reviewer = expert(username=f"expert-{name}", first_name="Jean", last_name="Plombier")
    footage = FootageFactory(title="Lave-linge sans son", expert=reviewer, duration=duration, renditions={"mp4": key},
                             checksum=checksum, motion_curve={"fps": 2, "values": [0.5] * int(duration * 2)})
    for i, (start, end) in enumerate(zip(limits[:-1], limits[1:], strict=True), start=1):
        StepFactory(footage=footage, order=i, start=start, end=end, title=f"Geste {i}")
    return footage, reviewer


@pytest.fixture
def take_80s(django_db_serialized_rollback, transactional_db, storage_root, media_dir, media_with_ranges):
    return _take(media_dir, *LONG, "w38b-long")


@pytest.fixture
def take_20s(django_db_serialized_rollback, transactional_db, storage_root, media_dir, media_with_ranges):
    return _take(media_dir, *SHORT, "w38b-short")


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    yield ctx
    ctx.close()


def _open(page, live_server, footage, user, n):
    login(page, live_server.url, user.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(n)
    page.wait_for_function("document.querySelector('[data-role=video]').readyState >= 1")
    track = page.locator('[data-role="track"]')
    track.scroll_into_view_if_needed()
    page.wait_for_timeout(300)


def _box(page, i):
    return page.locator(f'.geste-timeline__step[data-step-index="{i}"]').bounding_box()


def _playhead(page):
    return page.evaluate("document.getElementById('geste-review').gesteReview.playhead")


def _touch_drag(ctx, page, x0, x1, y, steps=8):
    cdp = ctx.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
    for k in range(1, steps + 1):
        point = {"x": x0 + (x1 - x0) * k / steps, "y": y}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        page.wait_for_timeout(40)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_short_last_step_is_24_px_wide_and_taps_and_drags_follow_the_map(live_server, phone, take_80s):
    footage, reviewer = take_80s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer, 6)
    last = _box(page, 5)
    assert last["width"] >= 23.5, last  # was 7 px
    widths = [_box(page, i)["width"] for i in range(6)]
    # The others shrink in proportion: still ordered by their lengths (14, 16, 15, 17, 16 s).
    assert widths[3] > widths[1] > widths[4] - 0.5 and widths[1] > widths[2] > widths[0], widths
    track = page.locator('[data-role="track"]').bounding_box()
    assert last["x"] + last["width"] == pytest.approx(track["x"] + track["width"], abs=1.5)
    # Its two limits are apart (the block's width), its number shown whole.
    start = page.locator('.geste-timeline__handle[data-prev="4"][data-next="5"]')
    end = page.locator('.geste-timeline__handle[data-prev="5"][data-next=""]')
    bar = ("h => { const r = h.getBoundingClientRect(); const s = getComputedStyle(h); "
           "return r.left + parseFloat(s.getPropertyValue('--hit-l')); }")
    at = [page.evaluate(bar, h.element_handle()) for h in (start, end)]
    assert at[1] - at[0] >= 23, at
    number = page.locator('.geste-timeline__step[data-step-index="5"] span')
    pseudo = number.evaluate("e => getComputedStyle(e, '::before').content")
    assert pseudo.startswith('"6"'), pseudo  # « "6" / "" »: the number, not read aloud twice
    # A tap in the block's middle: that step, the video at the time under the finger (79 s), on the map.
    y = last["y"] + last["height"] / 2
    page.touchscreen.tap(last["x"] + last["width"] / 2, y)
    expect(page.locator('.geste-timeline__step[data-step-index="5"]')).to_have_attribute("aria-pressed", "true")
    assert 78.6 <= _playhead(page) <= 79.4, _playhead(page)
    # The playhead is drawn inside the block.
    line = page.locator('[data-role="playhead-line"]').bounding_box()
    assert last["x"] < line["x"] + line["width"] / 2 < last["x"] + last["width"], (line, last)
    # A drag of the short step's start (78 s) lands where the finger is lifted, on the map it started with: the
    # block before it (62–78 s) is linear over its own width.
    b4 = _box(page, 4)
    x0 = b4["x"] + b4["width"]
    x1 = x0 - 30
    _touch_drag(phone, page, x0, x1, y)
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    page.wait_for_timeout(300)
    want = 62.0 + (x1 - b4["x"]) / b4["width"] * 16.0
    moved = list(Step.objects.filter(footage=footage).order_by("start").values_list("start", "end"))
    assert moved[4][1] == pytest.approx(want, abs=0.35) and moved[5][0] == moved[4][1], (moved, want)
    assert _box(page, 5)["width"] >= 23.5


def test_a_tap_beside_the_end_limit_seeks_there_not_to_the_limit(live_server, phone, take_20s):
    footage, reviewer = take_20s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer, 4)
    last = _box(page, 3)
    y = last["y"] + last["height"] / 2
    x = last["x"] + (19.6 - 14.5) / 5.5 * last["width"]
    # The tap is in the end limit's hit area.
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", [x, y])
    assert "geste-timeline__handle" in hit, hit
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(300)
    assert 19.4 <= _playhead(page) <= 19.8, _playhead(page)  # was 20,0 (the limit)
    expect(page.locator('.geste-timeline__step[data-step-index="3"]')).to_have_attribute("aria-pressed", "true")
    # A tap on the limit's own bar still takes the limit.
    inner = _box(page, 2)
    page.touchscreen.tap(inner["x"] + inner["width"], y)
    expect(page.locator('[data-role="playhead"]')).to_have_text("0:14,5")
    expect(page.locator('.geste-timeline__handle[data-prev="2"][data-next="3"]')).to_be_focused()
    assert list(Step.objects.filter(footage=footage).order_by("start").values_list("end", flat=True)) == SHORT[1][1:]


def _step(n):
    return f"l'étape {n} «\u00a0Geste {n}\u00a0»"


def test_merge_is_disabled_on_the_last_step_and_the_tools_name_their_step(live_server, page, take_20s):
    footage, reviewer = take_20s
    _open(page, live_server, footage, reviewer, 4)
    merge = page.locator('.geste-review__toolbar [data-action="merge"]')
    split = page.locator('.geste-review__toolbar [data-action="split"]')
    remove = page.locator('.geste-review__toolbar [data-action="remove"]')
    page.locator('.geste-timeline__step[data-step-index="2"]').click()
    expect(merge).to_be_enabled()
    expect(merge).to_have_attribute("title", f"Fusionner {_step(3)} avec {_step(4)}")
    expect(merge).to_have_accessible_description(f"Fusionner {_step(3)} avec {_step(4)}")
    expect(remove).to_have_attribute("title", f"Supprimer {_step(3)}")
    expect(remove).to_have_accessible_description(f"Supprimer {_step(3)}")
    at = page.locator("[data-role=playhead]").inner_text()
    expect(split).to_have_attribute("title", f"Scinder {_step(3)} à {at}")
    # The last step: nothing to merge with.
    page.locator('.geste-timeline__step[data-step-index="3"]').click()
    expect(merge).to_be_disabled()
    expect(merge).to_have_attribute("aria-disabled", "true")
    why = f"L{_step(4)[1:]} est la dernière étape\u00a0: elle n'a pas de suivante à fusionner."
    expect(merge).to_have_attribute("title", why)
    expect(remove).to_have_accessible_description(f"Supprimer {_step(4)}")
    # M there still says so (no merge made).
    page.locator('.geste-timeline__step[data-step-index="3"]').focus()
    page.keyboard.press("m")
    expect(page.locator('[data-role="message"]')).to_contain_text("pas de suivante")
    assert Step.objects.filter(footage=footage).count() == 4
    page.locator('.geste-timeline__step[data-step-index="0"]').click()
    expect(merge).to_be_enabled()
    expect(merge).to_have_attribute("title", f"Fusionner {_step(1)} avec {_step(2)}")


def test_the_tools_name_their_step_in_english(live_server, page, take_20s):
    from wagtail.users.models import UserProfile
    footage, reviewer = take_20s
    profile = UserProfile.get_for_user(reviewer)
    profile.preferred_language = "en"
    profile.save()
    _open(page, live_server, footage, reviewer, 4)
    page.locator('.geste-timeline__step[data-step-index="2"]').click()
    merge = page.locator('.geste-review__toolbar [data-action="merge"]')
    expect(merge).to_have_attribute("title", "Merge step 3 “Geste 3” with step 4 “Geste 4”")
    page.locator('.geste-timeline__step[data-step-index="3"]').click()
    expect(merge).to_have_attribute("title", "Step 4 “Geste 4” is the last step: it has no next step to merge with.")


def test_a_saved_title_is_said_where_the_expert_is(live_server, phone, take_20s):
    footage, reviewer = take_20s
    page = phone.new_page()
    _open(page, live_server, footage, reviewer, 4)
    where = "v => v.getBoundingClientRect().top - document.getElementById('geste-review').getBoundingClientRect().top"
    video_y = page.locator('[data-role="video"]').evaluate(where)
    field = page.locator('[data-role="steps"] textarea').nth(3)
    field.scroll_into_view_if_needed()
    field.fill("Refermer le hublot")
    field.press("Enter")
    saved = page.locator('[data-role="saved"]')
    expect(saved).to_have_text("Titre enregistré.")
    in_view = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    assert not saved.evaluate(in_view)  # the status line at the top, out of view
    echo = page.locator('[data-role="saved-echo"]')
    expect(echo).to_be_visible()
    expect(echo).to_have_text("Titre enregistré.")
    expect(echo).to_have_attribute("aria-hidden", "true")
    box = echo.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 740, box
    assert page.locator('[data-role="video"]').evaluate(where) == pytest.approx(video_y, abs=1)  # nothing pushed down
    expect(echo).to_be_hidden(timeout=6000)


def test_the_desktop_undo_shows_its_arrow_and_its_key(live_server, browser, take_20s):
    footage, reviewer = take_20s
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    _open(page, live_server, footage, reviewer, 4)
    undo = page.locator('.geste-review__toolbar [data-action="undo"]')
    redo = page.locator('.geste-review__toolbar [data-action="redo"]')
    expect(undo).to_be_visible()
    expect(undo.locator(".geste-review__glyph")).to_have_text("↶")
    expect(undo.locator(".geste-review__glyph")).to_be_visible()
    expect(undo.locator("kbd")).to_be_visible()
    expect(undo.locator("kbd")).to_have_text("Ctrl+Z")
    expect(redo.locator(".geste-review__glyph")).to_have_text("↷")
    expect(redo.locator("kbd")).to_be_visible()
    expect(undo).to_have_accessible_name("Annuler la dernière modification")
    column = page.locator(".geste-review__toolbar").bounding_box()
    for b in (undo, redo, page.locator('.geste-review__toolbar [data-action="remove"]')):
        kb = b.locator("kbd").bounding_box()
        bb = b.bounding_box()
        assert bb["x"] >= column["x"] - 1 and bb["x"] + bb["width"] <= column["x"] + column["width"] + 1, (bb, column)
        assert bb["x"] <= kb["x"] and kb["x"] + kb["width"] <= bb["x"] + bb["width"], (kb, bb)
    # The tools keep their height (a taller row pushed the timeline down).
    tools = page.locator('.geste-review__toolbar [data-action="add-step"]').bounding_box()["height"]
    for b in (undo, redo):
        assert b.bounding_box()["height"] <= tools + 0.5, (b.bounding_box(), tools)
        kb, bb = b.locator("kbd").bounding_box(), b.bounding_box()
        assert bb["y"] <= kb["y"] and kb["y"] + kb["height"] <= bb["y"] + bb["height"] + 0.5, (kb, bb)
    # The timeline still starts within a 1280×800 screen.
    assert page.locator('[data-role="timeline"]').evaluate("t => t.getBoundingClientRect().top + scrollY") < 800
    page.screenshot(path="/tmp/rv38b-desktop.png")
    ctx.close()
