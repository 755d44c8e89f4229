"""First-user walk 24a: « Transcription du commentaire » sat at « En cours 0 % » with no word for 30 s on an
8-s clip (the Whisper model loading, then one window decoded). The stage now says what it does
(« Chargement du modèle de transcription… », then « Transcription… »), in the reader's language, and its
bar moves once the model is loaded. Real Whisper, real ffmpeg, real PostgreSQL."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.users.models import UserProfile

from capsules.models import PipelineRun, StageRun
from capsules.pipeline.ingest import ingest_file
from capsules.pipeline.runner import run_stage
from capsules.pipeline.workflow import ProgressWriter
from media_pipeline.transcribe import PHASE_LOADING, PHASE_TRANSCRIBING, TranscribeSettings, transcribe
from tests import factories
from tests.mediagen import espeak_wav, make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory):
    d = tmp_path_factory.mktemp("w24")
    wav = espeak_wav("Il est bien, il est bien.", d / "bien.wav")
    return make_clip(d / "bien.mp4", duration=8, size="320x240", audio=wav)


def test_transcribe_names_its_phases_and_moves_its_bar_on_a_short_clip(whisper_base_dir, short_clip):
    events: list[tuple[str, object]] = []
    transcribe(
        short_clip,
        TranscribeSettings(model_dir=whisper_base_dir),
        progress=lambda p: events.append(("progress", p)),
        phase=lambda m: events.append(("phase", m)),
    )
    phases = [v for k, v in events if k == "phase"]
    assert phases == [PHASE_LOADING, PHASE_TRANSCRIBING]
    percents = [v for k, v in events if k == "progress"]
    assert percents[0] == 0.0 and percents[-1] == 100.0 and percents == sorted(percents)
    # The loading is said before any progress, and the bar moves off 0 % before the end.
    assert events.index(("phase", PHASE_LOADING)) < events.index(("progress", percents[1]))
    assert any(0.0 < p < 100.0 for p in percents), percents


def test_the_transcribe_stage_stores_its_phases(storage_root, whisper_base_dir, short_clip, settings):
    settings.GESTE_WHISPER_MODEL_DIR = str(whisper_base_dir)
    footage = ingest_file(short_clip, original_name="bien.mp4", skills_block=factories.SkillsBlockFactory())
    run = footage.latest_run
    ids = {s.name: s.pk for s in run.stages.all()}
    assert run_stage(None, ids["ingest"]) == "done" and run_stage(None, ids["audio"]) == "done"
    written: list[str] = []

    def watch(execute, sql, params, many, context):
        if sql.startswith('UPDATE "capsules_stagerun" SET "phase"'):
            written.append(params[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert run_stage(None, ids["transcribe"]) == "done"
    assert written == [PHASE_LOADING, PHASE_TRANSCRIBING]
    stage = StageRun.objects.get(pk=ids["transcribe"])
    assert stage.status == StageRun.Status.SUCCEEDED


def test_the_running_stage_s_phase_is_shown_in_the_reader_s_language(client):
    footage = factories.FootageFactory(duration=8.0)
    run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING)
    stage = StageRun.objects.create(run=run, name="transcribe", status=StageRun.Status.RUNNING)
    ProgressWriter(stage).phase(PHASE_LOADING)
    user = factories.designer(username="w24-phase")
    client.force_login(user)
    url = reverse("geste_footage_status", args=[footage.pk])
    row = next(r for r in client.get(url).json()["stages"] if r["name"] == "transcribe")
    assert row["note"] == "Chargement du modèle de transcription…" and row["error"] == ""
    page = client.get(reverse("geste_footage_detail", args=[footage.pk])).content.decode()
    assert re.search(r'data-field="note"[^>]*>Chargement du modèle de transcription…<', page)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    row = next(r for r in client.get(url).json()["stages"] if r["name"] == "transcribe")
    assert row["note"] == "Loading the transcription model…"
    # Once the stage is over the phase is no longer said.
    StageRun.objects.filter(pk=stage.pk).update(status=StageRun.Status.SUCCEEDED, progress=100)
    row = next(r for r in client.get(url).json()["stages"] if r["name"] == "transcribe")
    assert row["note"] == ""
