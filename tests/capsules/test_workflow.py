"""The processing workflow through real Celery worker processes on the Redis broker.

These are the tests that prove the pipeline is resumable: a worker SIGKILLed in the middle
of a transcode is replaced, the run completes, and no finished stage runs twice.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.ingest import ingest_file
from capsules.pipeline.workflow import STAGES, downstream
from tests import factories
from tests.conftest import wait_for
from tests.mediagen import make_clip, real_french_speech

pytestmark = [pytest.mark.worker]


def stages_of(run) -> dict[str, StageRun]:
    return {s.name: s for s in StageRun.objects.filter(run=run)}


def wait_run(run, timeout=300) -> PipelineRun:
    def done():
        run.refresh_from_db()
        return run.status in {PipelineRun.Status.SUCCEEDED, PipelineRun.Status.FAILED, PipelineRun.Status.CANCELLED}
    try:
        wait_for(done, timeout=timeout, message=f"run {run.pk} to finish")
    except AssertionError:
        states = {n: (s.status, s.progress, s.error_message) for n, s in stages_of(run).items()}
        raise AssertionError(f"run {run.pk} did not finish: {states}")
    return run


def test_downstream_order():
    assert downstream("audio") == ["audio", "transcribe", "translate", "segment", "draft_quizzes"]
    assert [s.name for s in STAGES][0] == "ingest"


@pytest.fixture(scope="module")
def narrated_clip(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("wf")
    # Real French speech (Debian's asterisk-core-sounds-fr): espeak-ng is too robotic for Whisper base.
    wav, _text = real_french_speech(["all-circuits-busy-now", "agent-newlocation"], d / "n.wav")
    return make_clip(d / "narrated.mp4", duration=12, size="640x360", audio=wav)


def test_full_run_on_a_real_worker(worker_factory, narrated_clip):
    worker_factory()
    block = factories.SkillsBlockFactory()
    footage = ingest_file(narrated_clip, original_name="Mon film; rm -rf.mp4", skills_block=block)
    run = wait_run(footage.latest_run)
    stages = stages_of(run)
    assert run.status == PipelineRun.Status.SUCCEEDED, {n: (s.status, s.error_message) for n, s in stages.items()}
    for name in ("ingest", "transcode", "audio", "transcribe", "translate", "motion", "segment"):
        assert stages[name].status == StageRun.Status.SUCCEEDED, (name, stages[name].error_message)
        assert stages[name].executions == 1 and stages[name].progress == 100
    footage.refresh_from_db()
    assert footage.original.name.endswith(".mp4") and ";" not in footage.original.name
    assert footage.renditions["master_playlist"].endswith("master.m3u8")
    assert footage.transcripts.get(task="transcribe").segments, "French narration should be transcribed"
    assert footage.motion_curve["values"]
    assert "hands_seen_working" in footage.motion_curve["handwork"]  # the review screen's warning reads it
    assert footage.steps.exists()
    # Each step's keyframe carries the zone where motion happens (the hotspot drafts' proposal).
    assert any(s.keyframe_region and len(s.keyframe_region) == 4 for s in footage.steps.all())
    # Both caption tracks, whichever of transcribe and translate finished last (they run in parallel).
    assert set(footage.renditions["captions"]) == {"fr", "en"}
    assert footage.renditions["captions"]["en"].endswith("/captions.en.vtt")
    assert footage.transcripts.get(task="translate").language == "en"
    assert_english(footage.renditions["captions"]["en"])

    # A second run of the same footage reuses every stored output: nothing executes again.
    from capsules.pipeline.workflow import start_run

    again = wait_run(start_run(footage))
    assert again.status == PipelineRun.Status.SUCCEEDED
    assert all(s.executions == 0 for s in StageRun.objects.filter(run=again, status=StageRun.Status.SUCCEEDED))
    reused = StageRun.objects.get(run=again, name="translate")
    assert reused.status == StageRun.Status.SUCCEEDED and reused.executions == 0
    assert reused.input_key == stages["translate"].input_key
    assert StageRun.objects.get(pk=stages["translate"].pk).executions == 1
    footage.refresh_from_db()
    assert set(footage.renditions["captions"]) == {"fr", "en"}


# Function words: the first set is frequent in any English sentence and absent from French; the
# second is frequent in French and absent from English. Whisper base translates the clip's
# "Toutes les lignes sont occupées pour l'instant. Composez le nouveau numéro de poste..." into
# "All the links are occupied for the moment. Compose the new post number ..." (measured): an
# untranslated French transcript fails both checks, whatever its recognition errors.
ENGLISH_WORDS = {"the", "for", "of", "to", "and", "you", "your", "is", "are", "this", "with", "in", "at"}
FRENCH_WORDS = {"le", "la", "les", "des", "du", "de", "pour", "sur", "vous", "est", "une", "et", "suivi"}


def assert_english(key: str) -> None:
    """The stored VTT's cues read as English: ASCII letters, English function words, no French ones."""
    import io
    import re

    import webvtt
    from django.core.files.storage import default_storage

    with default_storage.open(key, "rb") as fh:
        text = " ".join(c.text for c in webvtt.from_buffer(io.StringIO(fh.read().decode("utf-8"))))
    words = set(re.findall(r"[a-z']+", text.lower()))
    letters = [ch for ch in text if ch.isalpha()]
    assert letters and sum(ch.isascii() for ch in letters) / len(letters) > 0.98, text  # no é, è, à, ç...
    assert len(words & ENGLISH_WORDS) >= 2 and not words & FRENCH_WORDS, text


