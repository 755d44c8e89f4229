"""Walks 45-46: on a phone held sideways (740x360), outside fullscreen, the picture started 212 px down the screen
under a two-row header and a two-line breadcrumb, and was 398 px high: never whole on screen. The header now holds
on one row, the breadcrumb keeps only the way back, the picture is no higher than the screen less the seek bar,
and starting the video scrolls it whole on screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser import test_player as base
from tests.browser.shots import shot
from tests.browser.test_player import leave, log_in, open_capsule

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIDEO = """() => { const r = document.querySelector('video.gp-video').getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, h: r.height, screen: innerHeight, scrollY: scrollY,
          header: document.querySelector('.site-header').getBoundingClientRect().height}; }"""


@pytest.mark.timeout(240)
def test_sideways_outside_fullscreen_the_picture_fits_and_playing_brings_it_on_screen(live_server, browser, published):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 740, "height": 360}, has_touch=True, is_mobile=True)
    log_in(ctx, live_server, factories.learner())
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    seen = page.evaluate(VIDEO)
    assert seen["header"] <= 52, seen  # one row (was 91 px)
    assert seen["top"] <= 170, seen  # was 212
    assert seen["h"] <= seen["screen"] - 76, seen  # the seek bar fits under it (was 398 px high)
    # Walk 46: the controls under the fold, nothing on the picture said how to start it: a play sign over it.
    expect(page.locator(".gp-start-sign")).to_be_visible()
    shot(page, "sideways45-page", full_page=False)
    page.tap(".gp-play")
    page.wait_for_function("!document.querySelector('video.gp-video').paused")
    page.wait_for_timeout(900)  # a smooth scroll
    seen = page.evaluate(VIDEO)
    assert seen["top"] >= -1 and seen["bottom"] <= seen["screen"] + 1 and seen["scrollY"] > 0, seen
    expect(page.locator(".gp-start-sign")).to_have_count(0)  # gone for good: a pause is for looking at the hands
    shot(page, "sideways45-playing", full_page=False)
    leave(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.timeout(240)
def test_upright_phone_does_not_scroll_on_play(live_server, phone_context, published):
    """Held upright the page stays where the learner put it (the scroll is for a phone sideways only)."""
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    before = page.evaluate(VIDEO)
    page.tap(".gp-play")
    page.wait_for_function("!document.querySelector('video.gp-video').paused")
    page.wait_for_timeout(900)
    assert page.evaluate(VIDEO)["scrollY"] == before["scrollY"]
    leave(page)


@pytest.mark.timeout(240)
def test_the_play_sign_lets_a_click_through_to_the_picture(live_server, context, published):
    """The sign is a picture: a click on it reaches the video, which plays (as a click on the picture did)."""
    log_in(context, live_server, factories.learner())
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    sign = page.locator(".gp-start-sign")
    expect(sign).to_be_visible()
    box = sign.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("!document.querySelector('video.gp-video').paused")
    expect(sign).to_have_count(0)
    leave(page)
