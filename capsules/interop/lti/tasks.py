"""Celery tasks of the LTI tool, on the ``lti`` queue: grades (AGS) and rosters (NRPS).

Both take a primary key, are idempotent, and retry themselves with exponential backoff (capped at an
hour, jittered) while the platform is unreachable or answers 5xx/429; a refusal is recorded, not retried.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from capsules.interop.lti import grades, roster
from capsules.interop.lti.grades import LmsUnavailable

logger = logging.getLogger(__name__)
QUEUE = settings.GESTE_LTI_QUEUE


@shared_task(name="capsules.interop.lti.tasks.send_grade", queue=QUEUE, acks_late=True, ignore_result=True,
             autoretry_for=(LmsUnavailable,), retry_backoff=2, retry_backoff_max=3600, retry_jitter=True,
             max_retries=settings.GESTE_LTI_GRADE_MAX_RETRIES)
def send_grade(link_id: int) -> str:
    outcome = grades.send(link_id)
    logger.info("LTI grade link %s: %s", link_id, outcome)
    return outcome


@shared_task(name="capsules.interop.lti.tasks.sync_roster", queue=QUEUE, acks_late=True, ignore_result=True,
             autoretry_for=(LmsUnavailable,), retry_backoff=5, retry_backoff_max=3600, retry_jitter=True,
             max_retries=8)
def sync_roster(course_cohort_id: int) -> dict:
    report = roster.sync(course_cohort_id)
    logger.info("LTI roster %s: %s", course_cohort_id, report)
    return {"learners": report.learners, "trainers": report.trainers, "removed": report.removed}


def queue_grade(link_id: int) -> None:
    """After the transaction commits; a broker that is down must not fail the learner's request."""
    def _send():
        try:
            send_grade.delay(link_id)
        except Exception:  # the link stays pending; the next progress or launch queues it again
            logger.exception("could not queue LTI grade %s", link_id)

    transaction.on_commit(_send)


def queue_roster(course_cohort_id: int) -> None:
    def _send():
        try:
            sync_roster.delay(course_cohort_id)
        except Exception:
            logger.exception("could not queue LTI roster %s", course_cohort_id)

    transaction.on_commit(_send)
