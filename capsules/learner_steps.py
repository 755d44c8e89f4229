"""The steps learners see: the version the expert approved, not the steps being edited.

The expert's approval (``capsules.review.api.approve``) stores the approved steps and the footage's key
points on the footage (``Footage.approved_snapshot``). A designer reopening the review leaves that
snapshot alone: the expert's and designer's saves change the live ``Step`` rows (review screen,
authoring), while every learner-facing reader (capsule page, manifest, chapters, offline list, search,
portfolio) reads the snapshot, until the next approval replaces it.

A footage without a snapshot (never approved through the review screen: fixtures, the demo; footage
approved before snapshots existed get one from migration 0011) is read from its live rows, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.dispatch import Signal
from django.utils.translation import gettext

from capsules.models import Capsule, Footage, KeyPoint, Step, clock_tenths

RANGE_SLACK = 0.01  # s: a step this close to the capsule's range still belongs to it (``Capsule.steps``)

# The title the pipeline gives a step it could not name, as stored: « Étape 3 », or « Étape 3 (suite) »
# after a split (``capsules.review.api.DEFAULT_TITLE`` renumbers it).
_DEFAULT_TITLE = re.compile(r"^\s*(?:Étape|Etape)\s+(\d+)((?:\s*\(suite\))*)\s*$", re.IGNORECASE)


TIME_SLACK = 0.05  # s: half a tenth, the precision every screen writes a moment with (0:07,2)


def step_at(steps, time: float, slack: float = TIME_SLACK):
    """The step that contains the instant ``time`` (anything with ``start`` and ``end``, one clock). Steps are
    half-open, [start, end): a moment on the boundary between two steps is the later one's start, never the
    earlier one's end (walk 38: the designer tapped « Ouvrir le hublot », its start 0:07,2 became the
    question's time, and the question went to the step ending there); only a step's end with no step starting
    there takes the moment itself. A moment written to the tenth (``slack`` before a start) is that start.
    None when it lies in no step. The one rule of the designer's form, its list and the remembered step; the
    learner's player and manifest (``learning.shared_content.owning_step``) and the review screen agree."""
    ordered = sorted(steps, key=lambda s: s.start)
    return (next((s for s in ordered if s.start - slack <= time < s.end - slack), None)
            or next((s for s in ordered if s.start - slack <= time <= s.end + slack), None))


def display_title(title: str, position: int) -> str:
    """A step's title as a learner reads it, in the active language. Titles are stored data: one the expert
    or designer typed is shown as typed; only the untouched default (« Étape 3 », « Étape 3 (suite) ») or
    no title at all is said in the page's language (« Step 3 »). French: the stored title, unchanged."""
    title = title or ""
    found = _DEFAULT_TITLE.match(title)
    if title.strip() and not found:
        return title
    step = gettext("Étape %(n)s")
    if step == "Étape %(n)s" and title.strip():  # French (no translation): as stored
        return title
    text = step % {"n": int(found.group(1)) if found else position}
    for _ in range(found.group(2).count("(") if found else 0):
        text = gettext("%(title)s (suite)") % {"title": text}
    return text

def is_default_title(title: str, number: int) -> bool:
    """Whether a step's title says nothing but its number ``number`` (none, « Étape 3 », or « Step 3 » once
    shown in English): texts that name a step by its number then say it once (walk 28: « Étape 3 — Étape 3 »,
    « l'étape 2 « Étape 2 » »). « Étape 3 (suite) » or another number say more: they are kept."""
    title = (title or "").strip()
    if not title:
        return True
    found = _DEFAULT_TITLE.match(title)
    if found and not found.group(2) and int(found.group(1)) == number:
        return True
    return title == gettext("Étape %(n)s") % {"n": number}


# Sent by the expert's approval (``capsules.review.api.approve``), inside its transaction, with
# ``footage``, ``before`` (the previous snapshot, or None) and ``after`` (the new one). The designer's side
# (``capsules.authoring.step_changes``) drafts its pending proposals again when the steps changed.
steps_approved = Signal()


