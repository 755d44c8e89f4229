"""Walk 36, the learner's player with data saving: before « Lecture » the clock said « 0:05 » (the resume point)
under the capsule's first picture. The poster is now the resumed step's own picture (its keyframe, a small
JPEG, still no video segment fetched); a learner starting from the beginning keeps the capsule's poster."""

from __future__ import annotations

import pytest

from capsules import models
from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in, open_capsule, video

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "[data-geste-player]"


def _open(phone_context, live_server, published, username, position):
    learner = factories.learner(username=username)
    if position is not None:
        models.Progress.objects.create(user=learner, capsule=published["capsule"], position=position,
                                       watched=[[0, position]])
    phone_context.add_init_script("try { localStorage.setItem('geste:datasaver', '1'); } catch (e) {}")
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    segments: list[str] = []
    page.on("request", lambda r: segments.append(r.url) if r.url.endswith((".ts", ".mp4", ".m4s")) else None)
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function(f"document.querySelector('{PLAYER}').gestePlayer.source.hls.levels.length > 0",
                           timeout=15000)
    page.wait_for_timeout(1000)
    return page, errors, segments


@pytest.mark.timeout(180)
def test_the_poster_is_the_resumed_steps_picture(live_server, phone_context, published):
    page, errors, segments = _open(phone_context, live_server, published, "dora-poster", 5.2)
    assert page.locator(".gp-time").inner_text().startswith("0:05")
    poster = video(page, "v.poster")
    assert poster.endswith("/step1.jpg"), poster  # the second step (4-8 s) holds 5.2 s
    # The picture is really there (loaded, not a broken image), and still no video fetched.
    assert page.evaluate("""async (src) => { const i = new Image(); i.src = src; await i.decode();
        return i.naturalWidth; }""", poster) > 0
    assert segments == []
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_a_learner_from_the_start_keeps_the_capsules_poster(live_server, phone_context, published):
    page, errors, segments = _open(phone_context, live_server, published, "dora-start", None)
    poster = video(page, "v.poster")
    assert poster and "step" not in poster.rsplit("/", 1)[-1], poster
    assert segments == []
    leave(page)
    assert not errors, errors


@pytest.mark.timeout(180)
def test_the_page_says_the_player_is_loading_until_its_controls_come(live_server, phone_context, published):
    """Walk 37, slow 3G: for ~10 s the page showed the poster and the steps, no controls and no word. The page now
    says « Chargement du lecteur… » over the video after 1 s (a fast page never flashes it), gone with the controls."""
    learner = factories.learner(username="dora-boot")
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    held: list = []
    # The player's script waits until let through below.
    page.route("**/geste/player.js*", lambda route: held.append(route))
    page.goto(f"{live_server.url}{published['page'].url}", wait_until="commit")
    boot = page.locator('[data-role="boot"]')
    boot.wait_for(state="attached", timeout=5000)
    assert not boot.is_visible()  # the first second: nothing flashes
    page.wait_for_timeout(1500)
    assert boot.is_visible() and boot.inner_text() == "Chargement du lecteur…"
    assert page.locator(".gp-play").count() == 0 and held
    for route in held:
        route.continue_()
    page.unroute("**/geste/player.js*")
    page.locator(".gp-play").wait_for(timeout=20000)
    assert page.locator('[data-role="boot"]').count() == 0
    leave(page)


@pytest.mark.timeout(120)
def test_a_player_that_cannot_load_its_capsule_says_so_without_the_loading_word(live_server, phone_context,
                                                                               published):
    learner = factories.learner(username="dora-boot-error")
    log_in(phone_context, live_server, learner)
    page = phone_context.new_page()
    page.route("**/manifest.json*", lambda route: route.fulfill(status=500, body="{}"))
    page.goto(f"{live_server.url}{published['page'].url}")
    page.locator(".gp-error").wait_for(timeout=15000)
    assert page.locator('[data-role="boot"]').count() == 0
