"""Thin Celery tasks: a StageRun id in, one stage run through ``run_stage``.

Queues: ``asr`` for transcription (GPU workers can take it), ``media`` for the rest. One task outside
the stages: ``step_keyframes`` (a footage id in), the pictures of the steps the review made.
"""

from celery import shared_task

from capsules.pipeline.runner import run_stage
from capsules.pipeline.workflow import STAGES, task_name


def _make_task(stage_name: str):
    @shared_task(bind=True, name=task_name(stage_name), acks_late=True,
                 reject_on_worker_lost=True, max_retries=None)
    def task(self, stage_run_id: int) -> str:
        return run_stage(self, stage_run_id)

    task.__doc__ = f"Run the '{stage_name}' stage of a pipeline run."
    return task


STAGE_TASKS = {spec.name: _make_task(spec.name) for spec in STAGES}


@shared_task(bind=True, name="capsules.pipeline.tasks.step_keyframes", queue="media", acks_late=True,
             reject_on_worker_lost=True, ignore_result=True, max_retries=5)
def step_keyframes(self, footage_id: int) -> int:
    """Keyframes for the steps the review made (split, moved): ``step_keyframes.fill_step_keyframes``."""
    from django.db import OperationalError

    from capsules.pipeline.step_keyframes import fill_step_keyframes
    from media_pipeline.errors import TransientMediaError

    try:
        return fill_step_keyframes(footage_id)
    except (TransientMediaError, OperationalError, OSError) as exc:
        raise self.retry(exc=exc, countdown=min(300, 5 * 2 ** self.request.retries))
