"""Walks 24b/24c, in Chromium: a learner who plays a few seconds and leaves by the browser's Back button (or a
link) resumes where she was and finds the capsule « Commencée » on the block page; Alt+arrows are the
browser's."""

from __future__ import annotations

import pytest

from capsules.models import Interaction, Progress
from tests import factories
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait(page, check, timeout_ms: int = 15000):
    waited = 0
    while not check() and waited < timeout_ms:
        page.wait_for_timeout(100)
        waited += 100
    return check()


@pytest.mark.timeout(240)
@pytest.mark.parametrize("how", ["back", "link"])
def test_leaving_by_back_or_a_link_while_playing_keeps_the_resume_point(live_server, context, published, how):  # noqa: F811
    capsule = published["capsule"]
    Interaction.objects.filter(capsule=capsule).delete()  # nothing pauses the video
    user = factories.learner(username=f"walk24b{how}")
    log_in(context, live_server, user)
    url = f"{live_server.url}{published['page'].url}"
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/")
    open_capsule(page, url)
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 3.5", timeout=15000)
    assert not video(page, "v.paused")
    if how == "back":
        page.go_back()
    else:
        page.goto(f"{live_server.url}/")
    row = lambda: Progress.objects.filter(user=user, capsule=capsule).first()  # noqa: E731
    assert _wait(page, lambda: row() is not None and row().position > 3.0), row() and row().position
    open_capsule(page, url)
    page.wait_for_timeout(500)
    assert video(page, "v.currentTime") > 3.0, video(page, "v.currentTime")
    leave(page)
    assert not errors, errors


def _block_says_started(page) -> bool:
    return page.evaluate("""() => {
        const cards = document.querySelector('ol.capsules');
        const badge = document.querySelector('.block-badge');
        return !!cards && cards.innerText.includes('Commencée')
            && !(badge && badge.innerText.includes('pas encore commencée'));
    }""")


@pytest.mark.timeout(240)
def test_back_to_the_block_page_shows_the_capsule_just_started(live_server, context, published):  # noqa: F811
    """Walk 24c: Back from a capsule played a few seconds showed the block page as it was before
    (« pas encore commencée »): the block page was requested (or restored from the back/forward cache)
    before the capsule page sent its last save. The block page sends the save still queued on the device
    and updates its cards in place, without reloading (a reload aborted a navigation just begun)."""
    capsule = published["capsule"]
    Interaction.objects.filter(capsule=capsule).delete()
    user = factories.learner(username="walk24cback")
    log_in(context, live_server, user)
    block_url = f"{live_server.url}{published['page'].get_parent().url}"
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
    page.goto(block_url)
    assert "Commencée" not in page.inner_text("main")
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 3.5", timeout=15000)
    navigations.clear()
    page.go_back()
    assert _wait(page, lambda: Progress.objects.filter(user=user, capsule=capsule, position__gt=3.0).exists())
    assert _wait(page, lambda: _block_says_started(page)), page.inner_text("main")
    page.wait_for_timeout(500)
    assert navigations == [block_url], navigations  # updated in place: no reload
    assert not errors, errors


@pytest.mark.timeout(240)
def test_a_click_right_after_back_to_the_block_page_is_kept(live_server, context, published):  # noqa: F811
    """The block page's update after Back never cancels the navigation the learner begins meanwhile
    (the withdrawn reload did)."""
    capsule = published["capsule"]
    Interaction.objects.filter(capsule=capsule).delete()
    log_in(context, live_server, factories.learner(username="walk24cclick"))
    block_url = f"{live_server.url}{published['page'].get_parent().url}"
    capsule_url = f"{live_server.url}{published['page'].url}"
    page = context.new_page()
    page.goto(block_url)
    open_capsule(page, capsule_url)
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 3.5", timeout=15000)
    page.go_back(wait_until="commit")
    page.locator("ol.capsules a", has_text=capsule.title).click()
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.wait_for_timeout(1500)  # a late update of the block page would have brought it back
    assert page.url == capsule_url, page.url
    leave(page)


@pytest.mark.timeout(240)
def test_alt_arrows_are_left_to_the_browser(live_server, context, published):  # noqa: F811
    """Walk 24c: Alt+← (the browser's Back) moved the video back instead."""
    capsule = published["capsule"]
    Interaction.objects.filter(capsule=capsule).delete()
    log_in(context, live_server, factories.learner(username="walk24calt"))
    page = context.new_page()
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.focus(".gp-play")
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 3", timeout=15000)
    page.keyboard.press("Space")
    before = video(page, "v.currentTime")
    page.keyboard.press("Alt+ArrowLeft")
    page.wait_for_timeout(300)
    assert abs(video(page, "v.currentTime") - before) < 0.1, (before, video(page, "v.currentTime"))
    page.keyboard.press("ArrowLeft")  # the player's own key still moves it
    page.wait_for_timeout(300)
    assert video(page, "v.currentTime") < before - 1
    leave(page)
