"""Session 47: with the service worker in control of the capsule page from its load (a learner who downloaded a
capsule, or read the practice page, earlier), the position saved as a link takes the learner away while the video
plays (a keepalive POST sent from « pagehide », which the worker lets through) reaches the server: back on the
capsule, it resumes there. Written while trying to register the worker on every learner page (walk 49), where the
same journey lost the position when the worker took control during the visit; that change was not kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.models import Interaction, Progress
from tests import factories
from tests.browser.test_learner_walk24b import _wait
from tests.browser.test_player import (  # noqa: F401 - fixtures
    built_player,
    capsule_media,
    leave,
    log_in,
    open_capsule,
    published,
    video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(240)
def test_leaving_by_a_link_keeps_the_resume_point_under_the_worker(live_server, context, published):  # noqa: F811
    capsule = published["capsule"]
    Interaction.objects.filter(capsule=capsule).delete()  # nothing pauses the video
    user = factories.learner(username="sw-leave-link")
    log_in(context, live_server, user)
    url = f"{live_server.url}{published['page'].url}"
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/")
    page.evaluate("u => navigator.serviceWorker.register(u, {scope: '/'}).then(() => navigator.serviceWorker.ready)"
                  ".then(() => true)", reverse("learner-sw"))
    open_capsule(page, url)
    assert page.evaluate("!!navigator.serviceWorker.controller")
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('video.gp-video').currentTime > 3.5", timeout=15000)
    page.goto(f"{live_server.url}/")
    row = lambda: Progress.objects.filter(user=user, capsule=capsule).first()  # noqa: E731
    assert _wait(page, lambda: row() is not None and row().position > 3.0), row() and row().position
    open_capsule(page, url)
    page.wait_for_timeout(500)
    assert video(page, "v.currentTime") > 3.0, video(page, "v.currentTime")
    leave(page)
    assert not errors, errors
