"""Learner progress: watched ranges, the capsule completion rule, skills block progress.

A capsule is complete when the learner watched at least 90 % of its range (actually
played, merged ranges: seeking does not count) and answered every mandatory interaction.
Ranges sent by the player are merged with those already stored, so replays from several
devices, or an offline queue flushed late, only ever add to what was watched.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction

from capsules import clock, learner_steps
from capsules.learning.grading import UNGRADED_KINDS  # self-assessed: no right answer
from capsules.models import Attempt, BadgeCredential, Capsule, Interaction, LearnerEvent, Progress

COMPLETION_FRACTION = 0.9
GAP_TOLERANCE = 0.5  # seconds: two ranges this close are one (timeupdate granularity)


def merge_ranges(ranges, lo: float | None = None, hi: float | None = None) -> list[list[float]]:
    """Sorted, non-overlapping [start, end] ranges, clipped to [lo, hi]; junk entries are dropped."""
    clean = []
    for item in ranges or []:
        try:
            a, b = float(item[0]), float(item[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if a != a or b != b:  # NaN
            continue
        a, b = min(a, b), max(a, b)
        if lo is not None:
            a, b = max(a, lo), max(b, lo)
        if hi is not None:
            a, b = min(a, hi), min(b, hi)
        if b > a:
            clean.append([a, b])
    clean.sort()
    merged: list[list[float]] = []
    for a, b in clean:
        if merged and a <= merged[-1][1] + GAP_TOLERANCE:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [[round(a, 3), round(b, 3)] for a, b in merged]


def covered(ranges, lo: float, hi: float) -> float:
    """Fraction of [lo, hi] covered by (merged) ranges."""
    if hi <= lo:
        return 0.0
    total = sum(b - a for a, b in merge_ranges(ranges, lo, hi))
    return min(1.0, total / (hi - lo))


@dataclass(frozen=True)
class ToWatch:
    """A part of a capsule still to watch: a step (``number`` among the capsule's steps, from 1), or a
    stretch outside any step (``number`` None) from ``start`` to ``end`` (footage time)."""

    number: int | None
    title: str
    start: float
    end: float


def left_to_watch(watched, lo: float, hi: float, steps) -> list[ToWatch]:
    """What is left to watch for the rule above (``COMPLETION_FRACTION`` of [lo, hi]): the steps, or
    stretches outside any step, not watched, earliest first, until the rule would be met. ``steps``: the
    capsule's (``learner_steps.capsule_steps``). The player's end panel says the same from what it knows
    (``missing`` in frontend/src/player/player.js); the block page says it from the stored progress."""
    if hi <= lo:
        return []
    seen = merge_ranges(watched, lo, hi)
    need = COMPLETION_FRACTION * (hi - lo) - sum(b - a for a, b in seen) - 1e-9 * (hi - lo)
    gaps, at = [], lo
    for a, b in [*seen, [hi, hi]]:
        if a - at > 0.01:
            gaps.append((at, a))
        at = max(at, b)
    # A gap shorter than GAP_TOLERANCE (the instant before a question at the start) is no part to watch,
    # unless nothing else is left.
    real = [g for g in gaps if g[1] - g[0] > GAP_TOLERANCE]
    parts: list[ToWatch] = []
    for a, b in real or gaps:
        if need <= 0:
            break
        hit = [(n, st) for n, st in enumerate(steps, start=1) if min(st.end, b) - max(st.start, a) > 0.05]
        for n, st in hit:
            if not any(p.number == n for p in parts):
                parts.append(ToWatch(n, st.title or f"Étape {n}", max(st.start, a), st.end))
        if not hit:
            parts.append(ToWatch(None, "", a, b))
        need -= b - a
    return parts


def watched_percent(watched, lo: float, hi: float) -> int:
    """The share of [lo, hi] watched (« Commencée — 40 % regardé » on the block page), counted as the rule
    above counts it (merged ranges clipped to the capsule) and rounded down: it says 90 % only once
    ``left_to_watch`` has nothing left (89.8 % rounded to 90 % with a stretch still to watch would not agree)."""
    return math.floor(100 * covered(watched, lo, hi) + 1e-7)


def mandatory_ids(capsule: Capsule) -> set[int]:
    return set(
        capsule.interactions.filter(mandatory=True, draft_status="accepted").values_list("pk", flat=True)
    )


def answered_ids(user, capsule: Capsule) -> set[int]:
    return set(
        Attempt.objects.filter(user=user, interaction__capsule=capsule).order_by()
        .values_list("interaction_id", flat=True).distinct()
    )


def is_complete(fraction: float, mandatory: set[int], answered: set[int]) -> bool:
    """The completion rule: watched >= 90 % and every mandatory interaction answered."""
    return fraction >= COMPLETION_FRACTION - 1e-9 and mandatory <= answered


@transaction.atomic
def record_progress(
    user, capsule: Capsule, *, position: float | None = None, ranges=None, client_time: datetime | None = None,
    mandatory: frozenset[int] | None = None,
) -> Progress:
    """Merge watched ranges, move the resume position (unless the update is older), re-check completion.

    ``client_time`` is when the player produced the update: an offline update flushed after a
    newer one from another device must not move the resume position back. ``mandatory``: the
    capsule's mandatory questions when the caller knows them (the learner API caches them).
    """
    progress, created = Progress.objects.select_for_update().get_or_create(user=user, capsule=capsule)
    lo, hi = capsule.start, capsule.effective_end
    if ranges:
        progress.watched = merge_ranges(list(progress.watched or []) + list(ranges), lo, hi)
        progress.watched_fraction = round(covered(progress.watched, lo, hi), 4)
    # A row this update just created holds no newer position (its updated_at is this request's own time:
    # walk 24b, the first save as the learner left was called stale and the resume point stayed at 0).
    stale = (not created and client_time is not None and progress.updated_at is not None
             and client_time < progress.updated_at)
    if position is not None and not stale:
        progress.position = max(lo, min(float(position), hi))
    _check_completion(user, capsule, progress, mandatory=mandatory)
    progress.save()
    return progress


def refresh_completion(user, capsule: Capsule) -> bool:
    """Re-check completion after answers (the last mandatory answer can complete a capsule)."""
    return completion_after_answer(user, capsule)[0]


def completion_after_answer(user, capsule: Capsule, mandatory: frozenset[int] | None = None,
                            known: tuple[set[int], tuple | None] | None = None) -> tuple[bool, list[int]]:
    """Re-check completion after an answer: (completed, the mandatory questions still unanswered).

    ``mandatory``: the capsule's mandatory accepted questions when the caller knows them (the learner
    API caches them). ``known``: (answered mandatory ids, (completed, watched_fraction) or None) when
    the caller has just read them (``answer_store``); otherwise two light reads. The progress row is
    created or locked only when this answer may complete the capsule."""
    mandatory = mandatory_ids(capsule) if mandatory is None else mandatory
    answered, row = known if known is not None else _answered_and_progress(user.pk, capsule.pk, mandatory)
    left = set(mandatory) - answered
    completed, fraction = row or (False, None)
    if fraction is None or (not completed and not left and is_complete(fraction, set(), set())):
        with transaction.atomic(savepoint=False):
            progress, created = Progress.objects.select_for_update().get_or_create(user=user, capsule=capsule)
            if _check_completion(user, capsule, progress, mandatory=left, answered=set()):
                progress.save()
        completed = progress.completed
    return completed, sorted(left)


def _answered_and_progress(user_id: int, capsule_id: int, mandatory) -> tuple[set[int], tuple | None]:
    """Which of ``mandatory`` the learner answered, and (completed, watched_fraction) of their progress.

    Two plain statements through the connection, not the ORM: they run on every answer, and building
    the ORM queries cost more than running them (portable SQL: PostgreSQL and SQLite alike)."""
    from django.db import connection

    qn = connection.ops.quote_name
    answered: set[int] = set()
    with connection.cursor() as cursor:
        if mandatory:
            ids = sorted(mandatory)
            cursor.execute(
                f"SELECT DISTINCT {qn('interaction_id')} FROM {qn(Attempt._meta.db_table)} "
                f"WHERE {qn('user_id')} = %s AND {qn('interaction_id')} IN ({', '.join(['%s'] * len(ids))})",
                [user_id, *ids],
            )
            answered = {r[0] for r in cursor.fetchall()}
        cursor.execute(
            f"SELECT {qn('completed')}, {qn('watched_fraction')} FROM {qn(Progress._meta.db_table)} "
            f"WHERE {qn('user_id')} = %s AND {qn('capsule_id')} = %s",
            [user_id, capsule_id],
        )
        row = cursor.fetchone()
    return answered, (bool(row[0]), row[1]) if row else None


def _check_completion(user, capsule: Capsule, progress: Progress, mandatory=None, answered=None) -> bool:
    if progress.completed or not is_complete(progress.watched_fraction, set(), set()):
        return False  # nothing to read while less than the required share is watched
    mandatory = mandatory_ids(capsule) if mandatory is None else mandatory
    answered = answered_ids(user, capsule) if answered is None else answered
    if is_complete(progress.watched_fraction, mandatory, answered):
        progress.completed = True
        progress.completed_at = clock.now()
        progress.completed_steps = learner_steps.completed_steps(capsule)  # what the portfolio will list
        LearnerEvent.objects.create(
            user=user,
            capsule=capsule,
            verb="completed",
            timestamp=progress.completed_at,
            data={"watched_fraction": progress.watched_fraction, "position": progress.position},
        )
        return True
    return False


@dataclass(frozen=True)
class BlockProgress:
    """How far a learner is in a skills block (live capsules only)."""

    total: int
    completed: int
    started: int
    # The mandatory graded questions of the completed capsules, and how many got a right answer (the
    # badge needs them right): a capsule is completed once watched, even with every answer wrong.
    questions: int = 0
    right: int = 0
    # Of ``questions``, those the learner never answered: added to a completed capsule since (walk 39b: the
    # header's « 3 sur 4 » did not say that the fourth was the new question, not a wrong answer).
    added: int = 0
    # The learner holds the block's badge (walk 39b: « à consolider pour le badge » showed beside a badge already
    # issued, after a question was added to a capsule since): read only where ``right < questions``.
    badge_held: bool = False

    @property
    def to_consolidate(self) -> bool:
        return self.right < self.questions

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    def to_dict(self) -> dict:
        return {**asdict(self), "percent": self.percent}


def live_capsules(skills_block):
    """Capsules of the block whose page is live (learners never see drafts)."""
    return Capsule.objects.filter(skills_block=skills_block, page__live=True).order_by("order", "pk")


def blocks_progress(user, skills_block_ids) -> dict[int, BlockProgress]:
    """Progress in several skills blocks with two queries in all (catalogue pages list many blocks)."""
    from django.db.models import Count, Q

    ids = list(skills_block_ids)
    totals = dict(
        Capsule.objects.filter(skills_block_id__in=ids, page__live=True)
        .values_list("skills_block_id").annotate(n=Count("pk")).order_by()
    )
    done: dict[int, tuple[int, int]] = {}
    if user and user.is_authenticated and totals:
        rows = (
            Progress.objects.filter(user=user, capsule__skills_block_id__in=ids, capsule__page__live=True)
            .values("capsule__skills_block_id")
            .annotate(started=Count("pk"), completed=Count("pk", filter=Q(completed=True)))
            .order_by()
        )
        done = {r["capsule__skills_block_id"]: (r["completed"], r["started"]) for r in rows}
    answers = _mandatory_answers(user, ids) if done else {}
    held = _badges_held(user, [i for i, (n, r, _a) in answers.items() if r < n])
    return {
        i: BlockProgress(total=totals.get(i, 0), completed=done.get(i, (0, 0))[0], started=done.get(i, (0, 0))[1],
                         questions=answers.get(i, (0, 0, 0))[0], right=answers.get(i, (0, 0, 0))[1],
                         added=answers.get(i, (0, 0, 0))[2], badge_held=i in held)
        for i in ids
    }


def _badges_held(user, skills_block_ids) -> set[int]:
    """The blocks, of ``skills_block_ids``, whose badge the user holds (not revoked); no query for none."""
    if not skills_block_ids:
        return set()
    return set(BadgeCredential.objects.filter(user=user, revoked_at=None,
                                              achievement__skills_block_id__in=skills_block_ids)
               .values_list("achievement__skills_block_id", flat=True))


def _mandatory_answers(user, skills_block_ids) -> dict[int, tuple[int, int, int]]:
    """Per block: (mandatory graded questions of the capsules the user completed, those answered right at
    least once, those never answered: added since), in one query."""
    from django.db.models import Count, Exists, OuterRef, Q

    completed = Progress.objects.filter(user=user, capsule=OuterRef("capsule"), completed=True)
    right = Attempt.objects.filter(user=user, interaction=OuterRef("pk"), correct=True)
    answered = Attempt.objects.filter(user=user, interaction=OuterRef("pk"))
    rows = (
        Interaction.objects.filter(capsule__skills_block_id__in=skills_block_ids, capsule__page__live=True,
                                   mandatory=True, draft_status=Interaction.DraftStatus.ACCEPTED)
        .exclude(kind__in=UNGRADED_KINDS)
        .filter(Exists(completed))
        .annotate(ok=Exists(right), met=Exists(answered))
        .values("capsule__skills_block_id")
        .annotate(n=Count("pk"), r=Count("pk", filter=Q(ok=True)), a=Count("pk", filter=Q(met=False)))
        .order_by()
    )
    return {r["capsule__skills_block_id"]: (r["n"], r["r"], r["a"]) for r in rows}


def skills_block_progress(user, skills_block, badge_held: bool | None = None) -> BlockProgress:
    """``badge_held``: whether the user holds the block's badge, where the caller knows it (no query then)."""
    capsules = list(live_capsules(skills_block).values_list("pk", flat=True))
    if not user or not user.is_authenticated:
        return BlockProgress(total=len(capsules), completed=0, started=0)
    rows = Progress.objects.filter(user=user, capsule_id__in=capsules)
    completed = rows.filter(completed=True).count()
    questions, right, added = _mandatory_answers(user, [skills_block.pk]).get(skills_block.pk, (0, 0, 0)) \
        if completed else (0, 0, 0)
    return BlockProgress(
        total=len(capsules), completed=completed, started=rows.count(), questions=questions, right=right,
        added=added, badge_held=right < questions and (
            skills_block.pk in _badges_held(user, [skills_block.pk]) if badge_held is None else badge_held),
    )
