"""When a worker starts, it picks up stages a dead worker left behind, and purges stale files
(then every GESTE_PURGE_INTERVAL_S: no beat process to run)."""

import logging
import threading

from celery.signals import worker_ready

log = logging.getLogger(__name__)


@worker_ready.connect
def resume_interrupted_stages(sender=None, **kwargs):
    from capsules.pipeline.workflow import recover_interrupted

    try:
        recover_interrupted()
    except Exception:  # never keep a worker from starting
        log.exception("could not recover interrupted stages")


def _purge_forever(interval: float, stop: threading.Event) -> None:
    from django.db import connection

    from capsules.pipeline.cleanup import purge_stale

    while True:
        try:
            purge_stale()
        except Exception:  # housekeeping never stops a worker
            log.exception("could not purge stale uploads and work folders")
        finally:
            connection.close()
        if stop.wait(interval):
            return


_stop_purge = threading.Event()


@worker_ready.connect
def purge_stale_files(sender=None, **kwargs):
    """Abandoned uploads and stale run folders on this machine: now, then periodically."""
    from django.conf import settings

    interval = float(settings.GESTE_PURGE_INTERVAL_S)
    if interval <= 0:
        return
    threading.Thread(target=_purge_forever, args=(interval, _stop_purge), name="geste-purge", daemon=True).start()
