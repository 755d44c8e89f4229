"""First users' walk 36 on slow 3G (the learner's phone, data saving):

- After « Lecture » the picture stood at 0:00 for about 6 s with the pause icon and nothing said why: a spinner
  and « Chargement de la vidéo… » now show over the video while it plays without data, and go once it plays.
- Coming back to a capsule, the clock read « 0:00 » for about 4 s, until the hls.js chunk had come, then
  « Reprise à 0:10 »: the resume point now shows while the chunk is still on its way, and the chunk is asked
  for beside the page's manifest rather than after it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from capsules import models
from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in, open_capsule
from tests.browser.test_player_walk36 import _errors

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATASAVER = "try { localStorage.setItem('geste:datasaver', '1'); } catch (e) {}"


@pytest.mark.timeout(180)
def test_a_spinner_says_the_video_is_loading_after_play(live_server, phone_context, published):
    published["q1"].delete()
    published["q2"].delete()
    learner = factories.learner(username="sami-spinner")
    phone_context.add_init_script(DATASAVER)
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors = _errors(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    spinner = page.locator(".gp-buffering")
    assert spinner.is_hidden()
    # Slow 3G from now on: the first segment takes seconds after « Lecture ».
    cdp = phone_context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 1500, "downloadThroughput": 40000, "uploadThroughput": 40000})
    page.click(".gp-play")
    spinner.wait_for(state="visible", timeout=3000)
    assert spinner.inner_text().strip() == "Chargement de la vidéo…"
    assert page.evaluate("document.querySelector('video.gp-video').currentTime") < 0.5
    # Over the video, not pushing the controls down.
    box, video_box = spinner.bounding_box(), page.locator("video.gp-video").bounding_box()
    assert video_box["y"] - 1 <= box["y"] and box["y"] + box["height"] <= video_box["y"] + video_box["height"] + 40
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 0.5", timeout=20000)
    spinner.wait_for(state="hidden", timeout=3000)
    # Paused: no spinner, whatever the data.
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').paused", timeout=5000)
    assert spinner.is_hidden()
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_resume_point_shows_while_the_hls_chunk_is_on_its_way(live_server, phone_context, published):
    learner = factories.learner(username="lea-chunk")
    models.Progress.objects.create(user=learner, capsule=published["capsule"], position=3.6, watched=[[0, 3.6]])
    phone_context.add_init_script(DATASAVER)
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors = _errors(page)
    held = []
    page.route("**/chunks/hls*.js", lambda route: held.append(route))
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('.gp-time') !== null", timeout=15000)
    page.wait_for_timeout(1500)  # the chunk is held: the player cannot attach the video yet
    assert held, "the hls.js chunk was not asked for"
    manifest = next(i for i, u in enumerate(requested) if "manifest" in u)
    chunk = next(i for i, u in enumerate(requested) if "/chunks/hls" in u)
    assert chunk < manifest + 3, requested  # asked for beside the manifest, not after the page's pictures
    assert page.locator("[data-geste-player]").get_attribute("data-ready") is None
    assert page.locator(".gp-time").inner_text().startswith("0:03")
    assert abs(float(page.locator(".gp-seek").input_value()) - 3.6) < 0.11
    for route in held:
        route.continue_()
    page.unroute("**/chunks/hls*.js")
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    assert page.locator("[data-geste-player]").get_attribute("data-source") == "hls.js"
    page.wait_for_timeout(300)
    assert page.locator(".gp-time").inner_text().startswith("0:03")
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_step_pressed_on_the_bar_is_lit_at_once_on_a_slow_connection(live_server, phone_context, published):
    published["q1"].delete()
    published["q2"].delete()
    third = published["steps"][2]
    learner = factories.learner(username="nino-bar")
    phone_context.add_init_script(DATASAVER)  # nothing loaded before the first play: the seek waits for data
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors = _errors(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    cdp = phone_context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 2000, "downloadThroughput": 30000, "uploadThroughput": 30000})
    page.click(".gp-stepbar [data-seek] >> nth=2")
    page.wait_for_timeout(300)  # the seek's data is seconds away
    lit = page.evaluate(
        "[...document.querySelectorAll('.gp-stepbar [data-seek]')].map(b => b.getAttribute('aria-current'))")
    assert lit == [None, None, "step"], lit
    assert third.title in page.locator(".gp-step-now").inner_text()
    cdp.send("Network.emulateNetworkConditions",
             {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_learner_can_turn_data_saving_on_and_off(live_server, phone_context, published):
    """Walk 36: data saving came only from the browser's hint; the learner has « Économiser les données »."""
    learner = factories.learner(username="ines-saver")
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors = _errors(page)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    box_name = "Économiser les données (basse qualité, aucune vidéo chargée avant «\u00a0Lecture\u00a0»)"
    box = page.get_by_role("checkbox", name=box_name)
    assert not box.is_checked()
    hls = "document.querySelector('[data-geste-player]').gestePlayer.source.hls"
    assert page.evaluate(f"{hls}.capLevelToPlayerSize") is True
    box.focus()
    page.keyboard.press("Space")  # its own key: not the player's play / pause
    assert box.is_checked()
    assert page.evaluate("document.querySelector('video.gp-video').paused")
    assert page.evaluate("localStorage.getItem('geste:datasaver')") == "1"
    assert page.evaluate(f"{hls}.autoLevelCapping") == 0
    assert page.evaluate(f"{hls}.capLevelToPlayerSize") is False
    expect(page.locator("#gp-live")).to_contain_text("Économie de données activée")  # said after 30 ms
    # The next visit (a new page: the first one's segments in flight are not the second's): no segment before
    # « Lecture », the box still ticked, the lowest quality only.
    leave(page)
    page.close()
    page = phone_context.new_page()
    errors += _errors(page)
    segments: list[str] = []
    page.on("request", lambda r: segments.append(r.url) if r.url.endswith(".ts") else None)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_timeout(1200)
    assert segments == []
    box = page.get_by_role("checkbox", name=box_name)
    assert box.is_checked()
    assert page.evaluate(f"{hls}.autoLevelCapping") == 0
    # Off: the browser's hint set aside too (a saved "0"), capped to the player's size again.
    box.click()
    assert page.evaluate("localStorage.getItem('geste:datasaver')") == "0"
    assert page.evaluate(f"{hls}.capLevelToPlayerSize") is True
    leave(page)
    assert not errors, errors
