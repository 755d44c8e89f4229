"""When a worker starts, it picks up stages a dead worker left behind."""

import logging

from celery.signals import worker_ready

log = logging.getLogger(__name__)


@worker_ready.connect
def resume_interrupted_stages(sender=None, **kwargs):
    from capsules.pipeline.workflow import recover_interrupted

    try:
        recover_interrupted()
    except Exception:  # never keep a worker from starting
        log.exception("could not recover interrupted stages")
