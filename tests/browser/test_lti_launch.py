"""LTI 1.3 in Chromium, as a course of an LMS shows it: Geste framed in the platform's course page.

The platform is ``lti1p3platform`` served by ``tests/lti_platform.py`` (another origin of the same
site). The teacher picks the capsule in Geste's catalogue inside the frame (the signed answer goes back
through pylti1p3's auto-submitted form, allowed by its script hash and the platform's form-action
origin); then a learner's launch goes through Geste's cookie check page, the OIDC login and the
id_token, lands on the capsule in the frame, plays it, answers, completes it — and the grade
arrives at the platform's line item through a real Celery worker. The site's CSP is enforced
(``bypass_csp=False``): framing by the platform works because Geste allows that origin.
"""

from __future__ import annotations

import os

import pytest

from capsules.models import LtiGradeLink, Progress
from tests import factories  # noqa: F401  (factories register their groups)
from tests.browser.learner_capsule import build_media, publish_capsule
from tests.browser.test_player import built_player  # noqa: F401  (fixture)
from tests.conftest import wait_for
from tests.lti_platform import INSTRUCTOR, LEARNER, Platform, registration_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("GESTE_SCREENSHOTS")  # a folder: keep screenshots for a human look


@pytest.fixture(scope="module")
def lti_media(tmp_path_factory):
    return build_media(tmp_path_factory.mktemp("lti-media"))


@pytest.fixture
def platform(live_server):
    p = Platform(host="127.0.0.1").start()
    p.url = p.url.replace("127.0.0.1", "localhost")
    p.connect_tool(live_server.url)
    yield p
    p.stop()


@pytest.mark.timeout(300)
def test_capsule_launched_from_the_lms_is_played_and_graded(live_server, browser, platform, lti_media, storage_root,
                                                            built_player, worker_factory):  # noqa: F811
    published = publish_capsule(lti_media, storage_root)
    capsule, q1, q2 = published["capsule"], published["q1"], published["q2"]
    registration_for(platform)
    platform.add_person("t-1", "Claire", "Formatrice", [INSTRUCTOR])
    platform.add_person("s-1", "Alice", "Martin", [LEARNER])
    worker_factory(queues="lti", concurrency=1, name="ltiworker")
    errors: list[str] = []

    # The teacher adds the capsule from the catalogue shown in the course's frame.
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=False)
    page = ctx.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{platform.url}/course/dl/t-1")
    tool = page.frame_locator("#tool")
    tool.locator("h1", has_text="Ajouter des contenus Geste").wait_for(timeout=30000)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/lti-deep-link.png")
    tool.locator("label.lti-choice", has_text=capsule.title).locator("input").check()
    tool.locator("button", has_text="Ajouter au cours").click()
    tool.locator("#placed li").wait_for(timeout=15000)
    assert tool.locator("#placed li").inner_text() == capsule.title
    [link_id] = platform.state.links
    ctx.close()

    # The learner opens the activity: Geste plays in the course's frame.
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=False)
    page = ctx.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{platform.url}/course/rl:{link_id}/s-1")
    tool = page.frame_locator("#tool")
    tool.locator("[data-geste-player][data-ready='1']").wait_for(timeout=30000)
    assert page.frames[1].url == f"{live_server.url}{published['page'].url}"
    assert tool.locator(".who").inner_text() == "Alice"  # signed in as the LMS identity, no password typed

    tool.locator(".gp-play").click()
    tool.locator(f"[data-asking='{q1.pk}']").wait_for(timeout=20000)
    tool.locator(".gp-question label.gq-choice", has_text="Couper l'arrivée d'eau").locator("input").check()
    tool.locator(".gq-submit").click()
    tool.locator(".gq-right").wait_for(timeout=10000)
    tool.locator(".gq-continue").click()
    tool.locator(f"[data-asking='{q2.pk}']").wait_for(timeout=20000)
    tool.locator(".gp-question input[value='true']").check()
    tool.locator(".gq-submit").click()
    tool.locator(".gq-right").wait_for(timeout=10000)
    tool.locator(".gq-continue").click()
    tool.locator("[data-geste-player][data-completed='1']").wait_for(timeout=30000)
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/lti-capsule-in-course.png")

    score = wait_for(lambda: platform.scores_for("s-1"), timeout=60, message="grade at the platform")[-1]
    assert (score["scoreGiven"], score["scoreMaximum"], score["activityProgress"]) == (100.0, 100.0, "Completed")
    link = LtiGradeLink.objects.get(capsule=capsule)
    assert link.status == "sent" and Progress.objects.get(user=link.user, capsule=capsule).completed
    page.goto("about:blank")
    ctx.close()
    assert not errors, errors
