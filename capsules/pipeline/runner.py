"""Runs one stage of a run: claim it, reuse stored outputs or compute them, save, move on.

Tasks call ``run_stage``; the stage-specific part (which pipeline function, what to save)
is a ``Stage`` in ``capsules/stages/``.
"""

from __future__ import annotations

import logging
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capsules import storage
from capsules.models import Footage, PipelineRun, StageRun
from capsules.pipeline.stages.base import Skip
from capsules.pipeline.workflow import (
    FINISHED,
    STAGE_BY_NAME,
    Heartbeat,
    ProgressWriter,
    StageCancelled,
    advance,
    claim,
    fail_run,
    input_key,
    running_elsewhere,
)
from media_pipeline.errors import PermanentMediaError, TransientMediaError

log = logging.getLogger(__name__)


@dataclass
class StageContext:
    stage: StageRun
    run: PipelineRun
    footage: Footage
    upstream: dict[str, StageRun] = field(default_factory=dict)

    def upstream_file(self, stage_name: str, name: str) -> str:
        """Storage key of a file an upstream stage produced."""
        up = self.upstream[stage_name]
        return f"{up.output_keys['prefix']}/{up.output_keys['manifest']['files'][name]}"

    def upstream_manifest(self, stage_name: str) -> dict:
        return self.upstream[stage_name].output_keys.get("manifest", {})

    def upstream_ran(self, stage_name: str) -> bool:
        up = self.upstream.get(stage_name)
        return bool(up and up.status == StageRun.Status.SUCCEEDED)


def _context(stage: StageRun) -> StageContext:
    run = stage.run
    # Every other stage of the run: a stage may read transitive inputs (segment reads the transcript).
    upstream = {s.name: s for s in run.stages.exclude(name=stage.name)}
    return StageContext(stage=stage, run=run, footage=run.footage, upstream=upstream)


def run_stage(task, stage_id: int) -> str:
    """Execute a StageRun; returns what happened ("done", "reused", "skipped", "not-claimed")."""
    from capsules.pipeline.stages import get_stage

    stage = claim(stage_id)
    if stage is None and task is not None and running_elsewhere(stage_id):
        # A redelivery (the broker gives a dead node's unacknowledged task to another node at once)
        # while the dead node's heartbeat is still fresh: look again once it would have gone stale,
        # so the stage is taken over instead of dropped; if that node is alive, the stage finishes
        # meanwhile and the next look finds it done.
        raise task.retry(countdown=settings.GESTE_STALE_HEARTBEAT_S + 1, max_retries=None)
    if stage is None:
        # A duplicate delivery, or a retry after the stage finished but before the run moved on:
        # advancing is idempotent, so make sure the run is not left waiting.
        run_id = StageRun.objects.filter(pk=stage_id, status__in=FINISHED).values_list("run_id", flat=True).first()
        if run_id is not None:
            advance(run_id)
        return "not-claimed"
    impl = get_stage(stage.name)
    ctx = _context(stage)
    try:
        deps_keys = [ctx.upstream[d].input_key for d in STAGE_BY_NAME[stage.name].after if d in ctx.upstream]
        key = input_key(ctx.footage.checksum, stage.name, impl.settings_key(ctx), *deps_keys)
        prefix = storage.stage_prefix(ctx.footage.checksum, stage.name, key)
        forced = bool(stage.output_keys.get("force"))
        if forced:
            storage.delete_manifest(prefix)
        manifest = storage.read_manifest(prefix)
        outcome = "reused"
        if manifest is None:
            impl.check(ctx)
            workdir = Path(settings.GESTE_WORK_DIR) / f"run{ctx.run.pk}" / stage.name
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir(parents=True)
            StageRun.objects.filter(pk=stage.pk).update(executions=stage.executions + 1)
            with Heartbeat(stage.pk):
                manifest = impl.compute(ctx, workdir, ProgressWriter(stage))
                storage.upload_dir(workdir, prefix, manifest)
            shutil.rmtree(workdir, ignore_errors=True)
            outcome = "done"
        with transaction.atomic():
            impl.apply(ctx, manifest, prefix)
            StageRun.objects.filter(pk=stage.pk).update(
                status=StageRun.Status.SUCCEEDED, progress=100, finished_at=timezone.now(), input_key=key,
                output_keys={"prefix": prefix, "manifest": manifest}, error_message="", error_detail="")
    except Skip as why:
        StageRun.objects.filter(pk=stage.pk).update(
            status=StageRun.Status.SKIPPED, progress=100, finished_at=timezone.now(),
            error_message=str(why), input_key="skipped")
        outcome = "skipped"
    except StageCancelled:
        StageRun.objects.filter(pk=stage.pk).update(status=StageRun.Status.CANCELLED, finished_at=timezone.now())
        return "cancelled"
    except PermanentMediaError as exc:
        fail_run(stage, exc.message, exc.detail)
        return "failed"
    except TransientMediaError as exc:
        return _retry_or_fail(task, stage, exc.message, exc.detail)
    except OperationalError as exc:  # database unreachable for a moment, deadlock victim: try again later
        log.warning("stage %s: database error, will retry", stage.name, exc_info=True)
        return _retry_or_fail(task, stage, _("Base de données momentanément indisponible : %(error)s")
                              % {"error": exc}, traceback.format_exc())
    except Exception as exc:  # a bug or an unexpected environment problem: keep the trace for the admin
        log.exception("stage %s failed", stage.name)
        fail_run(stage, _("Erreur inattendue pendant l'étape « %(stage)s » : %(error)s")
                 % {"stage": stage.name, "error": exc}, traceback.format_exc())
        return "failed"
    advance(stage.run_id)
    return outcome


def _retry_or_fail(task, stage: StageRun, message: str, detail: str) -> str:
    if task is None or stage.attempts > settings.GESTE_STAGE_MAX_RETRIES:
        fail_run(stage, message, detail)
        return "failed"
    StageRun.objects.filter(pk=stage.pk).update(status=StageRun.Status.QUEUED, error_message=message,
                                                error_detail=detail[-20000:], worker="")
    raise task.retry(countdown=min(300, 5 * 2 ** stage.attempts), max_retries=settings.GESTE_STAGE_MAX_RETRIES)
