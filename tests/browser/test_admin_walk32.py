"""First users after walk 31, the footage page's processing table: the page writes a stage's percentage
« 42 % » with a no-break space in French (the ``percent`` filter: never « 42 » and « % » on two lines), but
its live update, polled every 1.5 s during a run, wrote « 57 % » with an ordinary space. Both now write the
same: « 57\u00a0% » in French, « 57% » in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CELL = "tr[data-stage='transcode'] [data-field='progress']"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("lang", "drawn", "polled"), [("fr", "42\u00a0%", "57\u00a0%"), ("en", "42%", "57%")])
def test_the_live_percentage_is_written_as_the_page_writes_it(live_server, browser, lang, drawn, polled):
    ensure_baseline()
    designer = factories.designer(username=f"conceptrice-pourcent-{lang}")
    if lang == "en":
        profile = UserProfile.get_for_user(designer)
        profile.preferred_language = "en"
        profile.save()
    footage = factories.FootageFactory(duration=30.0, status=Footage.Status.PROCESSING, title="Joint de robinet")
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    for spec in STAGES:
        StageRun.objects.create(
            run=run,
            name=spec.name,
            progress=42 if spec.name == "transcode" else 0,
            status=StageRun.Status.RUNNING if spec.name == "transcode" else StageRun.Status.PENDING,
        )
    ctx = browser.new_context(locale="en-GB" if lang == "en" else "fr-FR", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    login(page, live_server.url, designer.username)
    page.goto(f"{live_server.url}/admin/geste/footage/{footage.pk}/")
    expect(page.locator(CELL)).to_be_visible()
    assert page.evaluate(f'document.querySelector("{CELL}").textContent') in (drawn, drawn.replace("\u00a0", " "))
    StageRun.objects.filter(run=run, name="transcode").update(progress=57)
    page.wait_for_function(f"document.querySelector(\"{CELL}\").textContent.startsWith('57')", timeout=10000)
    assert page.evaluate(f'document.querySelector("{CELL}").textContent') == polled
    ctx.close()