@dataclass(frozen=True)
class LearnerKeyPoint:
    id: int
    time: float
    kind: str
    text: str
    step_id: int | None


@dataclass(frozen=True)
class LearnerStep:
    id: int
    order: int
    start: float
    end: float
    title: str
    keyframe: str
    keyframe_time: float | None
    keyframe_region: tuple[float, ...] | None
    key_terms: tuple[str, ...]
    key_points: tuple[LearnerKeyPoint, ...]
    approved: bool = True  # a live row read without a snapshot: its own flag

    @property
    def pk(self) -> int:
        return self.id

    def __str__(self) -> str:
        return self.title or f"{clock_tenths(self.start)} – {clock_tenths(self.end)}"


@dataclass(frozen=True)
class LearnerSteps:
    """A footage's steps and key points as learners see them, in time order."""

    steps: tuple[LearnerStep, ...]
    key_points: tuple[LearnerKeyPoint, ...]
    from_snapshot: bool

    def steps_in(self, start: float, end: float) -> list[LearnerStep]:
        """The steps inside [start, end], as ``Capsule.steps()`` chooses them."""
        return [s for s in self.steps if s.start >= start - RANGE_SLACK and s.end <= end + RANGE_SLACK]

    def key_points_in(self, start: float, end: float) -> list[LearnerKeyPoint]:
        return [kp for kp in self.key_points if start <= kp.time <= end]


# --- the snapshot, as stored ------------------------------------------------------------------------


def _key_point_dict(kp: KeyPoint) -> dict:
    return {"id": kp.pk, "time": kp.time, "kind": kp.kind, "text": kp.text, "step_id": kp.step_id}


def build_snapshot(footage: Footage) -> dict:
    """What learners will see of ``footage``'s steps, from its live rows (stored at approval)."""
    key_points = [_key_point_dict(kp) for kp in footage.key_points.order_by("time", "pk")]
    steps = [
        {
            "id": s.pk, "order": s.order, "start": s.start, "end": s.end, "title": s.title,
            "keyframe": s.keyframe, "keyframe_time": s.keyframe_time, "keyframe_region": s.keyframe_region,
            "key_terms": list(s.key_terms or []),
        }
        for s in footage.steps.order_by("start", "pk")
    ]
    return {"steps": steps, "key_points": key_points}


def _key_point(d: dict) -> LearnerKeyPoint:
    return LearnerKeyPoint(id=d["id"], time=d["time"], kind=d["kind"], text=d["text"], step_id=d.get("step_id"))


def _read(snapshot: dict) -> LearnerSteps:
    key_points = tuple(_key_point(d) for d in snapshot.get("key_points") or [])
    steps = tuple(
        LearnerStep(
            id=d["id"], order=d["order"], start=d["start"], end=d["end"], title=d["title"] or "",
            keyframe=d.get("keyframe") or "", keyframe_time=d.get("keyframe_time"),
            keyframe_region=tuple(d["keyframe_region"]) if d.get("keyframe_region") else None,
            key_terms=tuple(d.get("key_terms") or []),
            key_points=tuple(kp for kp in key_points if kp.step_id == d["id"]),
        )
        for d in sorted(snapshot.get("steps") or [], key=lambda d: (d["start"], d["id"]))
    )
    return LearnerSteps(steps=steps, key_points=key_points, from_snapshot=True)


def _live(footage_ids: list[int]) -> dict[int, LearnerSteps]:
    """Footage without a snapshot, read from their rows."""
    points: dict[int, list[LearnerKeyPoint]] = {pk: [] for pk in footage_ids}
    for kp in KeyPoint.objects.filter(footage_id__in=footage_ids).order_by("time", "pk"):
        points[kp.footage_id].append(_key_point(_key_point_dict(kp)))
    steps: dict[int, list[LearnerStep]] = {pk: [] for pk in footage_ids}
    for s in Step.objects.filter(footage_id__in=footage_ids).order_by("start", "pk"):
        steps[s.footage_id].append(LearnerStep(
            id=s.pk, order=s.order, start=s.start, end=s.end, title=s.title, keyframe=s.keyframe,
            keyframe_time=s.keyframe_time,
            keyframe_region=tuple(s.keyframe_region) if s.keyframe_region else None,
            key_terms=tuple(s.key_terms or []),
            key_points=tuple(kp for kp in points[s.footage_id] if kp.step_id == s.pk),
            approved=s.approved,
        ))
    return {pk: LearnerSteps(tuple(steps[pk]), tuple(points[pk]), from_snapshot=False) for pk in footage_ids}


