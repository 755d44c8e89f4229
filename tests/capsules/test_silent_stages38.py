"""Walk 38: a silent clip's audio stages (extraction, transcription, English captions) read « En attente » for a
moment, then « Sans objet ». The probe already knows there is no audio track (the upload probes the file before
the run starts, the ingest stage probes it again): they are « Sans objet » from the start, in the status JSON
the page polls and in the page the server draws, and no worker is ever sent to them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline import workflow
from capsules.pipeline.ingest import ingest_file
from capsules.pipeline.runner import run_stage
from capsules.pipeline.workflow import AUDIO_ONLY, start_run
from tests import factories
from tests.mediagen import make_clip

SILENT = ("audio", "transcribe", "translate")


@pytest.fixture
def silent_clip(tmp_path):
    # ffmpeg lavfi testsrc2, no audio stream at all (make_clip with audio=None: no -i for sound).
    return make_clip(tmp_path / "muet.mp4", duration=3, size="320x180", fps=10, audio=None)


@pytest.fixture
def no_broker(monkeypatch):
    """The run is looked at before any worker: nothing is sent to Redis."""
    sent = []
    monkeypatch.setattr(workflow, "_enqueue", lambda stage: sent.append(stage.name) or False)
    return sent


def _rows(client, footage):
    return {r["name"]: r for r in client.get(reverse("geste_footage_status", args=[footage.pk])).json()["stages"]}


def _row_html(client, footage, name):
    html = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    return html.split(f'<tr data-stage="{name}">')[1].split("</tr>")[0]


def test_audio_only_stages():
    assert AUDIO_ONLY == SILENT  # segment reads the motion too: it still runs


@pytest.mark.django_db
def test_a_silent_upload_shows_its_audio_stages_sans_objet_from_the_start(client, storage_root, silent_clip):
    footage = ingest_file(silent_clip, original_name="muet.mp4", skills_block=factories.SkillsBlockFactory())
    assert footage.probe["has_audio"] is False and "no_audio" in footage.flags
    # The run has just started: no worker has taken any stage yet (on_commit never runs in this test's transaction).
    run = footage.latest_run
    assert StageRun.objects.get(run=run, name="ingest").status == StageRun.Status.PENDING
    client.force_login(factories.designer(username="concepteur-w38"))
    rows = _rows(client, footage)
    for name in SILENT:
        assert rows[name]["status"] == "skipped", (name, rows[name])
        assert rows[name]["status_label"] == "Sans objet"
        assert "piste audio" in rows[name]["note"] and not rows[name]["error"]
        assert not rows[name]["retryable"]
        row = _row_html(client, footage, name)
        assert "Sans objet" in row and "En attente" not in row, row
    assert rows["segment"]["status_label"] == "En attente"  # it runs on the motion alone
    assert rows["motion"]["status_label"] == "En attente"


@pytest.mark.django_db
def test_a_clip_with_sound_keeps_its_audio_stages_waiting(client, storage_root, tmp_path):
    clip = make_clip(tmp_path / "son.mp4", duration=3, size="320x180", fps=10, audio="sine")
    footage = ingest_file(clip, original_name="son.mp4")
    client.force_login(factories.designer(username="concepteur-w38b"))
    rows = _rows(client, footage)
    assert all(rows[name]["status_label"] == "En attente" for name in SILENT), rows


@pytest.mark.django_db(transaction=True)
def test_the_ingest_stage_probe_skips_them_too(client, storage_root, silent_clip, no_broker, settings, tmp_path):
    """A footage whose probe was not kept at the upload (an older one, a reprocessing): the ingest stage's probe
    decides, as soon as it is applied, before any audio stage is queued."""
    settings.GESTE_WORK_DIR = str(tmp_path / "work")
    footage = ingest_file(silent_clip, original_name="muet.mp4", start=False)
    Footage.objects.filter(pk=footage.pk).update(probe={}, flags=[])
    footage.refresh_from_db()
    run = start_run(footage)
    # The probe said nothing yet: waiting, the ingest stage queued (sent to no broker here).
    assert all(s.status == StageRun.Status.PENDING for s in run.stages.filter(name__in=SILENT))
    ingest = StageRun.objects.get(run=run, name="ingest")
    assert run_stage(None, ingest.pk) == "done"
    stages = {s.name: s for s in StageRun.objects.filter(run=run)}
    for name in SILENT:
        assert stages[name].status == StageRun.Status.SKIPPED, name
        assert stages[name].executions == 0 and stages[name].progress == 100
    assert "audio" not in no_broker and "transcribe" not in no_broker
    assert {"transcode", "motion"} <= set(no_broker)
    client.force_login(factories.designer(username="concepteur-w38c"))
    assert _rows(client, footage)["transcribe"]["status_label"] == "Sans objet"
    assert PipelineRun.objects.get(pk=run.pk).status == PipelineRun.Status.RUNNING
