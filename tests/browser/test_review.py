"""The expert's review screen in a real browser: drag a boundary, split at the playhead, approve,
reload, and find the changes kept (saved through the review API)."""

from __future__ import annotations

import re
import secrets

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from capsules.models import Footage, Step
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.split_said import SPLIT_DONE
from tests.factories import FootageFactory, StepFactory, expert, footage_key
from tests.mediagen import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def footage_in_review(django_db_serialized_rollback, transactional_db, storage_root, media_dir):
    ensure_baseline()
    clip = media_dir / "review-20s.mp4"
    if not clip.exists():
        make_clip(clip, duration=20, size="320x180", fps=10, audio=None)
    checksum = secrets.token_hex(32)  # media under the canonical key, the only form /media/ serves
    with clip.open("rb") as fh:
        key = default_storage.save(footage_key(checksum, "test", "review.mp4"), File(fh))
    reviewer = expert(username="expert-navigateur", first_name="Camille", last_name="Roux")
    footage = FootageFactory(
        title="Remplacement du joint de siphon",
        expert=reviewer,
        duration=20.0,
        renditions={"mp4": key},
        checksum=checksum,
        motion_curve={"fps": 2, "values": [abs(((i % 12) - 6) / 6) for i in range(40)]},
    )
    for i, (start, end, title) in enumerate(
        [(0, 6, "Couper l'eau"), (6, 13, "Dévisser l'écrou"), (13, 20, "Remonter le siphon")], start=1
    ):
        StepFactory(footage=footage, order=i, start=start, end=end, title=title)
    return footage, reviewer


def _x_for(page, seconds: float, duration: float = 20.0) -> tuple[float, float]:
    # Wagtail's content wrapper scrolls smoothly: a focus that scrolls the page (a new step's title)
    # moves the track for ~0.5 s, and a point read meanwhile lands below it (seen once in CI, under load).
    track = page.locator('[data-role="track"]')
    box = track.bounding_box()
    for _ in range(60):
        page.wait_for_timeout(50)
        again = track.bounding_box()
        if again == box:
            break
        box = again
    return box["x"] + box["width"] * seconds / duration, box["y"] + box["height"] / 2


def test_drag_split_approve_reload(live_server, page, footage_in_review):
    footage, reviewer = footage_in_review
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    expect(page.locator('[data-step-title="1"]')).to_have_value("Dévisser l'écrou")
    expect(page.locator('[data-role="edit-help"]')).to_be_visible()

    # 1. drag the boundary between steps 1 and 2 from 6 s to about 8 s
    handle = page.locator('.geste-timeline__handle[data-prev="0"][data-next="1"]')
    hb = handle.bounding_box()
    page.mouse.move(hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
    page.mouse.down()
    for s in (6.5, 7.2, 8.0):
        page.mouse.move(*_x_for(page, s))
    page.mouse.up()
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    first, second = Footage.objects.get(pk=footage.pk).steps.order_by("start")[:2]
    assert first.end == pytest.approx(8.0, abs=0.3) and second.start == first.end

    # 2. put the playhead at 16 s by touching the timeline, then split with the S key
    page.mouse.click(*_x_for(page, 16.0))
    expect(page.locator('[data-role="playhead"]')).to_have_text(re.compile(r"^0:1[56],\d$"))
    page.keyboard.press("s")
    expect(page.locator('[data-role="saved"]')).to_have_text(SPLIT_DONE)
    expect(page.locator(".geste-timeline__step")).to_have_count(4)

    # 3. approve (A, then confirm in the dialog); a pause after S: two different letters within 350 ms are
    # typing, not shortcuts (walk 33)
    page.wait_for_timeout(400)
    page.keyboard.press("a")
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    # Said once on the status line and around it (not again in the saved note or the locked note),
    # and the drag/arrow help is gone with the editing it described.
    expect(page.locator('[data-role="saved"]')).to_have_text("Décision enregistrée.")
    expect(page.locator('[data-role="locked"]')).to_be_visible()
    meta = page.locator(".geste-review__meta").inner_text() + page.locator('[data-role="locked"]').inner_text()
    assert meta.count("approuvées") == 1, meta
    expect(page.locator('[data-role="edit-help"]')).to_be_hidden()

    # 4. reload: the boundary, the split and the approval were kept
    page.reload()
    expect(page.locator(".geste-timeline__step")).to_have_count(4)
    expect(page.locator('[data-role="status"]')).to_have_text("Étapes approuvées")
    times = page.locator(".geste-steps__time").all_inner_texts()
    assert times[0].startswith("0:00,0 – ") and times[0] != "0:00,0 – 0:06,0"
    expect(page.locator('[data-step-title="3"]')).to_have_value("Remonter le siphon (suite)")
    expect(page.locator('[data-step-title="0"]')).to_be_disabled()  # approved: read-only until reopened
    expect(page.locator('[data-role="edit-help"]')).to_be_hidden()
    steps = list(Step.objects.filter(footage=footage).order_by("start"))
    assert [s.approved for s in steps] == [True] * 4
    assert steps[2].end == steps[3].start and 15.0 <= steps[3].start <= 16.5
    assert Footage.objects.get(pk=footage.pk).status == Footage.Status.APPROVED


def test_keyboard_nudge_key_point_and_conflict(live_server, page, footage_in_review):
    footage, reviewer = footage_in_review
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)

    handle = page.locator('.geste-timeline__handle[data-prev="1"][data-next="2"]')
    handle.focus()
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    assert Footage.objects.get(pk=footage.pk).steps.order_by("start")[2].start == pytest.approx(11.0)

    page.mouse.click(*_x_for(page, 3.0))
    page.keyboard.press("k")
    page.get_by_label("Qualité").check()
    page.get_by_label("Texte").fill("Vérifier que la vanne est bien fermée.")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.locator(".geste-key-points li")).to_contain_text("Vérifier que la vanne")
    assert footage.key_points.get().step.title == "Couper l'eau"

    # comment on the selected step (C), then remove the key point
    page.keyboard.press("c")
    page.get_by_label("Commentaire", exact=True).fill("Préciser quelle vanne.")
    page.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator(".geste-comments li")).to_contain_text("Préciser quelle vanne.")
    assert footage.review_comments.get().step.title == "Couper l'eau"
    page.get_by_role(
        "button", name="Supprimer le point de vigilance « Vérifier que la vanne est bien fermée. »"
    ).click()
    expect(page.locator('[data-role="saved"]')).to_have_text("Point de vigilance supprimé.")
    assert not footage.key_points.exists()

    # someone else saves meanwhile: our next write is refused and we see their version
    Footage.objects.filter(pk=footage.pk).update(review_version=99)
    Step.objects.filter(footage=footage, title="Couper l'eau").update(title="Fermer la vanne")
    page.locator('[data-step-title="0"]').fill("Mon titre")
    page.locator('[data-step-title="0"]').press("Enter")
    expect(page.locator('[data-role="message"]')).to_contain_text("Quelqu'un d'autre a modifié")
    expect(page.locator('[data-step-title="0"]')).to_have_value("Fermer la vanne")
    assert not Step.objects.filter(title="Mon titre").exists()