# --- the readers ----------------------------------------------------------------------------------


def for_footages(footage_ids) -> dict[int, LearnerSteps]:
    """Learners' steps of several footage at once (search)."""
    ids = list(dict.fromkeys(footage_ids))
    snapshots = dict(Footage.objects.filter(pk__in=ids).values_list("pk", "approved_snapshot"))
    found = {pk: _read(snap) for pk, snap in snapshots.items() if snap}
    found.update(_live([pk for pk in ids if pk not in found]))
    return found


def for_footage(footage: Footage) -> LearnerSteps:
    if footage.approved_snapshot:
        return _read(footage.approved_snapshot)
    return live_view(footage)


def live_view(footage: Footage) -> LearnerSteps:
    """The footage's steps as saved now, approved or not (previews, for their authors)."""
    return _live([footage.pk])[footage.pk]


def capsule_steps(capsule: Capsule) -> list[LearnerStep]:
    """The steps of the capsule's range that learners see, in time order."""
    return for_footage(capsule.footage).steps_in(capsule.start, capsule.effective_end)


def question_step_start(interaction, capsule: Capsule | None = None) -> float | None:
    """Where the step a question is attached to starts, in the version learners see. Attached to a step
    that version lacks (merged or split in a reopened review since): the approved step the question's
    time lies in. None when attached to no step, or outside every step: callers use its time."""
    if not interaction.step_id:
        return None
    steps = for_footage((capsule or interaction.capsule).footage).steps
    found = next((s for s in steps if s.id == interaction.step_id), None)
    found = found or next((s for s in steps if s.start <= interaction.time <= s.end), None)
    return found.start if found else None


def capsule_key_points(capsule: Capsule) -> list[LearnerKeyPoint]:
    return for_footage(capsule.footage).key_points_in(capsule.start, capsule.effective_end)


# --- what a learner completed ---------------------------------------------------------------------


@dataclass(frozen=True)
class CompletedStep:
    """A step of a capsule as the learner saw it when completing it (``Progress.completed_steps``)."""

    title: str
    start: float
    end: float
    keyframe: str = ""

    def __str__(self) -> str:
        return self.title or f"{clock_tenths(self.start)} – {clock_tenths(self.end)}"


def completed_steps(capsule: Capsule) -> list[dict]:
    """The capsule's learner steps now, as stored on the learner's completion (JSON)."""
    return [{"title": s.title, "start": s.start, "end": s.end, "keyframe": s.keyframe}
            for s in capsule_steps(capsule) if s.approved]


def read_completed(stored: list[dict]) -> list[CompletedStep]:
    return [CompletedStep(title=d.get("title") or "", start=d["start"], end=d["end"], keyframe=d.get("keyframe") or "")
            for d in stored]


def same_steps(recorded: list[CompletedStep], current: list[LearnerStep]) -> bool:
    """Whether the capsule still has the steps a completion recorded (titles and bounds; pictures aside)."""
    return [(s.title, s.start, s.end) for s in recorded] == [(s.title or "", s.start, s.end) for s in current]


def step_facts(step) -> dict:
    """What a question remembers of its step when the designer saves it (``Interaction.step_seen``)."""
    return {"id": step.id if hasattr(step, "id") else step.pk, "title": step.title or "",
            "start": round(float(step.start), 3), "end": round(float(step.end), 3)}


def steps_changed(before: dict | None, after: dict | None) -> bool:
    """Whether two snapshots' steps differ (a title, a bound, a step added or gone)."""
    def facts(snap):
        return sorted((d["id"], d.get("title") or "", round(d["start"], 3), round(d["end"], 3))
                      for d in (snap or {}).get("steps") or [])
    return facts(before) != facts(after)
