"""/health/: is the database reachable and is a Celery worker answering on each queue?

Public (a load balancer or compose asks it), so it says only yes or no and which queues are served; the
workers' host names and the broker's error text are for staff (audit 37: both were public). Asking the
workers is a broadcast that waits up to 2 s: an answer is reused for ``GESTE_HEALTH_CACHE_SECONDS`` (a good one)
or 2 s (a failure), and one process sends one broadcast at a time, so a flood of requests costs the
broker and the workers nothing more."""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

CACHE_KEY = "geste:health:workers"
_ask = threading.Lock()


def worker_status(timeout: float = 2.0) -> dict:
    from cms.celery import app

    try:
        replies = app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception as exc:  # broker unreachable: report it rather than fail the page
        return {"ok": False, "error": str(exc), "workers": {}}
    workers = {name: sorted(q["name"] for q in queues) for name, queues in replies.items()}
    served = {q for queues in workers.values() for q in queues}
    return {"ok": bool(workers), "workers": workers, "queues_served": sorted(served)}


def _fresh(entry) -> dict | None:
    if not entry:
        return None
    keep = settings.GESTE_HEALTH_CACHE_SECONDS if entry["status"]["ok"] else 2
    return entry["status"] if time.time() - entry["at"] < keep else None


def cached_worker_status() -> dict:
    """The workers' answer, asked at most once per ``GESTE_HEALTH_CACHE_SECONDS`` (2 s after a failure)."""
    found = _fresh(cache.get(CACHE_KEY))
    if found is not None:
        return found
    with _ask:  # the requests that came meanwhile take the answer the first one got
        found = _fresh(cache.get(CACHE_KEY))
        if found is None:
            found = worker_status()
            cache.set(CACHE_KEY, {"at": time.time(), "status": found}, 60)
    return found


def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db_ok = True
    except Exception:
        db_ok = False
    workers = cached_worker_status()
    status = 200 if db_ok and workers["ok"] else 503
    celery = {"ok": workers["ok"], "queues_served": workers.get("queues_served", [])}
    if request.user.is_authenticated and request.user.is_staff:
        celery = workers
    return JsonResponse({"database": db_ok, "celery": celery}, status=status)