def test_touch_drag_on_a_tablet(live_server, browser, footage_in_review):
    """A finger drag (real touch events, turned into pointer events by Chromium) moves a boundary."""
    footage, reviewer = footage_in_review
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768}, has_touch=True)
    page = ctx.new_page()
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    handle = page.locator('.geste-timeline__handle[data-prev="1"][data-next="2"]')
    handle.scroll_into_view_if_needed()
    hb = handle.bounding_box()
    cdp = ctx.new_cdp_session(page)
    x, y = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for s in (12.0, 11.0, 10.0):
        tx, _ = _x_for(page, s)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": tx, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(page.locator('[data-role="saved"]')).to_have_text("Limite déplacée et enregistrée.")
    third = Footage.objects.get(pk=footage.pk).steps.order_by("start")[2]
    assert third.start == pytest.approx(10.0, abs=0.3)
    ctx.close()


def test_keyboard_alone_places_the_playhead_and_splits(live_server, page, footage_in_review):
    """Walk defect (keyboard only): Enter on a step of the timeline put the playhead at 0 s, and nothing
    but playing the video moved it, so S could not split where the expert wanted. Enter now goes to the
    step's start, and the playhead is a slider the arrow keys move."""
    footage, reviewer = footage_in_review
    login(page, live_server.url, reviewer.username)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    playhead = page.locator('[data-role="playhead"]')

    page.locator(".geste-timeline__step").nth(1).focus()
    page.keyboard.press("Enter")
    expect(playhead).to_have_text("0:06,0")
    expect(page.locator(".geste-timeline__step").nth(1)).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")  # a button's own key: the same
    expect(playhead).to_have_text("0:06,0")

    # After the tools, Tab reaches the playhead slider first, before the steps' blocks.
    page.locator('[data-action="comment"]').focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.role") == "playhead-line"
    slider = page.locator('[data-role="playhead-line"]')
    expect(slider).to_have_attribute("aria-label", "Tête de lecture")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(playhead).to_have_text("0:09,5")
    expect(slider).to_have_attribute("aria-valuetext", "0:09,5")
    expect(page.locator(".geste-timeline__step").nth(1)).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("s")
    expect(page.locator('[data-role="saved"]')).to_have_text(SPLIT_DONE)
    starts = list(Step.objects.filter(footage=footage).order_by("start").values_list("start", flat=True))
    assert starts == [0, 6, pytest.approx(9.5), 13]
    slider.focus()
    page.keyboard.press("End")
    expect(playhead).to_have_text("0:20,0")
    page.keyboard.press("PageDown")
    expect(playhead).to_have_text("0:15,0")
    page.keyboard.press("Home")
    expect(playhead).to_have_text("0:00,0")

    # A step chosen with the keyboard and merged (M): the focus stays on the merged step's block,
    # not thrown back to the top of the page.
    page.locator(".geste-timeline__step").nth(1).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("m")
    expect(page.locator('[data-role="saved"]')).to_have_text("Étapes fusionnées et enregistrées.")
    expect(page.locator(".geste-timeline__step")).to_have_count(3)
    assert page.evaluate("document.activeElement.dataset.stepIndex") == "1"
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    assert list(Step.objects.filter(footage=footage).order_by("start").values_list("start", flat=True)) == [0, 6, 13]
