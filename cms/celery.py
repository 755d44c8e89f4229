"""The Celery app. Tasks live in capsules/pipeline/tasks.py and run on the `media` and `asr` queues."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("geste")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["capsules.pipeline", "capsules.interop", "capsules.interop.lti"])


@app.on_after_finalize.connect
def _lrs_schedule(sender, **kwargs):  # LRS outbox pushed by Celery beat (capsules/interop/tasks.py)
    from capsules.interop.tasks import schedule

    schedule(sender)

