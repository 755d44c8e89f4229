"""The Celery app. Tasks live in capsules/tasks.py and run on the `media` and `asr` queues."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("geste")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["capsules"])


def ensure_filesystem_broker() -> None:
    """kombu's filesystem transport expects its folders to exist."""
    options = app.conf.broker_transport_options or {}
    if str(app.conf.broker_url).startswith("filesystem"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
