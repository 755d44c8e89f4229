"""The processing workflow as data, and the machinery that moves a PipelineRun forward.

Each stage is idempotent: its outputs are stored under a key derived from its inputs
(source checksum, upstream keys, settings), with a manifest written last. A re-run, a
retry or a worker restarted after SIGKILL finds finished stages and never redoes them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from capsules.experts import notify_footage_ready
from capsules.models import Footage, PipelineRun, StageRun, Step

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageSpec:
    name: str
    after: tuple[str, ...]
    queue: str
    label: str


STAGES: tuple[StageSpec, ...] = (
    StageSpec("ingest", (), "media", _("Analyse et validation")),
    StageSpec("transcode", ("ingest",), "media", _("Rendus vidéo (HLS, MP4, vignettes)")),
    StageSpec("audio", ("ingest",), "media", _("Extraction de l'audio")),
    StageSpec("transcribe", ("audio",), "asr", _("Transcription du commentaire")),
    StageSpec("translate", ("audio", "transcribe"), "asr", _("Sous-titres anglais (traduction)")),
    StageSpec("motion", ("ingest",), "media", _("Analyse du mouvement")),
    StageSpec("segment", ("motion", "transcribe"), "media", _("Découpage en étapes")),
    StageSpec("draft_quizzes", ("segment",), "media", _("Propositions de quiz")),
)
STAGE_BY_NAME = {spec.name: spec for spec in STAGES}
FINISHED = {StageRun.Status.SUCCEEDED, StageRun.Status.SKIPPED}


def _audio_only() -> tuple[str, ...]:
    """The audio stage and the stages that need nothing but it (transcribe, translate): nothing to do without
    an audio track. Segment also reads the motion: it runs, on the motion alone."""
    found: set[str] = set()
    for spec in STAGES:
        if spec.name == "audio" or (spec.after and all(dep in found for dep in spec.after)):
            found.add(spec.name)
    return tuple(spec.name for spec in STAGES if spec.name in found)


AUDIO_ONLY = _audio_only()
# Why each is « Sans objet », stored in French as the stages themselves write it when they skip (their check()),
# shown in the reader's language (capsules/pipeline/messages.py).
NO_AUDIO_REASONS = {
    "audio": gettext_noop("La vidéo n'a pas de piste audio : transcription impossible."),
    "transcribe": gettext_noop("Pas de piste audio : pas de transcription."),
    "translate": gettext_noop("Pas de piste audio : pas de sous-titres anglais."),
}
assert set(NO_AUDIO_REASONS) == set(AUDIO_ONLY), AUDIO_ONLY


def skip_without_audio(run_id: int, probe: dict | None) -> int:
    """Walk 38: a silent clip's audio stages read « En attente » until a worker reached each of them, then
    « Sans objet ». Where the probe already says there is no audio track (the upload probes the file before
    the run starts; the ingest stage probes it again), they are « Sans objet » from the start: in the status
    JSON and the page alike, never queued. A probe that does not say (none yet) changes nothing."""
    if not probe or "has_audio" not in probe or probe["has_audio"]:
        return 0
    now = timezone.now()
    return sum(
        StageRun.objects.filter(run_id=run_id, name=name, status=StageRun.Status.PENDING).update(
            status=StageRun.Status.SKIPPED, progress=100, started_at=None, finished_at=now,
            error_message=NO_AUDIO_REASONS[name], error_detail="", input_key="skipped")
        for name in AUDIO_ONLY)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def downstream(name: str) -> list[str]:
    """The stage and every stage that depends on it, in workflow order."""
    found = {name}
    for spec in STAGES:
        if any(dep in found for dep in spec.after):
            found.add(spec.name)
    return [spec.name for spec in STAGES if spec.name in found]


def input_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def withdraw_step_approval(footage_id: int) -> None:
    """Redoing the steps sends an approved footage back to the expert: its steps are no longer
    approved either (a walk saw « En relecture par l'expert » above steps all marked « ✔ approuvée »).
    Their titles and boundaries are kept: the version bump tells the segment stage they are the
    expert's (``SegmentStage.apply`` never replaces them), and an open review screen reloads."""
    if Step.objects.filter(footage_id=footage_id, approved=True).update(approved=False):
        Footage.objects.filter(pk=footage_id).update(review_version=F("review_version") + 1)


def start_run(footage: Footage) -> PipelineRun:
    """Create a run with one StageRun per stage and queue the first stages once committed."""
    with transaction.atomic():
        run = PipelineRun.objects.create(footage=footage, status=PipelineRun.Status.RUNNING,
                                         started_at=timezone.now())
        StageRun.objects.bulk_create([StageRun(run=run, name=spec.name) for spec in STAGES])
        skip_without_audio(run.pk, footage.probe)
        withdraw_step_approval(footage.pk)
        Footage.objects.filter(pk=footage.pk).update(status=Footage.Status.PROCESSING)
        transaction.on_commit(lambda: advance(run.pk))
    return run


def task_name(stage_name: str) -> str:
    """The Celery task of a stage (defined in ``capsules.pipeline.tasks``): the workflow sends
    tasks by name so that it never imports the task module, which imports the workflow."""
    return f"capsules.pipeline.tasks.{stage_name}"


def _enqueue(stage: StageRun) -> bool:
    """Send the stage's task. With the broker down the stage stays QUEUED (the upload or the
    admin action still succeeds) and the next worker to start sends it again."""
    try:
        result = current_app.send_task(task_name(stage.name), args=[stage.pk],
                                       queue=STAGE_BY_NAME[stage.name].queue)
    except Exception:  # kombu/redis/amqp connection errors differ by transport
        log.warning("broker unreachable: stage %s (%s) stays queued until a worker starts",
                    stage.pk, stage.name, exc_info=True)
        return False
    StageRun.objects.filter(pk=stage.pk).update(task_id=result.id or "")
    return True


# Lock order, everywhere: the PipelineRun row first, then its StageRun rows. Two workers
# finishing sibling stages at once (audio and motion) then queue, never deadlock.


def _with_db_retry(func, *args, attempts: int = 5):
    """Run a short transaction again when PostgreSQL reports a deadlock or a serialization failure."""
    import time

    for attempt in range(attempts):
        try:
            return func(*args)
        except OperationalError:
            if attempt == attempts - 1:
                raise
            log.warning("database conflict in %s, retrying", func.__name__, exc_info=True)
            time.sleep(0.05 * 2 ** attempt)


def advance(run_id: int) -> None:
    """Queue every pending stage whose dependencies are finished; close the run when all are."""
    _with_db_retry(_advance, run_id)


def _advance(run_id: int) -> None:
    to_queue: list[StageRun] = []
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().get(pk=run_id)
        if run.status in {PipelineRun.Status.CANCELLED, PipelineRun.Status.FAILED}:
            return
        stages = {s.name: s for s in run.stages.select_for_update().order_by("pk")}
        if any(s.status == StageRun.Status.FAILED for s in stages.values()):
            return
        for spec in STAGES:
            stage = stages[spec.name]
            if stage.status == StageRun.Status.PENDING and all(stages[d].status in FINISHED for d in spec.after):
                stage.status = StageRun.Status.QUEUED
                stage.save(update_fields=["status"])
                to_queue.append(stage)
        if all(s.status in FINISHED for s in stages.values()):
            run.status = PipelineRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            footage = run.footage
            reviewable = _reviewable(footage)
            run.error_message = "" if reviewable else no_steps_message(footage)
            run.save(update_fields=["status", "finished_at", "error_message"])
            if footage.status == Footage.Status.PROCESSING:
                footage.status = Footage.Status.IN_REVIEW if reviewable else Footage.Status.UPLOADED
                footage.save(update_fields=["status", "updated_at"])
                if footage.status == Footage.Status.IN_REVIEW and footage.expert_id:
                    transaction.on_commit(lambda: notify_footage_ready(footage.pk))
        _open_review_early(run, stages)
        for stage in to_queue:
            transaction.on_commit(lambda stage=stage: _enqueue(stage))


def _reviewable(footage: Footage) -> bool:
    """The expert's review opens on proposed steps, or on none when the motion stage is sure no hands
    work in the footage (the review screen says so and the expert draws steps by hand; a walk found such
    footage left "uploaded", its review locked and a red "too short" message beside the notice)."""
    return footage.steps.exists() or footage.no_hands_at_work


def no_steps_message(footage: Footage) -> str:
    """Why a finished run left the footage without review: say it (an 8K clip once ended
    "uploaded" with 0 steps and not a word)."""
    probe = footage.probe or {}
    facts = [f"{footage.duration:.0f} s" if footage.duration else "",
             f"{probe['width']}×{probe['height']}" if probe.get("width") and probe.get("height") else ""]
    facts_text = ", ".join(f for f in facts if f)
    return str(_("Traitement terminé, mais aucune étape de geste n'a été détectée%(facts)s : "
                 "la vidéo est peut-être trop courte ou presque immobile. Relancez l'étape « Découpage en "
                 "étapes » après avoir vérifié la vidéo, ou téléversez une prise plus longue.")
               % {"facts": f" ({facts_text})" if facts_text else ""})


def _open_review_early(run: PipelineRun, stages: dict[str, StageRun]) -> None:
    """The expert may start as soon as the steps exist: renditions and quiz drafts go on meanwhile
    (the review screen plays the original until the MP4 is ready)."""
    segment = stages.get("segment")
    if segment is None or segment.status != StageRun.Status.SUCCEEDED:
        return
    footage = Footage.objects.filter(pk=run.footage_id, status=Footage.Status.PROCESSING).first()
    if footage is None or not _reviewable(footage):
        return
    footage.status = Footage.Status.IN_REVIEW
    footage.save(update_fields=["status", "updated_at"])
    if footage.expert_id:
        transaction.on_commit(lambda: notify_footage_ready(footage.pk))


REVIEWED = (Footage.Status.IN_REVIEW, Footage.Status.CHANGES_REQUESTED, Footage.Status.APPROVED)


def fail_run(stage: StageRun, message: str, detail: str = "") -> None:
    with transaction.atomic():
        PipelineRun.objects.filter(pk=stage.run_id).update(
            status=PipelineRun.Status.FAILED, error_message=message, finished_at=timezone.now())
        StageRun.objects.filter(pk=stage.pk).update(
            status=StageRun.Status.FAILED, error_message=message, error_detail=detail[-20000:],
            finished_at=timezone.now())
        # A footage whose review already started (steps ready, renditions failing) stays in review.
        Footage.objects.filter(runs__pk=stage.run_id).exclude(status__in=[
            Footage.Status.IN_REVIEW, Footage.Status.CHANGES_REQUESTED, Footage.Status.APPROVED,
        ]).update(status=Footage.Status.FAILED)


def cancel_run(run: PipelineRun) -> None:
    """Stop a run: waiting stages are cancelled, a running stage stops at its next progress tick."""
    with transaction.atomic():
        PipelineRun.objects.filter(pk=run.pk).update(status=PipelineRun.Status.CANCELLED,
                                                     finished_at=timezone.now())
        run.stages.exclude(status__in=FINISHED).update(status=StageRun.Status.CANCELLED)
        Footage.objects.filter(pk=run.footage_id, status=Footage.Status.PROCESSING).update(
            status=Footage.Status.UPLOADED)


def rerun_stage(run: PipelineRun, name: str) -> None:
    """Recompute a stage (ignoring stored outputs) and everything downstream of it."""
    names = downstream(name)
    with transaction.atomic():
        PipelineRun.objects.filter(pk=run.pk).update(status=PipelineRun.Status.RUNNING, error_message="",
                                                     finished_at=None)
        run.stages.filter(name__in=names).update(
            status=StageRun.Status.PENDING, progress=0, error_message="", error_detail="",
            started_at=None, finished_at=None, worker="", input_key="")
        run.stages.filter(name=name).update(output_keys={"force": True})
        skip_without_audio(run.pk, Footage.objects.filter(pk=run.footage_id).values_list("probe", flat=True).first())
        if "segment" in names:
            withdraw_step_approval(run.footage_id)
        footage = Footage.objects.filter(pk=run.footage_id)
        if "segment" not in names:
            # Redoing renditions, captions or quiz proposals leaves the steps as they are: the review
            # keeps its state (rerunning the English captions once withdrew the expert's approval).
            footage = footage.exclude(status__in=REVIEWED)
        footage.update(status=Footage.Status.PROCESSING)
        transaction.on_commit(lambda: advance(run.pk))


class StageCancelled(Exception):
    """Raised from the progress callback when the run was cancelled meanwhile."""


def claim(stage_id: int) -> StageRun | None:
    """Mark the stage as ours, unless it is done, cancelled, or alive on another worker."""
    return _with_db_retry(_claim, stage_id)


def _claim(stage_id: int) -> StageRun | None:
    me = worker_id()
    stale = timezone.now() - timezone.timedelta(seconds=settings.GESTE_STALE_HEARTBEAT_S)
    run_id = StageRun.objects.filter(pk=stage_id).values_list("run_id", flat=True).first()
    if run_id is None:
        return None
    with transaction.atomic():
        # The run row first (see the lock order above advance), then the stage row alone.
        list(PipelineRun.objects.select_for_update().filter(pk=run_id).values_list("pk", flat=True))
        try:
            stage = StageRun.objects.select_for_update(of=("self",)).select_related("run").get(pk=stage_id)
        except StageRun.DoesNotExist:
            return None
        if stage.status in FINISHED or stage.status in {StageRun.Status.CANCELLED, StageRun.Status.FAILED}:
            return None
        if stage.run.status == PipelineRun.Status.CANCELLED:
            return None
        if (stage.status == StageRun.Status.RUNNING and stage.worker and stage.worker != me
                and stage.heartbeat_at and stage.heartbeat_at > stale):
            return None
        now = timezone.now()
        stage.status = StageRun.Status.RUNNING
        stage.attempts += 1
        stage.worker = me
        stage.heartbeat_at = now
        stage.started_at = stage.started_at or now
        stage.phase = ""
        stage.save(update_fields=["status", "attempts", "worker", "heartbeat_at", "started_at", "phase"])
        return stage


def running_elsewhere(stage_id: int) -> bool:
    """The stage is running on another worker whose heartbeat is fresh (it may still die: see run_stage)."""
    stale = timezone.now() - timezone.timedelta(seconds=settings.GESTE_STALE_HEARTBEAT_S)
    return StageRun.objects.filter(pk=stage_id, status=StageRun.Status.RUNNING, heartbeat_at__gt=stale,
                                   run__status=PipelineRun.Status.RUNNING).exclude(worker="").exists()


class Heartbeat:
    """Keeps heartbeat_at fresh from a thread while the stage computes, so others see it alive."""

    def __init__(self, stage_id: int, interval: float | None = None):
        self.stage_id = stage_id
        # Several beats within the stale window, so one late beat never looks like a dead worker.
        self.interval = interval or max(1.0, min(5.0, settings.GESTE_STALE_HEARTBEAT_S / 4))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                StageRun.objects.filter(pk=self.stage_id, status=StageRun.Status.RUNNING).update(
                    heartbeat_at=timezone.now())
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


class ProgressWriter:
    """Progress callback: stores the percentage at most once a second and notices cancellation."""

    def __init__(self, stage: StageRun, min_interval: float = 1.0):
        self.stage = stage
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, percent: float) -> None:
        import time

        now = time.monotonic()
        if now - self._last < self.min_interval and percent < 100:
            return
        self._last = now
        StageRun.objects.filter(pk=self.stage.pk).update(progress=round(min(100.0, max(0.0, percent)), 1),
                                                         heartbeat_at=timezone.now())
        self._check_cancelled()

    def phase(self, message: str) -> None:
        """What the stage is doing now (media_pipeline's ``PhaseCallback``), stored at once: a phase
        lasts long (loading a model) and the footage page shows it beside the bar."""
        StageRun.objects.filter(pk=self.stage.pk).update(phase=message[:200], heartbeat_at=timezone.now())
        self._check_cancelled()

    def _check_cancelled(self) -> None:
        status = PipelineRun.objects.filter(pk=self.stage.run_id).values_list("status", flat=True).first()
        if status == PipelineRun.Status.CANCELLED:
            raise StageCancelled()


