"""A designer's processing page read « En cours 100 % » on a stage while the next stage started: the stage's
work was computed (its bar full) but its files were still being stored. A running stage whose bar is full
now reads « Finalisation », with what it is doing, in the status JSON the page polls and in the page the
server draws; a stage still computing keeps « En cours », and a finished one « Terminé »."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.workflow import STAGES
from tests import factories

pytestmark = pytest.mark.django_db


def _footage_mid_run():
    footage = factories.FootageFactory(duration=8.0, status=Footage.Status.PROCESSING)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    now = timezone.now()
    names = [s.name for s in STAGES]
    for name in names:
        StageRun.objects.create(run=run, name=name, status=StageRun.Status.PENDING, progress=0)
    # ingest done; audio's bar full but its files still being stored; transcode just started
    StageRun.objects.filter(run=run, name="ingest").update(status=StageRun.Status.SUCCEEDED, progress=100)
    StageRun.objects.filter(run=run, name="audio").update(status=StageRun.Status.RUNNING, progress=99.96,
                                                          heartbeat_at=now, worker="w1")
    StageRun.objects.filter(run=run, name="transcode").update(status=StageRun.Status.RUNNING, progress=4,
                                                              heartbeat_at=now, worker="w2")
    return footage


def test_a_full_running_stage_does_not_read_en_cours_100(client):
    footage = _footage_mid_run()
    client.force_login(factories.designer(username="concepteur-p25"))
    rows = {r["name"]: r for r in client.get(reverse("geste_footage_status", args=[footage.pk])).json()["stages"]}
    assert rows["ingest"]["status_label"] == "Terminé"
    assert rows["transcode"]["status_label"] == "En cours" and rows["transcode"]["progress"] == 4
    full = rows["audio"]
    assert full["status"] == "running"  # still running for every other rule (cancel, retry)
    assert full["progress"] == 100
    assert full["status_label"] == "Finalisation"
    assert full["note"] == "Enregistrement des résultats…"
    html = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    row = html.split('<tr data-stage="audio">')[1].split("</tr>")[0]
    assert "Finalisation" in row and "En cours" not in row and "100\xa0%" in row  # the percent filter: a no-break space


def test_the_finishing_label_in_english(client):
    footage = _footage_mid_run()
    user = factories.designer(username="designer-p25")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    rows = {r["name"]: r for r in client.get(reverse("geste_footage_status", args=[footage.pk])).json()["stages"]}
    assert rows["audio"]["status_label"] == "Finishing"
    assert rows["audio"]["note"] == "Saving the results…"
