"""The time the learning journey runs on: the real time, plus ``GESTE_CLOCK_OFFSET`` when tests set it.

Only tests set the offset (no settings module reads it from the environment): a browser test moves
the server's clock one day forward to practise "the next day" without touching the data it checks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def now() -> datetime:
    offset = getattr(settings, "GESTE_CLOCK_OFFSET", None) or timedelta(0)
    return timezone.now() + offset
