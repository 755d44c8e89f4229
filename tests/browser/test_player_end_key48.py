"""Walk 48, the learner's player keyboard only: End (« Aller à la fin de la capsule » in the shortcuts' list) left the
video paused on its last picture, the end screen (score, « Revoir la capsule », the way back to the block) out of
sight until Play was pressed. End now shows it, unless a mandatory question not yet answered stops the learner first."""

from __future__ import annotations

import pytest

from tests.browser import test_player as base
from tests.browser.test_player import leave
from tests.browser.test_player_keys32 import _page

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

END_SHOWN = "!document.querySelector('.gp-end').hidden"


@pytest.mark.timeout(180)
def test_end_key_shows_the_end_screen(live_server, browser, published):
    published["q1"].delete()  # the mandatory question; q2 (at 10 s, optional) stays before the end
    ctx, page, errors = _page(browser, live_server, published, "end-key")
    page.focus(".gp-play")
    page.keyboard.press("End")
    # The question placed in the capsule's last moments is not the end's: passed over, the end screen comes.
    page.wait_for_function(END_SHOWN, timeout=5000)
    assert page.evaluate("document.querySelector('video.gp-video').paused")
    assert page.locator(".gp-end .gp-again").is_visible()
    leave(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.timeout(180)
def test_end_key_stops_at_an_unanswered_mandatory_question(live_server, browser, published):
    ctx, page, errors = _page(browser, live_server, published, "end-key-gate")
    page.focus(".gp-play")
    page.keyboard.press("End")
    page.wait_for_timeout(800)
    assert page.evaluate(END_SHOWN) is False
    assert page.evaluate("document.querySelector('video.gp-video').currentTime") <= 5.1  # held at q1 (5 s)
    leave(page)
    ctx.close()
    assert not errors, errors
