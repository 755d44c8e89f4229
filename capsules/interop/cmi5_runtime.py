"""cmi5 AU sessions: which defined statements a session sends, when, and their outbox.

- ``start``: a launched session sends ``initialized``;
- ``on_progress`` (a capsule's progress saved as completed, see ``cmi5_signals``): ``completed``, then
  ``passed`` or ``failed`` with the score (questions right at least once / questions, as the reports
  and the LTI grade) against the LMS's masteryScore — in "Normal" launch mode only; Browse and
  Review send neither. Once per registration for completed and passed (cmi5 forbids repeats);
- ``terminate``: ``terminated``, the session's last statement; nothing is recorded after it.

Statements wait in ``Cmi5Statement`` rows and are sent in order to the LMS's endpoint with the
session's token (``Authorization: Basic <token>``) by ``tasks.push_cmi5`` on the ``lrs`` queue; an LMS
that is down keeps them pending with backoff (``lrs.backoff``), a refusal marks them rejected.
"""

from __future__ import annotations

import uuid

import requests
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from capsules.analytics import cmi5_statements
from capsules.interop import lrs
from capsules.interop.cmi5_launch import LaunchData, LaunchParams, xapi_headers
from capsules.interop.scorm_relay import capsule_score
from capsules.models import Capsule, Cmi5Session, Cmi5Statement, Progress

PASS_REQUIRED = {"Passed", "CompletedAndPassed"}  # moveOn that a completion alone never satisfies


def au_session(session: Cmi5Session) -> cmi5_statements.AuSession:
    return cmi5_statements.AuSession(session.session_id, session.actor, session.activity_id, session.registration,
                                     session.context_template or {}, session.mastery_score)


def _record(session: Cmi5Session, verb: str, **kwargs) -> Cmi5Statement | None:
    now = timezone.now()
    elapsed = (now - session.started_at).total_seconds() if verb != "initialized" else None
    stmt = cmi5_statements.defined_statement(au_session(session), verb, now, elapsed_s=elapsed, **kwargs)
    row, created = Cmi5Statement.objects.get_or_create(
        session=session, verb=verb, defaults={"statement": stmt, "statement_id": stmt["id"]})
    return row if created else None


PUSH_TASK = "capsules.interop.tasks.push_cmi5"  # sent by name: tasks imports this module


def _queue(session_pk: int) -> None:
    transaction.on_commit(lambda: _send_later(session_pk))


def _send_later(session_pk: int) -> None:
    from celery import current_app

    try:
        current_app.send_task(PUSH_TASK, args=[session_pk], queue="lrs")
    except Exception:  # noqa: BLE001 - broker down: the rows stay pending, beat's push sends them later
        pass


@transaction.atomic
def start(user, capsule: Capsule, params: LaunchParams, data: LaunchData, token: str) -> Cmi5Session:
    extensions = data.context_template.get("extensions")
    lms_session = extensions.get(cmi5_statements.EXT_SESSION) if isinstance(extensions, dict) else None
    session = Cmi5Session.objects.create(
        session_id=lms_session if isinstance(lms_session, str) and 0 < len(lms_session) <= 255 else str(uuid.uuid4()),
        user=user, capsule=capsule, registration=params.registration, activity_id=params.activity_id,
        endpoint=params.endpoint, auth_token=token, actor=params.actor, context_template=data.context_template,
        launch_mode=data.launch_mode, move_on=data.move_on, mastery_score=data.mastery_score,
        return_url=data.return_url)
    _record(session, "initialized")
    _queue(session.pk)
    return session


def _sent_in_registration(session: Cmi5Session, verbs: set[str]) -> bool:
    return Cmi5Statement.objects.filter(session__registration=session.registration,
                                        session__activity_id=session.activity_id, verb__in=verbs).exists()


