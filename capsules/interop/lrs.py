"""xAPI statements to a Learning Record Store, through an outbox so that nothing is lost.

``collect`` turns learner events that have no outbox row yet into rows (the statement built by
``capsules.analytics.xapi``, the same builder as the export files). ``send_due`` posts pending rows
in batches (``POST {endpoint}/statements``, xAPI 1.0.3, basic auth) and marks them sent only once the
LRS answered 2xx; when the LRS is down or answers 5xx the rows stay pending with a next try time
(exponential backoff, capped), and the caller retries later. A batch refused (400, or 422 from Ralph) is retried one
statement at a time so that one bad statement is marked "rejected" without holding back the others.
Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``: two workers never send the same row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from capsules.analytics import xapi
from capsules.models import LearnerEvent, LrsStatement

MAX_BACKOFF_S = 3600
# The LRS refuses the content itself (xAPI says 400; Ralph, on FastAPI, answers 422): retrying is useless.
REFUSED = {400, 409, 422}
TIMEOUT_S = 20


class LrsUnavailable(Exception):
    """The LRS could not take the batch now (network, 5xx, 429): retry later, nothing is lost."""


@dataclass(frozen=True)
class LrsConfig:
    endpoint: str
    username: str
    password: str
    batch_size: int = 50
    problem: str = ""  # why a configured endpoint was refused (shown to designers)

    @property
    def enabled(self) -> bool:
        return bool(self.endpoint)


@dataclass(frozen=True)
class SendReport:
    sent: int
    rejected: int


def config() -> LrsConfig:
    """Settings first, then the environment (a worker started without the settings still finds them)."""
    def value(name: str, default: str = "") -> str:
        return str(getattr(settings, name, None) or os.environ.get(name, default))

    endpoint, problem = checked_endpoint(value("GESTE_LRS_ENDPOINT"))
    return LrsConfig(endpoint, value("GESTE_LRS_USERNAME"), value("GESTE_LRS_PASSWORD"),
                     int(value("GESTE_LRS_BATCH_SIZE", "50")), problem)


def checked_endpoint(raw: str) -> tuple[str, str]:
    """``(endpoint, "")`` for an absolute http(s) URL with a host, else ``("", why)``: statements carry
    learners' data, and a ``file:``, ``javascript:`` or ``gopher:`` address must never be posted to or
    shown as a link."""
    raw = raw.strip()
    if not raw:
        return "", ""
    try:
        parts = urlsplit(raw)
    except ValueError:
        parts = None
    if (parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname
            or any(c.isspace() or ord(c) < 32 for c in raw)):
        return "", gettext("Adresse du LRS refusée (GESTE_LRS_ENDPOINT) : seules les adresses http ou https "
                     "complètes sont acceptées.")
    return raw.rstrip("/"), ""


def home_page() -> str:
    from capsules.interop.course import site_root

    return site_root()


def collect(limit: int = 1000) -> int:
    """Outbox rows for events that have none yet; returns how many were added."""
    events = LearnerEvent.objects.filter(lrs_statement__isnull=True).order_by("pk")[:limit]
    pks = list(events.values_list("pk", flat=True))
    if not pks:
        return 0
    rows = []
    for event_pk, stmt in xapi.event_statements(LearnerEvent.objects.filter(pk__in=pks), home_page()):
        rows.append(LrsStatement(event_id=event_pk, statement=stmt, statement_id=stmt["id"] if stmt else None,
                                 status=LrsStatement.Status.PENDING if stmt else LrsStatement.Status.SKIPPED))
    try:
        created = LrsStatement.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # pragma: no cover - ignore_conflicts covers concurrent collectors
        return 0
    return len(created)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF_S, 2 ** max(0, attempts)))


def _post(cfg: LrsConfig, statements: list[dict]) -> requests.Response:
    try:
        return requests.post(f"{cfg.endpoint}/statements", json=statements, timeout=TIMEOUT_S,
                             auth=(cfg.username, cfg.password) if cfg.username else None,
                             headers={"X-Experience-API-Version": xapi.XAPI_VERSION})
    except requests.RequestException as exc:
        raise LrsUnavailable(f"LRS injoignable : {exc.__class__.__name__}") from exc


def _due():
    now = timezone.now()
    return LrsStatement.objects.filter(status=LrsStatement.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _mark_failed(rows: list[LrsStatement], error: str) -> None:
    now = timezone.now()
    for row in rows:
        row.attempts += 1
        row.last_error = error[:2000]
        row.next_attempt_at = now + backoff(row.attempts)
    LrsStatement.objects.bulk_update(rows, ["attempts", "last_error", "next_attempt_at"])


def _send_rows(cfg: LrsConfig, rows: list[LrsStatement]) -> SendReport:
    response = _post(cfg, [r.statement for r in rows])
    if response.status_code < 300:
        LrsStatement.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=LrsStatement.Status.SENT, sent_at=timezone.now(), last_error="")
        return SendReport(len(rows), 0)
    detail = f"HTTP {response.status_code} : {response.text[:500]}"
    if response.status_code in REFUSED | {413} and len(rows) > 1:  # find the bad one(s), send the rest
        sent = rejected = 0
        for row in rows:
            report = _send_rows(cfg, [row])
            sent, rejected = sent + report.sent, rejected + report.rejected
        return SendReport(sent, rejected)
    if response.status_code in REFUSED:  # this statement will never be accepted as it is: keep it, flagged
        LrsStatement.objects.filter(pk=rows[0].pk).update(status=LrsStatement.Status.REJECTED, last_error=detail,
                                                          attempts=rows[0].attempts + 1)
        return SendReport(0, 1)
    raise LrsUnavailable(detail)


def send_due(cfg: LrsConfig | None = None, max_batches: int = 100) -> SendReport:
    """Send pending rows whose time has come, batch by batch; raises LrsUnavailable on the first
    batch the LRS cannot take (that batch is rescheduled, later ones wait their turn)."""
    cfg = cfg or config()
    sent = rejected = 0
    if not cfg.enabled:
        return SendReport(0, 0)
    for _ in range(max_batches):
        with transaction.atomic():
            rows = list(_due().select_for_update(skip_locked=True).order_by("pk")[: cfg.batch_size])
            if not rows:
                break
            try:
                report = _send_rows(cfg, rows)
            except LrsUnavailable as exc:
                _mark_failed(rows, str(exc))  # committed with the block: the next try time is kept
                failure = exc
            else:
                sent, rejected = sent + report.sent, rejected + report.rejected
                continue
        raise failure
    return SendReport(sent, rejected)


def pending_count() -> int:
    return LrsStatement.objects.filter(status=LrsStatement.Status.PENDING).count()
