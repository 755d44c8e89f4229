"""Celery tasks of the learning ecosystem, on their own ``lrs`` queue (an LRS that is slow or down
never holds up transcoding or transcription).

``push_statements`` collects new learner events into the outbox and sends what is due; when the LRS
is unavailable it retries with exponential backoff, a bounded number of times — the outbox keeps
the statements anyway, so the next run (Celery beat, every ``GESTE_LRS_INTERVAL_S``) sends them.
"""

from __future__ import annotations

import logging
import os

from celery import shared_task

from capsules.interop import lrs

logger = logging.getLogger(__name__)
QUEUE = "lrs"


@shared_task(bind=True, name="capsules.interop.tasks.push_statements", queue=QUEUE, acks_late=True,
             max_retries=8, ignore_result=True)
def push_statements(self) -> dict:
    cfg = lrs.config()
    if not cfg.enabled:
        return {"collected": 0, "sent": 0, "rejected": 0}
    collected = 0
    while added := lrs.collect():
        collected += added
    try:
        report = lrs.send_due(cfg)
    except lrs.LrsUnavailable as exc:
        logger.warning("LRS indisponible, nouvel essai plus tard : %s", exc)
        raise self.retry(exc=exc, countdown=lrs.backoff(self.request.retries + 1).total_seconds()) from exc
    return {"collected": collected, "sent": report.sent, "rejected": report.rejected}


@shared_task(bind=True, name="capsules.interop.tasks.push_cmi5", queue=QUEUE, acks_late=True, max_retries=8,
             ignore_result=True)
def push_cmi5(self, session_pk: int) -> int:
    """A cmi5 session's defined statements to its LMS, in order; retried with backoff while the LMS is down."""
    from capsules.interop import cmi5_runtime

    try:
        return cmi5_runtime.send_session(session_pk)
    except lrs.LrsUnavailable as exc:
        logger.warning("LMS cmi5 indisponible, nouvel essai plus tard : %s", exc)
        raise self.retry(exc=exc, countdown=lrs.backoff(self.request.retries + 1).total_seconds()) from exc


@shared_task(name="capsules.interop.tasks.push_cmi5_due", queue=QUEUE, ignore_result=True)
def push_cmi5_due() -> int:
    """Beat's safety net: sessions whose statements are still pending (broker was down, retries ran out)."""
    from capsules.interop import cmi5_runtime

    for session_pk in cmi5_runtime.due_sessions():
        push_cmi5.delay(session_pk)
    return 0


def schedule(sender, **kwargs) -> None:
    """Celery beat entry: push every GESTE_LRS_INTERVAL_S seconds (default 60)."""
    interval = float(os.environ.get("GESTE_LRS_INTERVAL_S", "60"))
    sender.add_periodic_task(interval, push_statements.s().set(queue=QUEUE), name="geste-lrs-push")
    sender.add_periodic_task(interval, push_cmi5_due.s().set(queue=QUEUE), name="geste-cmi5-push")
