"""Walk 48, the learner's player keyboard only: End (« Aller à la fin de la capsule » in the shortcuts' list) left the
video paused on its last picture, the end screen (score, « Revoir la capsule », the way back to the block) out of
sight until Play was pressed. End now shows it, unless a mandatory question not yet answered stops the learner first."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser import test_player as base
from tests.browser.test_player import leave, log_in, open_capsule

built_player = base.built_player
capsule_media = base.capsule_media
published = base.published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

END_SHOWN = "!document.querySelector('.gp-end').hidden"


def _player(browser, live_server, published, name):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    log_in(ctx, live_server, factories.learner(username=name))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{published['page'].url}")
    page.wait_for_function("document.querySelector('video.gp-video').readyState >= 1", timeout=15000)
    return ctx, page, errors


@pytest.mark.timeout(180)
def test_end_key_shows_the_end_screen(live_server, browser, published):
    published["q1"].delete()  # the mandatory question; q2 (at 10 s, optional) stays before the end
    ctx, page, errors = _player(browser, live_server, published, "end-key")
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
    ctx, page, errors = _player(browser, live_server, published, "end-key-gate")
    page.focus(".gp-play")
    page.keyboard.press("End")
    page.wait_for_timeout(800)
    assert page.evaluate(END_SHOWN) is False
    assert page.evaluate("document.querySelector('video.gp-video').currentTime") <= 5.1  # held at q1 (5 s)
    leave(page)
    ctx.close()
    assert not errors, errors
