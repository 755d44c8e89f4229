"""First-user walk (ux33), the player on a 360x740 phone: after a self-assessed question (the expected answer, the
rating and « Valider » brought into view, so the page scrolled down), « Continuer » played the video on with the page
left scrolled down: about 100 px of the video seen (scrollY 225, the video's top at -83 px). When a question closes
and the video plays on (« Continuer », « Revoir l'étape »), a video whose top is above the screen is brought back
into view (a smooth scroll, instant when the learner asked for reduced motion)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.test_player import (  # noqa: F401  (fixtures)
    built_player,
    capsule_media,
    leave,
    log_in,
    published,
    video,
)
from tests.browser.test_player_recall_reveal33 import _recall, _reveal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIDEO_BOX = "(() => { const r = document.querySelector('[data-geste-player] video').getBoundingClientRect();" \
            " return {top: r.top, bottom: r.bottom, scrollY}; })()"


@pytest.mark.timeout(240)
@pytest.mark.parametrize(("motion", "way"), [("no-preference", "continue"), ("reduce", "continue"),
                                             ("no-preference", "replay")])
def test_the_video_comes_back_into_view_when_it_plays_on_after_a_question_on_a_phone(
        live_server, phone_context, published, motion, way):  # noqa: F811
    recall = _recall(published)
    log_in(phone_context, live_server, factories.learner())
    page = phone_context.new_page()
    page.emulate_media(reduced_motion=motion)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _reveal(page, live_server, published, recall, tap=True)
    page.wait_for_timeout(900)  # the reveal's scroll has ended
    page.get_by_text("Je savais", exact=True).tap()
    page.locator(".gq-submit").tap()
    page.wait_for_selector(".gq-feedback .gq-self")
    before = page.evaluate(VIDEO_BOX)
    assert before["top"] < 0, before  # the walk's case: the page scrolled down, the video's top above the screen
    if way == "replay":  # « Revoir l'étape » (a wrong choice's button): the same way on, from the question's card
        page.evaluate("() => { const p = document.querySelector('[data-geste-player]').gestePlayer;"
                      " p.replayStep(p.active); }")
    else:
        page.locator(".gq-feedback .gq-continue").first.tap()
    page.wait_for_selector("[data-geste-player]:not([data-asking])")
    page.wait_for_timeout(100 if motion == "reduce" else 900)
    after = page.evaluate(VIDEO_BOX)
    assert after["top"] >= -1, after
    assert after["bottom"] <= 740 + 1, after
    leave(page)
    assert not errors, errors
