"""First-user walk 24a, the footage processing page: once the run is over, the red « Annuler le
traitement » is gone, even when the run ended between drawing the page and its first poll."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES
from tests import factories
from tests.baseline import ensure_baseline
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_cancel_button_goes_when_the_run_ends_before_the_first_poll(live_server, browser):
    ensure_baseline()
    designer = factories.designer(username="concepteur-walk24")
    footage = factories.FootageFactory(title="Joint", duration=8.0, status=Footage.Status.PROCESSING)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    for spec in STAGES:
        StageRun.objects.create(run=run, name=spec.name, status=StageRun.Status.RUNNING, progress=50)
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    login(page, live_server.url, designer.username)
    status_url = reverse("geste_footage_status", args=[footage.pk])

    def finish_then_answer(route):
        # The run ends after the page was drawn (cancel shown) and before the script's first poll.
        StageRun.objects.filter(run=run).update(status=StageRun.Status.SUCCEEDED, progress=100)
        PipelineRun.objects.filter(pk=run.pk).update(status=PipelineRun.Status.SUCCEEDED)
        route.continue_()

    page.route(f"**{status_url}", finish_then_answer)
    page.goto(live_server.url + reverse("geste_footage_detail", args=[footage.pk]))
    expect(page.locator(f'tr[data-stage="{STAGES[-1].name}"] [data-field="status"]')).to_have_text("Terminé")
    expect(page.get_by_role("button", name="Annuler le traitement")).to_have_count(0)
    expect(page.get_by_role("button", name="Relancer le traitement")).to_be_visible()
    ctx.close()
