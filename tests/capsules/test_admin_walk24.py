"""First-user walk 24a, the footage processing page drawn by the server."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES
from tests import factories

pytestmark = pytest.mark.django_db


def _page(client, footage):
    client.force_login(factories.designer(username="concepteur-w24"))
    return client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()


@pytest.mark.parametrize(
    ("run_status", "stage_status", "cancel"),
    [
        (PipelineRun.Status.RUNNING, StageRun.Status.RUNNING, True),
        # every stage « Terminé 100 % » while the run is not yet closed: nothing left to cancel
        (PipelineRun.Status.RUNNING, StageRun.Status.SUCCEEDED, False),
        (PipelineRun.Status.SUCCEEDED, StageRun.Status.SUCCEEDED, False),
        (PipelineRun.Status.FAILED, StageRun.Status.FAILED, False),
        (PipelineRun.Status.CANCELLED, StageRun.Status.CANCELLED, False),
    ],
)
def test_cancel_button_only_while_something_is_left_to_do(client, run_status, stage_status, cancel):
    footage = factories.FootageFactory(duration=8.0, status=Footage.Status.PROCESSING)
    run = PipelineRun.objects.create(footage=footage, status=run_status)
    for spec in STAGES:
        StageRun.objects.create(run=run, name=spec.name, status=stage_status, progress=100)
    html = _page(client, footage)
    assert ("Annuler le traitement" in html) is cancel
    assert ("Relancer le traitement" in html) is not cancel
    status = client.get(reverse("geste_footage_status", args=[footage.pk])).json()
    assert status["run"]["cancellable"] is cancel
