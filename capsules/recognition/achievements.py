"""The rule that earns a skills block's badge, evaluated from what the server graded and recorded.

Earned when (as the designer set it): every live capsule of the block is completed, the mean
first-try score over the block's graded questions reaches the minimum, and every mandatory
question has been answered right at least once. Answers come from ``Attempt`` rows, which only the
server's grader writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from capsules.learning.progress import live_capsules
from capsules.models import Achievement, Attempt, Interaction, Progress

UNGRADED_KINDS = {Interaction.Kind.OBSERVE, Interaction.Kind.FREE_RECALL}


@dataclass(frozen=True)
class CapsuleRecord:
    """One capsule of the block as evidence: when it was completed and the first-try score."""

    capsule_id: int
    title: str
    completed_at: datetime | None
    first_try_score: float | None  # share right at first try, 0..1; None when none answered
    questions: int


@dataclass(frozen=True)
class RuleOutcome:
    earned: bool
    unmet: list[str] = field(default_factory=list)
    capsules: list[CapsuleRecord] = field(default_factory=list)
    first_try_score: float | None = None


def first_try_share(attempts) -> float | None:
    """Share of questions answered right at the first try (0..1), as the end screen counts right
    answers (a question is right or not: partial credit does not count); None when none answered."""
    attempts = list(attempts)
    return sum(1 for a in attempts if a.correct) / len(attempts) if attempts else None


def first_attempts(user, interaction_ids) -> dict[int, Attempt]:
    first: dict[int, Attempt] = {}
    for attempt in Attempt.objects.filter(user=user, interaction_id__in=interaction_ids).order_by(
            "answered_at", "pk"):
        first.setdefault(attempt.interaction_id, attempt)
    return first


def evaluate(user, achievement: Achievement) -> RuleOutcome:
    capsules = list(live_capsules(achievement.skills_block))
    if not capsules:
        return RuleOutcome(False, ["Ce bloc n'a encore aucune capsule publiée."])
    progress = {p.capsule_id: p for p in Progress.objects.filter(user=user, capsule__in=capsules)}
    graded = list(Interaction.objects.filter(capsule__in=capsules, draft_status=Interaction.DraftStatus.ACCEPTED)
                  .exclude(kind__in=UNGRADED_KINDS))
    first = first_attempts(user, [i.pk for i in graded])
    right = set(Attempt.objects.filter(user=user, interaction__in=graded, correct=True)
                .values_list("interaction_id", flat=True))

    records = []
    for capsule in capsules:
        mine = [i for i in graded if i.capsule_id == capsule.pk]
        p = progress.get(capsule.pk)
        records.append(CapsuleRecord(capsule.pk, capsule.title, p.completed_at if p and p.completed else None,
                                     first_try_share(first[i.pk] for i in mine if i.pk in first), len(mine)))

    unmet = []
    if achievement.require_all_capsules:
        missing = [r.title for r in records if r.completed_at is None]
        if missing:
            unmet.append("Capsules non terminées : " + ", ".join(missing) + ".")
    mean = first_try_share(first[i.pk] for i in graded if i.pk in first)
    if achievement.min_first_try_score:
        if mean is None or mean * 100 + 1e-9 < achievement.min_first_try_score:
            shown = "aucune réponse" if mean is None else f"{mean * 100:.0f} %"
            unmet.append(f"Score au premier essai insuffisant ({shown}, minimum "
                         f"{achievement.min_first_try_score} %).")
    if achievement.require_mandatory_correct:
        wrong = [i for i in graded if i.mandatory and i.pk not in right]
        if wrong:
            unmet.append(f"{len(wrong)} question(s) obligatoire(s) pas encore réussie(s).")
    return RuleOutcome(not unmet, unmet, records, mean)