def test_worker_killed_mid_transcode_resumes_without_redoing_finished_stages(worker_factory, tmp_path):
    clip = make_clip(tmp_path / "long.mp4", duration=40, size="1280x720", fps=30, audio=None)
    first = worker_factory(name="first")
    footage = ingest_file(clip, original_name="long.mp4", skills_block=factories.SkillsBlockFactory())
    run = footage.latest_run

    def transcoding():
        s = StageRun.objects.get(run=run, name="transcode")
        return s.status == StageRun.Status.RUNNING and s.progress >= 5
    wait_for(transcoding, timeout=120, interval=0.2, message="transcode to be under way")
    first.kill()
    before = stages_of(run)
    assert before["transcode"].status == StageRun.Status.RUNNING
    assert before["ingest"].status == StageRun.Status.SUCCEEDED

    worker_factory(name="second")
    run = wait_run(run, timeout=300)
    after = stages_of(run)
    assert run.status == PipelineRun.Status.SUCCEEDED, {n: (s.status, s.error_message) for n, s in after.items()}
    assert after["ingest"].executions == 1, "a finished stage must not run again"
    assert after["transcode"].executions == 2 and after["transcode"].attempts >= 2
    for name, stage in before.items():
        if stage.status == StageRun.Status.SUCCEEDED:
            assert after[name].executions == stage.executions, name
    assert after["audio"].status == StageRun.Status.SKIPPED  # the clip has no audio: flagged, not failed
    footage.refresh_from_db()
    assert "no_audio" in footage.flags
    master = Path(footage.original.storage.path(footage.renditions["master_playlist"]))
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                            str(master)], capture_output=True, text=True, check=True)
    assert abs(float(probe.stdout.strip()) - 40) < 2


def test_bad_input_is_rejected_before_anything_is_stored(db, storage_root, tmp_path):
    from media_pipeline.errors import PermanentMediaError

    fake = tmp_path / "notes.mp4"
    fake.write_text("ceci n'est pas une vidéo\n" * 100)
    with pytest.raises(PermanentMediaError) as err:
        ingest_file(fake, original_name="notes.mp4")
    assert "vidéo" in err.value.message
    assert not Footage.objects.exists()
    assert not any(p.is_file() for p in storage_root.rglob("*"))


def test_cancel_and_rerun_stage(worker_factory, narrated_clip):
    from capsules.pipeline.workflow import cancel_run, rerun_stage

    worker_factory()
    footage = ingest_file(narrated_clip, original_name="a.mp4", skills_block=factories.SkillsBlockFactory())
    run = wait_run(footage.latest_run)
    assert run.status == PipelineRun.Status.SUCCEEDED
    rerun_stage(run, "motion")
    run = wait_run(run)
    stages = stages_of(run)
    assert stages["motion"].executions == 2, "a re-run stage recomputes even though its output is stored"
    # Motion is deterministic: same input key downstream, so segmentation reuses its stored steps.
    assert stages["segment"].status == StageRun.Status.SUCCEEDED and stages["segment"].executions == 1
    assert stages["transcode"].executions == 1 and stages["transcribe"].executions == 1

    rerun_stage(run, "transcode")
    cancel_run(run)
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.CANCELLED
    assert StageRun.objects.get(run=run, name="ingest").status == StageRun.Status.SUCCEEDED


def test_health_page_reports_the_worker_and_its_queues(worker_factory, client):
    import time

    assert client.get("/health/").status_code == 503  # no worker yet
    worker_factory(name="health")
    deadline = time.monotonic() + 6  # a failure is remembered 2 s (cms/health.py)
    while (response := client.get("/health/")).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    body = response.json()
    assert body["database"] is True
    assert body["celery"]["ok"] and set(body["celery"]["queues_served"]) == {"media", "asr"}
    # Public: yes or no and the queues; the workers' host names only for staff (audit 37).
    assert "workers" not in body["celery"] and "@" not in response.content.decode()
    client.force_login(factories.UserFactory(username="ops", is_staff=True))
    assert client.get("/health/").json()["celery"]["workers"]


def test_health_asks_the_workers_once_for_a_flood_of_checks(worker_factory, client, monkeypatch):
    """Each check was a 2-s broadcast to every worker, on a public URL: now one answer serves them all."""
    from cms import health

    worker_factory(name="healthflood")
    asked: list[float] = []
    real = health.worker_status
    monkeypatch.setattr(health, "worker_status", lambda timeout=2.0: asked.append(1) or real(timeout))
    codes = [client.get("/health/").status_code for _ in range(8)]
    assert codes == [200] * 8
    assert len(asked) == 1
