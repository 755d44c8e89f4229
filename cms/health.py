"""/health/: is the database reachable and is a Celery worker answering on each queue?"""

from django.db import connection
from django.http import JsonResponse


def worker_status(timeout: float = 2.0) -> dict:
    from cms.celery import app

    try:
        replies = app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception as exc:  # broker unreachable: report it rather than fail the page
        return {"ok": False, "error": str(exc), "workers": {}}
    workers = {name: sorted(q["name"] for q in queues) for name, queues in replies.items()}
    served = {q for queues in workers.values() for q in queues}
    return {"ok": bool(workers), "workers": workers, "queues_served": sorted(served)}


def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db_ok = True
    except Exception:
        db_ok = False
    workers = worker_status()
    status = 200 if db_ok and workers["ok"] else 503
    return JsonResponse({"database": db_ok, "celery": workers}, status=status)
