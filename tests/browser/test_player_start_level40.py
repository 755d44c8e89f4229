"""Walk 40 on a slow link that Chromium still rates « 4g » (150 ms of latency, 50 KiB/s through CDP
``Network.emulateNetworkConditions``: ``effectiveType`` « 4g », ``downlink`` 0.4 Mbit/s), so none of the
weak-connection settings apply: hls.js, left to its bitrate test, fetched the lowest rung's first segment to time
the link, threw it away and fetched it again before the picture (the first 6 s twice). hls.js's start estimate now
comes from the browser's ``navigator.connection.downlink`` (70 %, 100 kbit/s - 5 Mbit/s), with no bitrate test.
Measured here, « Lecture » to 0.3 s played at 150 ms / 50 KiB/s: 10.0 s and 9.9 s before (180p/seg_0000 twice),
5.1 s and 5.1 s after (once); no throttling (downlink 1.4-1.55): 360p first before and after, 0.37-0.63 s before,
0.34-0.46 s after, and no longer the 180p test segment (226 KB) fetched for nothing."""

from __future__ import annotations

import time

import pytest

from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in
from tests.browser.test_player_slow_link39 import PLAYED, throttle

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HLS = "document.querySelector('[data-geste-player]').gestePlayer.source.hls"


def play(context, live_server, published, username: str) -> tuple[list[str], float, int]:
    """Open the capsule, press « Lecture »: the media segments asked for (rung/name, in order), the seconds to
    0.3 s played, and the height of the rendition playing then."""
    published["q1"].delete()
    published["q2"].delete()
    log_in(context, live_server, factories.learner(username=username))
    page = context.pages[0]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    segments: list[str] = []
    page.on("request", lambda r: segments.append(r.url.split("/hls/")[-1]) if r.url.endswith(".ts") else None)
    page.goto(f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('.gp-play') && !document.querySelector('.gp-play').disabled",
                           timeout=60000)
    page.wait_for_function(f"document.querySelector('[data-geste-player]').gestePlayer.source && {HLS}",
                           timeout=60000)
    page.click(".gp-play")
    clicked = time.monotonic()
    page.wait_for_function(PLAYED, timeout=30000)
    took = time.monotonic() - clicked
    height = page.evaluate(f"(() => {{ const h = {HLS}; return h.levels[h.currentLevel].height; }})()")
    leave(page)
    assert not errors, errors
    return segments, took, height


@pytest.mark.timeout(180)
def test_a_slow_link_rated_4g_starts_on_the_lowest_rung_without_fetching_it_twice(live_server, context, published):
    page = context.new_page()
    throttle(context, page, 150, 50)
    page.goto(f"{live_server.url}/")
    # Chromium's own rating: « 4g » (from the 150-ms latency), 0.4 Mbit/s (with its ±10 % privacy noise).
    connection = page.evaluate("({type: navigator.connection.effectiveType, down: navigator.connection.downlink})")
    assert connection["type"] == "4g" and 0.3 <= connection["down"] <= 0.5, connection
    segments, took, height = play(context, live_server, published, "walk40-slow")
    assert segments[0] == "180p/seg_0000.ts", segments
    # Before: 180p/seg_0000 fetched to time the link, thrown away, fetched again (10 s to play, 5 s after).
    assert segments.count("180p/seg_0000.ts") == 1, segments
    assert height == 180
    assert took < 30, took


@pytest.mark.timeout(180)
def test_a_fast_link_starts_on_the_best_rung_at_once(live_server, context, published):
    page = context.new_page()
    throttle(context, page, 10, 4000)
    page.goto(f"{live_server.url}/")
    assert page.evaluate("navigator.connection.downlink") >= 5
    segments, took, height = play(context, live_server, published, "walk40-fast")
    # Not 180p (the lowest rung), nor its first segment fetched for a bitrate test as before.
    assert segments[0] == "360p/seg_0000.ts", segments
    assert not [s for s in segments if s.startswith("180p/")], segments
    assert height == 360
    assert took < 10, took


CONNECTION = "Object.defineProperty(Navigator.prototype, 'connection', {configurable: true, get: () => %s});"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("connection", "expected"), [
    # No estimate (Firefox, Safari): hls.js's own way, as before (its bitrate test, 500 kbit/s meanwhile).
    ("undefined", {"test": True, "estimate": 500000, "start": -1, "auto": True}),
    # Chromium's ceiling (10 Mbit/s): hls.js's own ceiling for a start estimate.
    ("({effectiveType: '4g', downlink: 10, saveData: false})", {"test": False, "estimate": 5000000, "start": -1,
                                                                 "auto": True}),
    # A tiny estimate: no lower than 100 kbit/s.
    ("({effectiveType: '4g', downlink: 0.05, saveData: false})", {"test": False, "estimate": 100000, "start": -1,
                                                                   "auto": True}),
    # Save-Data, or a link Chromium rates 3g: the weak-connection settings (lowest rung, nothing before « Lecture »).
    ("({effectiveType: '4g', downlink: 10, saveData: true})", {"test": True, "estimate": 300000, "start": 0,
                                                                "auto": False}),
    ("({effectiveType: '3g', downlink: 1.2, saveData: false})", {"test": True, "estimate": 300000, "start": 0,
                                                                  "auto": False}),
])
def test_the_start_estimate_follows_what_the_device_knows(live_server, context, published, connection, expected):
    context.add_init_script(CONNECTION % connection)
    log_in(context, live_server, factories.learner(username="walk40-config"))
    page = context.new_page()
    page.goto(f"{live_server.url}{published['page'].url}")
    page.wait_for_function(f"document.querySelector('[data-geste-player]').gestePlayer.source && {HLS}",
                           timeout=30000)
    got = page.evaluate(f"""(() => {{ const c = {HLS}.config;
      return {{test: c.testBandwidth, estimate: c.abrEwmaDefaultEstimate, start: c.startLevel,
               auto: c.autoStartLoad}}; }})()""")
    assert got == expected, got
    leave(page)