def recover_interrupted(grace_seconds: int | None = None) -> list[int]:
    """Re-queue stages left running by a dead worker (SIGKILL, power loss) or lost in the queue.

    Called when a worker starts. Duplicate deliveries are harmless: ``claim`` lets one win.
    """
    close_old_connections()
    grace = settings.GESTE_STALE_HEARTBEAT_S if grace_seconds is None else grace_seconds
    stale = timezone.now() - timezone.timedelta(seconds=grace)
    host = socket.gethostname()
    requeued: list[int] = []
    candidates = StageRun.objects.filter(
        run__status=PipelineRun.Status.RUNNING,
        status__in=[StageRun.Status.RUNNING, StageRun.Status.QUEUED]).select_related("run")
    for stage in candidates:
        alive_elsewhere = stage.heartbeat_at and stage.heartbeat_at > stale and not stage.worker.startswith(host)
        if stage.status == StageRun.Status.RUNNING and alive_elsewhere:
            continue
        if stage.status == StageRun.Status.RUNNING and stage.worker.startswith(host):
            pid = int(stage.worker.rsplit(":", 1)[-1] or 0)
            if pid and _pid_alive(pid) and pid != os.getpid():
                continue
        StageRun.objects.filter(pk=stage.pk).update(status=StageRun.Status.QUEUED, worker="")
        _enqueue(stage)
        requeued.append(stage.pk)
    # A run whose last stage finished but whose advance was lost (the worker died in between)
    # has nothing queued or running: moving it on again is idempotent.
    stuck = (PipelineRun.objects.filter(status=PipelineRun.Status.RUNNING)
             .exclude(stages__status__in=[StageRun.Status.RUNNING, StageRun.Status.QUEUED])
             .values_list("pk", flat=True))
    for run_id in stuck:
        advance(run_id)
    if requeued:
        log.warning("re-queued interrupted stages %s", requeued)
    return requeued


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie or a recycled pid still counts as alive here; the heartbeat settles it later.
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"celery" in fh.read()
    except OSError:
        return False
