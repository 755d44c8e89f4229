"""Walk 48: on a phone held sideways (740x360) the picture of a « Zone à cliquer » question was about 480 px high:
the learner never saw it whole. It now fits the screen's height, and a tap still lands where it was made."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser import test_player_interactions as quiz
from tests.browser.shots import shot
from tests.browser.test_player import leave, log_in, open_capsule

built_player = quiz.built_player
capsule_media = quiz.capsule_media
quiz_capsule = quiz.quiz_capsule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(240)
def test_sideways_the_picture_to_point_at_fits_the_screen(live_server, browser, quiz_capsule):
    quiz_capsule["ordering"].delete()
    hotspot = quiz_capsule["hotspot"]
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 740, "height": 360}, has_touch=True, is_mobile=True)
    log_in(ctx, live_server, factories.learner(username="sideways-hotspot"))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_capsule(page, f"{live_server.url}{quiz_capsule['page'].url}")
    page.tap(".gp-play")
    page.wait_for_selector(f"[data-asking='{hotspot.pk}']", timeout=20000)
    page.wait_for_function("document.querySelector('.gq-hotspot img').complete")
    img = page.locator(".gq-hotspot img")
    img.scroll_into_view_if_needed()
    box = img.bounding_box()
    assert box["height"] <= 360 - 80, box  # whole on the screen with room left (was ~480 px)
    assert box["width"] >= 200, box  # still large enough to point at
    frame = page.locator(".gq-hotspot").bounding_box()
    assert abs(frame["width"] - box["width"]) <= 1 and abs(frame["height"] - box["height"]) <= 1, (frame, box)
    shot(page, "sideways48-hotspot", full_page=False)
    page.tap(".gq-hotspot img", position={"x": 0.7 * box["width"], "y": 0.7 * box["height"]})
    marker = page.locator(".gq-marker").bounding_box()
    assert marker["x"] + marker["width"] / 2 == pytest.approx(box["x"] + 0.7 * box["width"], abs=3)
    assert marker["y"] + marker["height"] / 2 == pytest.approx(box["y"] + 0.7 * box["height"], abs=3)
    leave(page)
    ctx.close()
    assert not errors, errors
