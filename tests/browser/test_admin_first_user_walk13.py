"""First-user walk in Chromium of the admin screens: the review's status line has no stray " ·", warning
boxes show their icon in their gutter, the export button fits its column at 1280 px once approved, a
"Sans objet" stage is not drawn as a full green bar, and the capsule's video counter reads the capsule's
time, not the footage's (Chromium's own counter, on the footage's clock, is hidden)."""

from __future__ import annotations

import io
import secrets
import subprocess

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from PIL import Image
from playwright.sync_api import expect

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login
from tests.browser.shots import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = [(1280, 800), (360, 740)]


@pytest.fixture
def approved(django_db_serialized_rollback, transactional_db, storage_root, media_dir, media_with_ranges):
    ensure_baseline()
    clip = media_dir / "black-20s.mp4"  # black frames: only the player's controls draw on them
    if not clip.exists():
        subprocess.run(["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "color=c=black:size=320x180:rate=10",
                        "-t", "20", "-pix_fmt", "yuv420p", str(clip)], check=True)
    checksum = secrets.token_hex(32)
    with clip.open("rb") as fh:
        key = default_storage.save(factories.footage_key(checksum, "test", "noir.mp4"), File(fh))
    reviewer = factories.expert(username="expert-walk13", first_name="Camille", last_name="Roux")
    footage = factories.FootageFactory(
        title="Remplacement du joint de siphon", expert=reviewer, duration=20.0, status=Footage.Status.APPROVED,
        renditions={"mp4": key}, checksum=checksum,
        motion_curve={"fps": 2, "values": [0.5] * 40, "handwork": {"hands_seen_working": False}})
    for i, (a, b, t) in enumerate([(0, 6, "Couper l'eau"), (6, 13, "Dévisser l'écrou"), (13, 20, "Remonter")], 1):
        factories.StepFactory(footage=footage, order=i, start=a, end=b, title=t, approved=True)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.FAILED)
    statuses = {"ingest": "succeeded", "transcode": "failed", "audio": "skipped"}
    for spec in STAGES:
        status = statuses.get(spec.name, "pending")
        message = {"failed": "Disque plein", "skipped": "Pas de piste audio"}.get(status, "")
        StageRun.objects.create(run=run, name=spec.name, status=status,
                                progress=100 if status in ("succeeded", "skipped") else 0, error_message=message)
    capsule = factories.CapsuleFactory(footage=footage, title="Dévisser l'écrou", start=6.0, end=13.0)
    return footage, capsule, factories.designer(username="concepteur-walk13")


def _page(browser, live_server, user, size):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    login(page, live_server.url, user.username)
    return ctx, page


def _icon_in_gutter(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.help-block')].filter(b => b.offsetParent).map(b => {
        const box = b.getBoundingClientRect(), icon = b.querySelector('svg.icon');
        const walk = document.createTreeWalker(b, NodeFilter.SHOW_TEXT), text = [];
        while (walk.nextNode()) { if (!walk.currentNode.data.trim()) continue;
          const range = document.createRange(); range.selectNodeContents(walk.currentNode);
          text.push(...[...range.getClientRects()].filter(r => r.width > 0).map(r => r.left)); }
        const ir = icon && icon.getBoundingClientRect();
        return {icon: !!icon && ir.width > 0 && ir.left >= box.left && ir.right <= Math.min(...text) + 1,
                textStart: Math.min(...text) - box.left}; })""")


@pytest.mark.parametrize("size", SIZES, ids=["1280", "360"])
def test_processing_page(live_server, browser, approved, size):
    footage, capsule, user = approved
    ctx, page = _page(browser, live_server, user, size)
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/")
    row = page.locator("tr[data-stage='audio']")
    expect(row.locator("[data-field='status']")).to_have_text("Sans objet")
    page.wait_for_timeout(500)  # the status poll has run once
    shot(page, f"walk13-footage-{size[0]}")
    assert not row.locator("progress").is_visible()  # not a full green bar as if done
    expect(row.locator("[data-field='progress']")).to_have_text("Sans objet")
    assert page.locator("tr[data-stage='ingest'] progress").is_visible()
    # « Relancer » where retrying makes sense: the failed stage and the finished one, not the waiting ones
    retry = {n: page.locator(f"tr[data-stage='{n}']").get_by_role("button", name="Relancer").count()
             for n in ("ingest", "transcode", "audio", "transcribe", "segment")}
    assert retry == {"ingest": 1, "transcode": 1, "audio": 0, "transcribe": 0, "segment": 0}, retry
    boxes = _icon_in_gutter(page)
    ctx.close()
    assert boxes and all(b["icon"] for b in boxes), boxes


@pytest.mark.parametrize("size", SIZES, ids=["1280", "360"])
def test_review_page_status_line_and_export(live_server, browser, approved, size):
    footage, capsule, user = approved
    ctx, page = _page(browser, live_server, user, size)
    page.goto(f"{live_server.url}/admin/geste/relecture/{footage.pk}/")
    export = page.get_by_role("link", name="Exporter les étapes validées (JSON)")
    expect(export).to_be_visible()
    shot(page, f"walk13-review-{size[0]}")
    meta = page.locator(".geste-review__meta").inner_text().strip()
    fit = export.evaluate("""e => { const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
        return {overflow: e.scrollWidth - e.clientWidth, right: r.right, parent: p.right, vw: innerWidth}; }""")
    boxes = _icon_in_gutter(page)
    ctx.close()
    assert meta == "Statut\xa0: Étapes approuvées · Durée\xa0: 0:20 · Expert\xa0: Camille Roux", meta
    assert fit["overflow"] <= 1 and fit["right"] <= min(fit["parent"], fit["vw"]) + 1, fit
    assert boxes and all(b["icon"] for b in boxes), boxes


def _counter_pixels(page) -> tuple[int, int]:
    """The darkest and brightest pixels where Chromium draws its time counter (right of the play button)."""
    img = Image.open(io.BytesIO(page.locator("video").screenshot())).convert("L")
    w, h = img.size
    return img.crop((40, h - 52, w // 2, h - 30)).getextrema()


@pytest.mark.parametrize("size", SIZES, ids=["1280", "360"])
def test_capsule_video_counter_reads_the_capsule_time(live_server, browser, approved, size):
    footage, capsule, user = approved
    ctx, page = _page(browser, live_server, user, size)
    page.goto(f"{live_server.url}/admin/geste/capsules/{capsule.pk}/")
    video = page.locator("video[data-role=video]")
    page.wait_for_function("document.querySelector('video[data-role=video]').readyState >= 1")
    video.evaluate("v => { v.currentTime = 9.5; }")  # 3,5 s into the capsule (which starts at 6 s)
    expect(page.locator("output[data-role=playhead]")).to_have_text("0:03,5")
    page.wait_for_timeout(500)
    video.scroll_into_view_if_needed()
    shot(page, f"walk13-capsule-{size[0]}")
    pixels = _counter_pixels(page)
    ctx.close()
    # Chromium's own "0:09 / 0:20" (the footage's clock) is not drawn over the black frame.
    assert pixels[1] < 100, pixels
