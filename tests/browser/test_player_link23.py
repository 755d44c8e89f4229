"""A first user's walk (link 23), in Chromium: a capsule opened at a linked time (#t=, « Aller à la
question » on the skills block page) after the learner had watched its first step on an earlier visit.

The end panel said « Il reste à regarder l'étape 1 » (or « le passage de 0:00 à 0:00 ») besides the
step the link had skipped: the instant before a question at the capsule's start paused the video is
never in a watched range, and once the link left something to watch that tiny gap came first in the
list. The server's rule merges ranges that close (GAP_TOLERANCE); the panel ignores such gaps too.
"""

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

RIGHT = "Couper l'arrivée d'eau"


def _covers(ranges, a: float, b: float) -> bool:
    return any(x <= a + 0.3 and y >= b - 0.3 for x, y in ranges)


@pytest.mark.timeout(240)
def test_a_linked_open_leaves_only_the_skipped_step_to_watch(live_server, context, published):  # noqa: F811
    capsule, q1, q2, steps = published["capsule"], published["q1"], published["q2"], published["steps"]
    # The walk's capsule: a question at 0:00, a mandatory one in step 2 (0:05), step 2 left midway.
    Interaction.objects.filter(pk=q2.pk).update(time=0.0, step=steps[0])
    user = factories.learner(username="link23")
    log_in(context, live_server, user)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    url = f"{live_server.url}{published['page'].url}"
    open_capsule(page, url)
    page.click(".gp-play")
    page.wait_for_selector(f"[data-asking='{q2.pk}']", timeout=5000)
    page.check(".gp-question input[value='true']")
    page.click(".gq-submit")
    page.click(".gq-continue")
    page.wait_for_selector(f"[data-asking='{q1.pk}']", timeout=15000)
    page.locator(".gq-choice", has_text=RIGHT).locator("input").check()
    page.click(".gq-submit")
    page.wait_for_selector(".gq-right")
    page.click(".gq-feedback .gq-continue")
    # Played on into step 2, paused (the progress is saved), then away to another page.
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 6.3", timeout=10000)
    with page.expect_response(lambda r: r.url.endswith("/progress") and r.request.method == "POST"):
        page.click(".gp-play")
    leave(page)
    watched = Progress.objects.get(user=user, capsule=capsule).watched
    assert _covers(watched, 0.5, 6.0), watched
    # « Aller à la question » on the block page: a link later in step 2, played to the end.
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}#t=7.9")
    page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=15000)
    page.wait_for_function("document.querySelector('[data-geste-player]').dataset.linked != null", timeout=10000)
    page.wait_for_function("!document.querySelector('video.gp-video').seeking", timeout=5000)
    assert abs(video(page, "v.currentTime") - 7.9) < 0.1
    page.click(".gp-play")
    end = page.locator(".gp-end:not([hidden])")
    end.wait_for(timeout=15000)
    assert end.locator("h2").inner_text() == "Capsule pas encore terminée"
    # Only step 2's unwatched part is left: step 1 was watched on the first visit.
    left = [p.inner_text() for p in end.locator(".gp-end-left").all()]
    assert len(left) == 1 and "l'étape 2" in left[0], (left, watched)
    assert end.locator(".gp-end-go").get_attribute("data-seek").startswith("6.")
    leave(page)
    assert not errors, errors