def on_progress(user_id: int, capsule_id: int) -> None:
    """The learner completed the capsule: each open Normal-mode session reports it (once)."""
    progress = Progress.objects.filter(user_id=user_id, capsule_id=capsule_id, completed=True).first()
    if progress is None:
        return
    for session in Cmi5Session.objects.filter(user_id=user_id, capsule_id=capsule_id, terminated_at__isnull=True,
                                              launch_mode=Cmi5Session.LaunchMode.NORMAL):
        with transaction.atomic():
            session = Cmi5Session.objects.select_for_update().get(pk=session.pk)
            if session.terminated_at is not None:
                continue
            recorded = False
            if not _sent_in_registration(session, {"completed"}):
                recorded |= _record(session, "completed") is not None
            if not _sent_in_registration(session, {"passed"}) and not session.statements.filter(
                    verb__in=["passed", "failed"]).exists():
                recorded |= _judge(session, progress.user)
            if recorded:
                _queue(session.pk)


def _judge(session: Cmi5Session, user) -> bool:
    """passed/failed for the capsule's questions; a capsule without questions passes only when the
    LMS's moveOn asks for a pass (completion is then its criterion), without a score."""
    percent = capsule_score(user, session.capsule)
    if percent is None:
        if session.move_on in PASS_REQUIRED:
            return _record(session, "passed") is not None
        return False
    scaled = percent / 100
    threshold = session.mastery_score if session.mastery_score is not None else 1.0
    verb = "passed" if scaled >= threshold - 1e-9 else "failed"
    return _record(session, verb, score=scaled) is not None


def terminate(session: Cmi5Session) -> bool:
    """End the session: ``terminated`` is recorded once and queued; later progress sends nothing."""
    with transaction.atomic():
        session = Cmi5Session.objects.select_for_update().get(pk=session.pk)
        if session.terminated_at is not None:
            return False
        session.terminated_at = timezone.now()
        session.save(update_fields=["terminated_at"])
        _record(session, "terminated")
        _queue(session.pk)
    return True


def _due(session_pk: int):
    now = timezone.now()
    return Cmi5Statement.objects.filter(session_id=session_pk, status=Cmi5Statement.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def send_session(session_pk: int) -> int:
    """Send the session's pending statements, in order, as one batch; returns how many were sent.
    LrsUnavailable when the LMS cannot take them now (they are rescheduled)."""
    with transaction.atomic():
        session = Cmi5Session.objects.select_for_update(skip_locked=True).filter(pk=session_pk).first()
        if session is None:
            return 0
        pending = Cmi5Statement.objects.filter(session_id=session_pk, status=Cmi5Statement.Status.PENDING)
        rows = list(pending.order_by("pk")) if _due(session_pk).exists() else []
        if not rows or not session.auth_token:
            return 0
        try:
            response = requests.post(f"{session.endpoint}/statements", json=[r.statement for r in rows],
                                     headers=xapi_headers(session.auth_token), timeout=lrs.TIMEOUT_S,
                                     allow_redirects=False)
        except requests.RequestException as exc:
            error = lrs.LrsUnavailable(f"LMS injoignable : {exc.__class__.__name__}")
        else:
            if response.status_code < 300:
                Cmi5Statement.objects.filter(pk__in=[r.pk for r in rows]).update(
                    status=Cmi5Statement.Status.SENT, sent_at=timezone.now(), last_error="")
                if session.terminated_at is not None:  # the last statement is out: the token is no longer needed
                    session.auth_token = ""
                    session.save(update_fields=["auth_token"])
                return len(rows)
            detail = f"HTTP {response.status_code} : {response.text[:500]}"
            if response.status_code in lrs.REFUSED:
                Cmi5Statement.objects.filter(pk__in=[r.pk for r in rows]).update(
                    status=Cmi5Statement.Status.REJECTED, last_error=detail)
                return 0
            error = lrs.LrsUnavailable(detail)
        now = timezone.now()
        for row in rows:
            row.attempts += 1
            row.last_error = str(error)[:2000]
            row.next_attempt_at = now + lrs.backoff(row.attempts)
        Cmi5Statement.objects.bulk_update(rows, ["attempts", "last_error", "next_attempt_at"])
    raise error


def due_sessions() -> list[int]:
    now = timezone.now()
    return list(Cmi5Statement.objects.filter(status=Cmi5Statement.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).values_list("session_id", flat=True)
        .distinct()[:500])
