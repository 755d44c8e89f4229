"""cmi5 "defined" statements (initialized, completed, passed, failed, terminated) for one AU session.

The same builder as the export files and the LRS outbox (``xapi.VERBS``, ``xapi.iso_timestamp``),
with the cmi5 rules on top (cmi5 spec, "AU requirements" and "xAPI data model"): the launch's actor
and activity id unchanged, the LMS's ``contextTemplate`` merged in, ``registration``, the session id
extension, the cmi5 category activity (and the moveOn one on completed, passed and failed), the
mastery score extension on passed/failed, ``result.duration`` where the spec requires it. Statement
ids are UUIDv5 of the session and the verb: a retried send never makes a second statement.
"""

from __future__ import annotations

import copy
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from capsules.analytics.xapi import VERBS, iso_timestamp

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXT_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
EXT_MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
CMI5_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://geste.invalid/xapi/cmi5")
DEFINED = ("initialized", "completed", "passed", "failed", "terminated")
MOVEON_VERBS = {"completed", "passed", "failed"}  # the statements an LMS weighs against moveOn


@dataclass(frozen=True)
class AuSession:
    """What one cmi5 launch fixed: who, which AU, which registration and session, the LMS's template."""

    session_id: str  # the LMS's (contextTemplate), so statements and the LMS agree
    actor: dict
    activity_id: str
    registration: uuid.UUID
    context_template: dict = field(default_factory=dict)
    mastery_score: float | None = None


def duration(seconds: float) -> str:
    """ISO 8601 duration with 0.01 s precision, as cmi5 recommends."""
    seconds = max(0.0, float(seconds)) if math.isfinite(seconds) else 0.0
    return f"PT{seconds:.2f}S"


def statement_id(registration: uuid.UUID, session_id: str, verb: str) -> str:
    return str(uuid.uuid5(CMI5_NAMESPACE, f"{registration}:{session_id}:{verb}"))


def _category(activity_id: str) -> dict:
    return {"objectType": "Activity", "id": activity_id}


def _context(session: AuSession, verb: str, moves_on: bool) -> dict:
    context = copy.deepcopy(session.context_template) if isinstance(session.context_template, dict) else {}
    context["registration"] = str(session.registration)
    activities = context.get("contextActivities") if isinstance(context.get("contextActivities"), dict) else {}
    categories = [c for c in activities.get("category", []) if isinstance(c, dict)] \
        if isinstance(activities.get("category"), list) else []
    wanted = [CMI5_CATEGORY] + ([MOVEON_CATEGORY] if moves_on else [])
    categories += [_category(iri) for iri in wanted if iri not in {c.get("id") for c in categories}]
    context["contextActivities"] = {**activities, "category": categories}
    extensions = context.get("extensions") if isinstance(context.get("extensions"), dict) else {}
    extensions[EXT_SESSION] = str(session.session_id)
    if verb in {"passed", "failed"} and session.mastery_score is not None:
        extensions[EXT_MASTERY] = session.mastery_score
    context["extensions"] = extensions
    return context


def defined_statement(session: AuSession, verb: str, when: datetime, *, elapsed_s: float | None = None,
                      score: float | None = None) -> dict:
    """One cmi5 defined statement. ``score`` is scaled (0–1), for passed/failed; ``elapsed_s`` the time
    since "initialized" (completed, passed, failed and terminated carry it as result.duration)."""
    if verb not in DEFINED:
        raise ValueError(f"not a cmi5 defined verb: {verb}")
    stmt: dict = {
        "id": statement_id(session.registration, session.session_id, verb),
        "actor": session.actor,
        "verb": {"id": VERBS[verb].id, "display": {"en-US": VERBS[verb].en}},
        "object": {"objectType": "Activity", "id": session.activity_id},
        "timestamp": iso_timestamp(when),
        "context": _context(session, verb, verb in MOVEON_VERBS),
    }
    result: dict = {}
    if verb == "completed":
        result["completion"] = True
    if verb in {"passed", "failed"}:
        result["success"] = verb == "passed"
        if score is not None:
            result["score"] = {"scaled": round(max(0.0, min(1.0, float(score))), 4)}
    if verb != "initialized":
        result["duration"] = duration(elapsed_s or 0.0)
    if result:
        stmt["result"] = result
    return stmt
