"""A cmi5 launch in Chromium on a phone (360 px): the LMS opens the AU URL, the learner lands on the
capsule signed in, sees "Terminer et revenir à la formation" without horizontal scrolling, and the
button takes them back to the LMS's returnURL with the session terminated. The LMS is the local one
of ``tests/capsules/test_interop_cmi5_launch.py`` (one-time fetch, LMS.LaunchData); nothing is sent
to an LRS here (the statements are checked end to end in that module)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from capsules.models import Cmi5Session
from tests import factories, pages
from tests.browser.shots import shot
from tests.capsules.test_interop_cmi5_launch import LocalLms, launch_query
from tests.conftest import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(120)
def test_cmi5_learner_ends_the_session_from_the_capsule_page(live_server, phone_context, settings, monkeypatch):
    from capsules.interop import cmi5_runtime

    ends = []  # every request that asked to end the session (the button's form, the pagehide beacon)
    terminate = cmi5_runtime.terminate
    monkeypatch.setattr(cmi5_runtime, "terminate", lambda session: ends.append(terminate(session)) or ends[-1])
    lms = LocalLms("http://127.0.0.1:9/xAPI")
    settings.GESTE_CMI5_LMS_ORIGINS = [lms.origin]
    try:
        capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Changer un joint")
        pages.capsule_page(capsule)
        query = launch_query(lms, str(uuid.uuid4()))
        page = phone_context.new_page()
        page.goto(f"{live_server.url}{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}")
        page.get_by_role("heading", name="Changer un joint").first.wait_for(timeout=20000)
        assert page.locator(".who").inner_text() == "Ana Lopes"  # not the opaque account name
        button = page.get_by_role("button", name="Terminer et revenir à la formation")
        button.scroll_into_view_if_needed()
        assert button.is_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 44
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot(page, "cmi5-capsule-360")
        button.click()
        page.wait_for_url(f"{lms.origin}/cours/42", timeout=20000)
        assert page.locator("h1").inner_text() == "Cours 42"
        session = Cmi5Session.objects.get()
        assert session.terminated_at is not None
        # Leaving the page also sent the closing beacon (pagehide): the session still ends once.
        wait_for(lambda: len(ends) == 2, timeout=10, interval=0.1, message="closing beacon answered")
        assert list(session.statements.order_by("pk").values_list("verb", flat=True)) == ["initialized", "terminated"]
        assert sorted(ends) == [False, True]  # two asked, one ended it
        assert len(lms.fetch_calls) == 1
    finally:
        lms.stop()


@pytest.mark.timeout(120)
def test_closing_the_window_terminates_the_cmi5_session(live_server, phone_context, settings):
    """A first user closed the window without pressing "Terminer": the LMS never got ``terminated``.
    The page now sends a beacon on ``pagehide`` and the server records ``terminated`` through the outbox."""
    lms = LocalLms("http://127.0.0.1:9/xAPI")
    settings.GESTE_CMI5_LMS_ORIGINS = [lms.origin]
    try:
        capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Changer un joint")
        pages.capsule_page(capsule)
        page = phone_context.new_page()
        query = launch_query(lms, str(uuid.uuid4()))
        page.goto(f"{live_server.url}{reverse('interop-cmi5-launch', args=[capsule.pk])}?{urlencode(query)}")
        page.wait_for_selector("[data-geste-player][data-ready='1']", timeout=20000)
        session = Cmi5Session.objects.get()
        assert session.terminated_at is None
        page.close(run_before_unload=True)  # the learner closes the tab
        wait_for(lambda: Cmi5Session.objects.filter(pk=session.pk, terminated_at__isnull=False).exists(),
                 timeout=15, interval=0.1, message="terminated recorded after the window closed")
        assert list(session.statements.order_by("pk").values_list("verb", flat=True)) == ["initialized", "terminated"]
    finally:
        lms.stop()
