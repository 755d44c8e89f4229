"""The learner player at the end of a multi-segment HLS capsule (stop 35).

Debian's Chromium answers « maybe » to `canPlayType("application/vnd.apple.mpegurl")` and plays HLS itself.
Measured on the real 68-s Ego Homes take (`var/realset/egohomes-site-washingcup.mp4`, the product's transcode:
twelve segments, the last 1.97 s): with that native HLS a seek to 67.8 s or later (End on the seek bar sends
the player to 67.952 s) stayed `seeking` with `readyState` 1 for good, playing or paused; 67.5 s and earlier
played on. hls.js and the progressive MP4 showed the last frame at once. The same happens here on a 20-s clip
made by the same transcode (segments 6 + 6 + 6 + 2 s): 19.7 s plays, 19.8 s sticks. So the player takes hls.js
wherever Media Source Extensions exist, the browser's own HLS only without them (iOS Safari before
ManagedMediaSource)."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import pytest

from capsules import models
from tests import factories, pages
from tests.baseline import ensure_baseline
from tests.browser.test_player import built_player  # noqa: F401  (fixture)
from tests.mediagen import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DURATION = 20.0
PLAYER = "[data-geste-player]"


@pytest.fixture(scope="session")
def hls_20s(media_dir):
    """A 20-s clip with sound through the product's transcode: two rungs, four segments (the last one 2 s)."""
    from media_pipeline.probe import probe
    from media_pipeline.transcode import Rung, TranscodeSettings, transcode

    out = media_dir / "hls-end35"
    if not (out / "transcode.json").exists():
        src = make_clip(media_dir / "hls-end35.mp4", duration=DURATION, fps=25)
        ladder = (Rung("180p", 180, 200, 48), Rung("360p", 360, 450, 64))
        transcode(src, out, probe(src), TranscodeSettings(ladder=ladder, preset="ultrafast"))
    playlist = (out / "360p/index.m3u8").read_text()
    assert playlist.count("#EXTINF") == 4, playlist
    return out


@pytest.fixture
def capsule_20s(hls_20s, storage_root, built_player, media_with_ranges):  # noqa: F811
    """Published, three steps, no question (nothing stops a seek to the end)."""
    ensure_baseline()
    checksum = secrets.token_hex(32)
    prefix = factories.footage_key(checksum, "test", "").rstrip("/")
    shutil.copytree(hls_20s, Path(storage_root) / prefix / "hls")
    done = json.loads((hls_20s / "transcode.json").read_text())
    renditions = {"master_playlist": f"{prefix}/hls/{done['master_playlist']}", "mp4": f"{prefix}/hls/{done['mp4']}",
                  "poster": f"{prefix}/hls/{done['poster']}", "variants": done["variants"]}
    footage = factories.FootageFactory(duration=DURATION, renditions=renditions, status="approved", checksum=checksum,
                                       title="Remontage du siphon")
    for i, (start, end, title) in enumerate([(0, 7, "Couper l'eau"), (7, 14, "Dévisser l'écrou"),
                                             (14, DURATION, "Remonter le siphon")]):
        models.Step.objects.create(footage=footage, order=i, start=start, end=end, title=title, approved=True)
    capsule = factories.CapsuleFactory(footage=footage, title="Remonter le siphon", skills_block=footage.skills_block)
    return pages.capsule_page(capsule)


def _open(context, live_server, page_obj, init: str = ""):
    if init:
        context.add_init_script(init)
    page = context.new_page()
    page.goto(f"{live_server.url}{page_obj.url}")
    page.wait_for_selector(f"{PLAYER}[data-ready='1']", timeout=20000)
    return page


def _state(page):
    return page.evaluate("""() => { const v = document.querySelector('video.gp-video');
        return { t: v.currentTime, readyState: v.readyState, seeking: v.seeking, error: v.error && v.error.code }; }""")


def _settles(page, ms=4000) -> bool:
    try:
        page.wait_for_function(
            "() => { const v = document.querySelector('video.gp-video'); return v.readyState >= 2 && !v.seeking; }",
            timeout=ms)
        return True
    except Exception:  # Playwright's TimeoutError: the video is still seeking
        return False


@pytest.mark.timeout(120)
def test_end_on_the_seek_bar_shows_the_last_frame(live_server, phone_context, capsule_20s):
    """End on the seek bar (the player goes a frame before the capsule's end): the picture is there within
    4 s, as when the bar is dragged to its end. With the browser's own HLS it stayed « seeking » for good."""
    assert phone_context.new_page().evaluate(
        "document.createElement('video').canPlayType('application/vnd.apple.mpegurl')") != "", \
        "this Chromium no longer plays HLS itself: the test no longer tells the engines apart"
    page = _open(phone_context, live_server, capsule_20s)
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 1", timeout=20000)
    page.focus(".gp-seek")
    page.keyboard.press("End")
    settled = _settles(page)
    state = _state(page)
    assert settled, {"source": page.get_attribute(PLAYER, "data-source"), **state}
    assert state["error"] is None and state["t"] >= DURATION - 0.3, state
    assert page.get_attribute(PLAYER, "data-source") == "hls.js"
    # Dragged back into the last 0.2 s, paused: the same.
    page.evaluate("document.querySelector('video.gp-video').pause()")
    page.evaluate(f"""() => {{ const b = document.querySelector('.gp-seek'); b.value = {DURATION - 0.1};
        b.dispatchEvent(new Event('input', {{ bubbles: true }})); }}""")
    assert _settles(page), _state(page)


@pytest.mark.timeout(120)
def test_the_engine_chosen(live_server, context, capsule_20s):
    """hls.js (its chunk fetched) where Media Source Extensions exist; without them (iOS Safari before
    ManagedMediaSource) the browser's own HLS, or the MP4 on a slow connection (native HLS cannot be told to
    start low); `geste:engine` forces one (support, tests)."""
    no_mse = "delete window.MediaSource; delete window.ManagedMediaSource; delete window.WebKitMediaSource;"
    cases = [
        ("", "hls.js", True),
        ("localStorage.setItem('geste:engine', 'native');", "native-hls", False),
        ("localStorage.setItem('geste:engine', 'hlsjs');", "hls.js", True),
        ("localStorage.setItem('geste:engine', 'mp4');", "mp4", False),
        (no_mse, "native-hls", False),
        (no_mse + "localStorage.setItem('geste:datasaver', '1');", "mp4", False),
    ]
    for init, kind, chunk in cases:
        ctx = context.browser.new_context(locale="fr-FR")
        chunks: list[str] = []
        ctx.on("request", lambda r, chunks=chunks: chunks.append(r.url) if "/chunks/hls" in r.url else None)
        page = _open(ctx, live_server, capsule_20s, init)
        page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=20000)
        assert (page.get_attribute(PLAYER, "data-source"), bool(chunks)) == (kind, chunk), init
        ctx.close()


@pytest.mark.timeout(120)
def test_without_the_hls_chunk_the_browser_plays_hls_itself(live_server, context, capsule_20s):
    """The hls.js chunk is fetched when the player starts: if it does not come (a lost connection, a proxy),
    the player falls back on the browser's own HLS instead of staying without a video."""
    context.route("**/chunks/hls*", lambda route: route.abort())
    page = _open(context, live_server, capsule_20s)
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=20000)
    assert page.get_attribute(PLAYER, "data-source") == "native-hls"
