"""Assignment and Grade Services: the learner's result posted to the LMS line item of the link.

A capsule link's score is the reports' one (questions right at least once / questions, 0–100; 100
when the capsule asks nothing, completion being the criterion) once the capsule is completed. A
skills block link's score averages its live capsules (a capsule not yet completed counts 0) and
says ``InProgress`` until every capsule is completed. Sending is idempotent (the platform keeps the
latest timestamp); an LMS that is down or answers 5xx/429 raises ``LmsUnavailable`` so the Celery
task retries with backoff; any other refusal is recorded as failed, with the platform's answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.db import transaction
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from capsules.interop.lti.targets import Target, title_of
from capsules.interop.scorm_relay import capsule_score
from capsules.learning.views import live_capsule_pages
from capsules.models import Capsule, LtiGradeLink, Progress

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
HTTP_TIMEOUT_S = 15


class LmsUnavailable(Exception):
    """The platform could not take the grade now (network, 5xx, 429): try again later."""


@dataclass(frozen=True)
class Result:
    score_given: float
    score_maximum: float
    completed: bool


class _TimeoutSession(requests.Session):
    """pylti1p3 sends without a timeout; a platform that hangs must not hold a worker forever."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT_S)
        return super().request(*args, **kwargs)


def service_connector(registration) -> ServiceConnector:
    session = _TimeoutSession()
    session.headers["User-Agent"] = "Geste-LTI"
    return ServiceConnector(registration.to_registration(), requests_session=session)


def remember(lti_launch, user, target: Target) -> LtiGradeLink | None:
    """Record where this launch's result goes (None when the platform offers no grade service)."""
    claim = lti_launch.ags_claim or {}
    resource_link = lti_launch.resource_link_claim or {}
    scopes = [s for s in claim.get("scope", []) if isinstance(s, str)]
    if SCORE_SCOPE not in scopes or not resource_link.get("id"):
        return None
    if not claim.get("lineitem") and not (claim.get("lineitems") and LINEITEM_SCOPE in scopes):
        return None
    link, _ = LtiGradeLink.objects.update_or_create(
        lti_user=lti_launch.user, context=lti_launch.context, resource_link_id=str(resource_link["id"])[:255],
        defaults={
            "user": user,
            "capsule_id": target.pk if target.kind == "capsule" else None,
            "skills_block_id": target.pk if target.kind == "block" else None,
            "lineitem_url": str(claim.get("lineitem") or "")[:1000],
            "lineitems_url": str(claim.get("lineitems") or "")[:1000],
            "scopes": scopes,
        })
    return link


def links_for(user_id: int, capsule_id: int):
    """Grade links a capsule's progress may change: the capsule's own and its block's."""
    from django.db.models import Q

    return LtiGradeLink.objects.filter(Q(capsule_id=capsule_id) | Q(skills_block__capsules=capsule_id),
                                       user_id=user_id).distinct()


def result_for(link: LtiGradeLink) -> Result | None:
    """The result to send now, or None while there is nothing to report (capsule not completed)."""
    if link.capsule_id:
        progress = Progress.objects.filter(user_id=link.user_id, capsule_id=link.capsule_id).first()
        if not (progress and progress.completed):
            return None
        score = capsule_score(link.user, link.capsule)
        return Result(100.0 if score is None else float(score), 100.0, True)
    capsules = list(Capsule.objects.filter(skills_block_id=link.skills_block_id, page__in=live_capsule_pages()))
    if not capsules:
        return None
    done = set(Progress.objects.filter(user_id=link.user_id, capsule__in=capsules, completed=True)
               .values_list("capsule_id", flat=True))
    if not done:
        return None
    scores = []
    for capsule in capsules:
        if capsule.pk in done:
            score = capsule_score(link.user, capsule)
            scores.append(100.0 if score is None else float(score))
        else:
            scores.append(0.0)
    return Result(round(sum(scores) / len(scores), 1), 100.0, len(done) == len(capsules))


def _progress_label(result: Result) -> str:
    return "Completed" if result.completed else "InProgress"


def needs_sending(link: LtiGradeLink, result: Result | None = None) -> bool:
    result = result if result is not None else result_for(link)
    if result is None:
        return False
    # sent, or refused for good (a 4xx): only a different result is worth another try
    done = (LtiGradeLink.Status.SENT, LtiGradeLink.Status.FAILED)
    return not (link.status in done and link.score_given == result.score_given
                and link.activity_progress == _progress_label(result))


def _grade(link: LtiGradeLink, result: Result) -> Grade:
    return (Grade().set_score_given(result.score_given).set_score_maximum(result.score_maximum)
            .set_activity_progress(_progress_label(result))
            .set_grading_progress("FullyGraded" if result.completed else "Pending")
            .set_timestamp(timezone.now().isoformat(timespec="milliseconds"))
            .set_user_id(link.lti_user.sub))


def _lineitem(link: LtiGradeLink) -> LineItem | None:
    """Links made without a line item: find or create Geste's one in the course (by tag)."""
    if link.lineitem_url:
        return None
    target = Target("capsule", link.capsule_id) if link.capsule_id else Target("block", link.skills_block_id)
    return (LineItem().set_tag(f"geste-{target.key}").set_score_maximum(100)
            .set_label(title_of(target)[:255] or "Geste").set_resource_id(f"geste-{target.key}"))


def send(link_id: int) -> str:
    """Post the link's current result; returns what happened (``sent``, ``waiting``, ``failed``)."""
    link = (LtiGradeLink.objects.select_related("lti_user__registration", "user", "capsule")
            .filter(pk=link_id).first())
    if link is None:
        return "gone"
    result = result_for(link)
    if result is None:
        LtiGradeLink.objects.filter(pk=link.pk).update(status=LtiGradeLink.Status.WAITING)
        return "waiting"
    if not needs_sending(link, result):
        return "unchanged"
    service_data = {"scope": link.scopes, "lineitems": link.lineitems_url or None,
                    "lineitem": link.lineitem_url or None}
    ags = AssignmentsGradesService(service_connector(link.lti_user.registration), service_data)
    LtiGradeLink.objects.filter(pk=link.pk).update(attempts=link.attempts + 1, status=LtiGradeLink.Status.PENDING)
    try:
        ags.put_grade(_grade(link, result), _lineitem(link))
    except requests.RequestException as exc:
        _failed(link, result, f"Plateforme injoignable : {exc}", final=False)
        raise LmsUnavailable(str(exc)) from exc
    except LtiServiceException as exc:
        status = exc.response.status_code
        transient = status >= 500 or status == 429
        _failed(link, result, f"La plateforme a répondu {status} : {exc.response.text[:500]}", final=not transient)
        if transient:
            raise LmsUnavailable(str(exc)) from exc
        return "failed"
    except LtiException as exc:
        _failed(link, result, f"Envoi impossible : {exc}", final=True)
        return "failed"
    with transaction.atomic():
        LtiGradeLink.objects.filter(pk=link.pk).update(
            status=LtiGradeLink.Status.SENT, score_given=result.score_given, score_maximum=result.score_maximum,
            activity_progress=_progress_label(result), sent_at=timezone.now(),
            last_error="")
    return "sent"


def _failed(link: LtiGradeLink, result: Result, message: str, final: bool) -> None:
    fields = {"last_error": message[:2000], "status": LtiGradeLink.Status.PENDING}
    if final:
        fields.update(status=LtiGradeLink.Status.FAILED, score_given=result.score_given,
                      activity_progress=_progress_label(result))
    LtiGradeLink.objects.filter(pk=link.pk).update(**fields)
