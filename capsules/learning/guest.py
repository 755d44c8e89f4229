"""Answers and progress of a learner who has not signed in, kept in their session.

A visitor can try a capsule before creating an account: their answers are graded on the server
exactly as a learner's are (the key never leaves it) and stored in the session, with the watched
ranges and the resume position. When they sign in or sign up, ``capsules.learning.signin`` turns
what the session holds into real attempts and progress of the account, then empties it.

The session is bounded (MAX_ATTEMPTS answers, MAX_CAPSULES capsules): an anonymous client cannot
grow it without limit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from capsules.learning.grading import grade
from capsules.learning.progress import covered, is_complete, mandatory_ids, merge_ranges
from capsules.models import Capsule, Interaction

SESSION_KEY = "geste_guest"
MAX_ATTEMPTS = 300
MAX_CAPSULES = 50


@dataclass(frozen=True)
class GuestAttempt:
    """One graded answer kept in the session (the same fields an Attempt row stores)."""

    interaction: int
    capsule: int
    response: dict
    client_id: str
    answered_at: str
    correct: bool | None
    score: float
    went_on_at: str | None = None  # « Continuer » after this wrong answer (``Attempt.went_on_at``)


def _store(session) -> dict:
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        data = {"attempts": [], "progress": {}}
    data.setdefault("attempts", [])
    data.setdefault("progress", {})
    return data


def _save(session, data: dict) -> None:
    session[SESSION_KEY] = data
    session.modified = True


def attempts(session, capsule: Capsule | None = None) -> list[GuestAttempt]:
    rows = _store(session)["attempts"]
    out = [GuestAttempt(**row) for row in rows if isinstance(row, dict)]
    return [a for a in out if capsule is None or a.capsule == capsule.pk]


def answered_ids(session, capsule: Capsule) -> set[int]:
    return {a.interaction for a in attempts(session, capsule)}


def answer(session, interaction: Interaction, response, client_id, answered_at: datetime | None) -> tuple[dict, bool]:
    """Grade ``response`` and keep it in the session; the same client_id twice is one answer (replays).

    Raises ValueError (InvalidResponse) for a malformed response, like the signed-in path.
    Returns (the grade as a dict, duplicate).
    """
    data = _store(session)
    cid = str(client_id) if client_id else None
    if cid:
        for row in data["attempts"]:
            if row.get("client_id") == cid:
                previous = Interaction.objects.get(pk=row["interaction"])
                return grade(previous, row["response"]).to_dict(), True
    result = grade(interaction, response)
    if len(data["attempts"]) >= MAX_ATTEMPTS:
        raise ValueError("Trop de réponses sans compte : créez un compte pour continuer.")
    data["attempts"].append(
        {
            "interaction": interaction.pk,
            "capsule": interaction.capsule_id,
            "response": response,
            "client_id": cid or str(uuid.uuid4()),
            "answered_at": (answered_at or timezone.now()).isoformat(),
            "correct": result.correct,
            "score": result.score,
        }
    )
    _save(session, data)
    return result.to_dict(), False


def went_on(session, interaction: Interaction, client_id: str | None) -> dict | None:
    """« Continuer » after the visitor's wrong answer ``client_id`` to ``interaction`` (their latest answer
    to it when None), kept on that answer as on an account's attempt; the answer's row, or None when the
    session holds no such answer. Its first time stays (an offline queue sent twice)."""
    data = _store(session)
    rows = [row for row in data["attempts"] if isinstance(row, dict) and row.get("interaction") == interaction.pk
            and (client_id is None or row.get("client_id") == client_id)]
    if not rows:
        return None
    row = rows[-1]  # kept in the order given: the last is the latest
    if row.get("correct") is False and not row.get("went_on_at"):
        row["went_on_at"] = timezone.now().isoformat()
        _save(session, data)
    return row


def progress(session, capsule: Capsule) -> dict | None:
    """The visitor's progress on ``capsule``, shaped like the signed-in progress (or None)."""
    row = _store(session)["progress"].get(str(capsule.pk))
    if not row:
        return None
    fraction = round(covered(row.get("watched") or [], capsule.start, capsule.effective_end), 4)
    return {
        "position": row.get("position", capsule.start),
        "watched": row.get("watched") or [],
        "watched_fraction": fraction,
        "completed": is_complete(fraction, mandatory_ids(capsule), answered_ids(session, capsule)),
        "updated_at": row.get("updated_at"),
    }


def record_progress(session, capsule: Capsule, *, position: float | None, ranges, client_time: datetime | None) -> dict:
    """Merge watched ranges and move the resume position, as ``progress.record_progress`` does for an account."""
    data = _store(session)
    key = str(capsule.pk)
    if key not in data["progress"] and len(data["progress"]) >= MAX_CAPSULES:
        oldest = min(data["progress"], key=lambda k: data["progress"][k].get("updated_at") or "")
        del data["progress"][oldest]
    row = data["progress"].setdefault(key, {"position": capsule.start, "watched": [], "updated_at": None})
    lo, hi = capsule.start, capsule.effective_end
    if ranges:
        row["watched"] = merge_ranges(list(row.get("watched") or []) + list(ranges), lo, hi)
    stored = row.get("updated_at")
    stale = client_time is not None and stored is not None and client_time.isoformat() < stored
    if position is not None and not stale:
        row["position"] = max(lo, min(float(position), hi))
    row["updated_at"] = timezone.now().isoformat()
    _save(session, data)
    return progress(session, capsule)


def pop(session) -> dict:
    """Everything the session holds for the visitor, removed from it (merged once, never twice)."""
    data = _store(session)
    session.pop(SESSION_KEY, None)
    return data
