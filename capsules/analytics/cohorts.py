"""Cohorts (sessions de formation): who may see which, and the efficiency indicators of one cohort or
of a whole skills block (every learner with progress or a finished placement in it).

A trainer (group "Trainers") sees only the cohorts they train; designers and superusers see all.
Everything is computed with a fixed number of queries whatever the cohort size (a dozen, measured
in the tests with 30 and 300 learners), then aggregated in Python.

Definitions:

- *done*: a capsule completed in training or acquired at placement (latest finished placement);
- *learning time*: time spent learning in the block's capsules, per learner: the time between two of their
  consecutive actions (play, pause, seek, answer, practice answer...) when it is at most ``ACTIVE_GAP``
  (15 min; a longer silence is a break and counts nothing) and does not end where a visit starts (the player's
  page opened, the first practice answer after capsule work), and never less than the video they actually played
  (merged watched ranges: a 20-min capsule watched without a pause). It counted the video played only, so a
  learner who looped a step at 0.5x, answered wrong twice and came back ten times read the same 0.6 min as
  one who watched the 36-s capsule once (walk 39). The cohort shows its median and interquartile spread;
- *time saved by placement*: length of the capsules acquired at placement and not trained since;
- *first-try success*: share of first attempts (per learner and question) that were right, per capsule
  and per step (a question without a step counts for the step whose span holds its time). Only graded
  questions count: a free-recall self-rating (« je savais ») or a "pause to observe" is not a graded
  answer, as on the learner's end screen, portfolio and badge rule (``UNGRADED_KINDS``), so a learner
  and their trainer read the same share;
- *retention at 7 / 30 days*: share of practice answers right when the question came back after
  7 to 29 days / 30 days or more since its previous review;
- *completion by week*: learners who had done the whole block by the end of each week of the session;
  the first week also counts the capsules finished and the learners active before the session's start
  (a learner done before the start showed « bloc terminé 1 », « capsules terminées 0 », « actifs 0 »);
  *drop-out*: learners not done and without activity in the last 14 days of the session so far
  (for a block: weeks from the first activity seen, at most a year back, until today);
- *badge*: learners holding a live (unrevoked) badge of the block. A badge stays valid when capsules are
  published in the block after it was issued; the learner's row says how many capsules the block had then.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_noop

from capsules.learning.grading import UNGRADED_KINDS
from capsules.learning.practice import SCHEDULER, to_fsrs
from capsules.learning.progress import live_capsules
from capsules.learning.shared_content import owning_step
from capsules.models import (
    Attempt,
    BadgeCredential,
    Capsule,
    Cohort,
    LearnerEvent,
    PlacementSession,
    PracticeCard,
    PracticeReview,
    Progress,
    SkillsBlock,
    Step,
)
from capsules.permissions import can_author

TRAINERS_GROUP = "Trainers"
DROP_OUT_DAYS = 14
ACTIVE_GAP = timedelta(minutes=15)


def is_trainer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active
                and user.groups.filter(name=TRAINERS_GROUP).exists())


def visible_cohorts(user) -> QuerySet[Cohort]:
    """All cohorts for designers, the trainer's own for a trainer, none for anyone else."""
    base = Cohort.objects.select_related("skills_block")
    if can_author(user):
        return base.all()
    if is_trainer(user):
        return base.filter(trainers=user)
    return base.none()


def _watched_seconds(ranges) -> float:
    return sum(max(0.0, float(b) - float(a)) for a, b in ranges or [])


# What an action is, for learning time: a page of the player opened (a visit starts), a practice answer (the
# practice page), anything else done in a capsule (play, pause, seek, answer).
VISIT, PRACTICE, ACT = "visit", "practice", "act"


def _active_seconds(actions: list[tuple[datetime, str]]) -> float:
    """Time between consecutive actions, the gaps of at most ``ACTIVE_GAP`` only (a longer one is a break), and
    never the gap before a visit starts (walk 39b: a learner away 3.5 min, then 15 s on a capsule, gained 5 min)
    nor before the first practice answer after capsule work (another page)."""
    actions = sorted(actions)
    return sum((b - a).total_seconds() for (a, kind_a), (b, kind_b) in pairwise(actions)
               if b - a <= ACTIVE_GAP and kind_b != VISIT and not (kind_b == PRACTICE and kind_a != PRACTICE))


def _action_times(user_ids: list[int], capsule_ids) -> dict[int, list[tuple[datetime, str]]]:
    """When each learner did what in these capsules: player events, answers, practice answers (three queries
    whatever the number of learners)."""
    times: dict[int, list[tuple[datetime, str]]] = {u: [] for u in user_ids}
    for uid, at, verb in LearnerEvent.objects.filter(user_id__in=user_ids, capsule_id__in=capsule_ids).values_list(
            "user_id", "timestamp", "verb"):
        times[uid].append((at, VISIT if verb == "initialized" else ACT))
    for uid, at in Attempt.objects.filter(user_id__in=user_ids, interaction__capsule_id__in=capsule_ids
                                          ).values_list("user_id", "answered_at"):
        times[uid].append((at, ACT))
    for uid, at in PracticeReview.objects.filter(
            user_id__in=user_ids, card__interaction__capsule_id__in=capsule_ids).values_list("user_id", "reviewed_at"):
        times[uid].append((at, PRACTICE))
    return times


@dataclass
class LearnerRow:
    user_id: int
    name: str
    completed: int = 0
    acquired: int = 0
    done: int = 0
    total: int = 0
    learning_seconds: float = 0
    saved_seconds: float = 0
    cards: int = 0
    reviews: int = 0
    retention_percent: int | None = None
    badge: bool = False
    badge_issued_at: datetime | None = None
    badge_capsules_then: int | None = None  # the block's capsule count when the badge was issued
    badge_new_capsules: int = 0  # live capsules published in the block since the badge
    last_activity: datetime | None = None
    done_at: datetime | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def learning_minutes(self) -> float:
        return round(self.learning_seconds / 60, 1)


@dataclass
class CapsuleRow:
    capsule_id: int
    title: str
    seconds: float
    completed: int = 0
    acquired: int = 0
    first_tries: int = 0
    first_right: int = 0

    @property
    def first_try_percent(self) -> int | None:
        return round(100 * self.first_right / self.first_tries) if self.first_tries else None


@dataclass
class StepRow:
    capsule_id: int
    capsule_title: str
    step_id: int
    title: str
    first_tries: int = 0
    first_right: int = 0

    @property
    def first_try_percent(self) -> int | None:
        return round(100 * self.first_right / self.first_tries) if self.first_tries else None


@dataclass
class WeekRow:
    start: date
    done_learners: int
    completions: int
    active: int


@dataclass
class CohortReport:
    cohort: Cohort | None  # None: the whole block
    block: SkillsBlock | None = None
    start: date | None = None
    end: date | None = None
    steps: list[StepRow] = field(default_factory=list)
    learners: list[LearnerRow] = field(default_factory=list)
    capsules: list[CapsuleRow] = field(default_factory=list)
    weeks: list[WeekRow] = field(default_factory=list)
    median_learning_minutes: float | None = None
    learning_spread_minutes: tuple[float, float] | None = None  # first and third quartiles
    saved_minutes_total: float = 0
    retention_7d_percent: int | None = None
    retention_30d_percent: int | None = None
    retention_curve: list[tuple[str, int | None, int]] = field(default_factory=list)  # label, %, answers
    badge_percent: int | None = None
    done_percent: int | None = None
    # Badges issued before capsules were added to the block (walk 41: « Bloc terminé 50 % » beside « Badge
    # obtenu 100 % » on the trainer's home, unexplained there).
    badges_before_growth: int = 0
    dropped_out: int = 0


# Labels in French, marked for translation: the chart says them in the admin user's language.
RETENTION_BUCKETS = [(0, 2, gettext_noop("1 j")), (2, 4, gettext_noop("2–3 j")), (4, 8, gettext_noop("4–7 j")),
                     (8, 15, gettext_noop("8–14 j")), (15, 30, gettext_noop("15–29 j")),
                     (30, 10_000, gettext_noop("30 j et +"))]


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def cohort_report(cohort: Cohort, now: datetime | None = None) -> CohortReport:
    users = list(cohort.learners.order_by("last_name", "first_name", "username")
                 .only("pk", "username", "first_name", "last_name"))
    return _report(cohort.skills_block, users, cohort, cohort.start_date, cohort.end_date, now or timezone.now())


def learner_report(cohort: Cohort, user, now: datetime | None = None) -> CohortReport:
    """One learner of the session: the session's own computation over that learner alone, so each capsule's
    row says whether they finished it or had it acquired at placement, and their first-try success."""
    return _report(cohort.skills_block, [user], cohort, cohort.start_date, cohort.end_date, now or timezone.now())


BLOCK_WEEKS = 52


def block_learners(block: SkillsBlock) -> QuerySet:
    """Everyone with progress on a live capsule of the block or a finished placement in it."""
    return (get_user_model().objects.filter(
        Q(pk__in=Progress.objects.filter(capsule__in=live_capsules(block)).values("user_id"))
        | Q(pk__in=PlacementSession.objects.filter(skills_block=block, finished_at__isnull=False).values("user_id")))
        .order_by("last_name", "first_name", "username").only("pk", "username", "first_name", "last_name"))


def block_report(block: SkillsBlock, now: datetime | None = None) -> CohortReport:
    """The same indicators over every learner of the block, by week from the first activity seen."""
    now = now or timezone.now()
    return _report(block, list(block_learners(block)), None, None, timezone.localtime(now).date(), now)


def _first_per(partition: list[str], order: list) -> Window:
    """Rank of a row within its partition: ``rank=1`` keeps one row per partition in a single query.

    A window function rather than ``DISTINCT ON``, which only PostgreSQL has (``make run`` uses SQLite)."""
    return Window(RowNumber(), partition_by=[F(name) for name in partition], order_by=order)


def _report(block: SkillsBlock, users: list, cohort: Cohort | None, start: date | None, end: date,
            now: datetime) -> CohortReport:
    capsules: list[Capsule] = list(live_capsules(block).select_related("footage"))
    caps = {c.pk: CapsuleRow(c.pk, c.title, max(0.0, c.effective_end - c.start)) for c in capsules}
    rows = {u.pk: LearnerRow(u.pk, u.get_full_name() or u.username, total=len(capsules)) for u in users}
    report = CohortReport(cohort=cohort, block=block, start=start, end=end)
    steps = _step_rows(capsules)
    report.steps = [row for row, _span in steps.values()]
    if not users:
        report.capsules = list(caps.values())
        return report
    user_ids = list(rows)
    first_seen: list[datetime] = []

    completed_by: dict[int, dict[int, datetime]] = {u: {} for u in user_ids}
    for p in Progress.objects.filter(user_id__in=user_ids, capsule_id__in=caps).only(
            "user_id", "capsule_id", "watched", "completed", "completed_at", "updated_at"):
        row = rows[p.user_id]
        row.learning_seconds += _watched_seconds(p.watched)
        row.last_activity = max(filter(None, [row.last_activity, p.updated_at]), default=None)
        if p.completed:
            completed_by[p.user_id][p.capsule_id] = p.completed_at or p.updated_at
            first_seen.append(p.completed_at or p.updated_at)
            caps[p.capsule_id].completed += 1

    acquired_by: dict[int, tuple[set[int], datetime]] = {}
    latest = _first_per(["user_id"], [F("finished_at").desc(), F("pk").desc()])
    for s in (PlacementSession.objects.filter(user_id__in=user_ids, skills_block=block, finished_at__isnull=False)
              .annotate(rank=latest).filter(rank=1)):
        acquired_by[s.user_id] = ({c for c in s.acquired_capsule_ids if c in caps}, s.finished_at)
        first_seen.append(s.started_at)

    for uid, row in rows.items():
        done_caps = completed_by[uid]
        acquired, placed_at = acquired_by.get(uid, (set(), None))
        row.completed = len(done_caps)
        row.acquired = len(acquired)
        skipped = acquired - set(done_caps)
        row.saved_seconds = sum(caps[c].seconds for c in skipped)
        for c in acquired:
            caps[c].acquired += 1
        row.done = len(set(done_caps) | acquired)
        if row.total and row.done == row.total:
            times = list(done_caps.values()) + ([placed_at] if skipped else [])
            row.done_at = max(times) if times else None
        if placed_at:
            row.last_activity = max(filter(None, [row.last_activity, placed_at]))

    for uid, times in _action_times(user_ids, list(caps)).items():
        rows[uid].learning_seconds = max(rows[uid].learning_seconds, _active_seconds([t for t in times if t[0]]))

    firsts = (Attempt.objects.filter(user_id__in=user_ids, interaction__capsule_id__in=caps)
              .exclude(interaction__kind__in=UNGRADED_KINDS)
              .annotate(rank=_first_per(["user_id", "interaction_id"], [F("answered_at").asc(), F("pk").asc()]))
              .filter(rank=1)
              .values_list("interaction__capsule_id", "interaction__step_id", "interaction__time", "correct",
                           "answered_at"))
    for capsule_id, step_id, at, correct, answered_at in firsts:
        caps[capsule_id].first_tries += 1
        caps[capsule_id].first_right += int(bool(correct))
        first_seen.append(answered_at)
        key = (capsule_id, step_id) if (capsule_id, step_id) in steps else _owner(steps, capsule_id, at)
        if key is not None:
            steps[key][0].first_tries += 1
            steps[key][0].first_right += int(bool(correct))

    recall: dict[int, list[float]] = {}
    for card in PracticeCard.objects.filter(user_id__in=user_ids, interaction__capsule_id__in=caps):
        rows[card.user_id].cards += 1
        if card.last_review is not None:
            recall.setdefault(card.user_id, []).append(SCHEDULER.get_card_retrievability(to_fsrs(card), now))
    for uid, values in recall.items():
        rows[uid].retention_percent = round(100 * sum(values) / len(values))

    buckets = [[0, 0] for _ in RETENTION_BUCKETS]
    at7, at30 = [0, 0], [0, 0]
    for uid, elapsed, correct in PracticeReview.objects.filter(
            user_id__in=user_ids, card__interaction__capsule_id__in=caps).values_list(
            "user_id", "elapsed_days", "correct"):
        rows[uid].reviews += 1
        if elapsed is None:
            continue
        for i, (lo, hi, _label) in enumerate(RETENTION_BUCKETS):
            if lo <= elapsed < hi:
                buckets[i][0] += int(correct)
                buckets[i][1] += 1
        target = at30 if elapsed >= 30 else at7 if elapsed >= 7 else None
        if target is not None:
            target[0] += int(correct)
            target[1] += 1
    # No practice review, no retention (« — »): a card carries the date of the answer in the capsule that made it,
    # so the predicted recall of a learner who never practised read ~100 % beside « 0 révision » (walk 33).
    for row in rows.values():
        if not row.reviews:
            row.retention_percent = None

    badges = set()
    live_ids = [c.pk for c in capsules]
    for credential in BadgeCredential.objects.filter(user_id__in=user_ids, achievement__skills_block=block,
                                                     revoked_at__isnull=True).only(
            "user_id", "issued_at", "block_capsule_ids"):
        badges.add(credential.user_id)
        row = rows[credential.user_id]
        row.badge, row.badge_issued_at = True, credential.issued_at
        row.badge_capsules_then, since = credential.capsules_then_and_since(live_ids)
        row.badge_new_capsules = len(since)

    learners = list(rows.values())
    minutes = sorted(r.learning_seconds / 60 for r in learners if r.learning_seconds)
    if minutes:
        report.median_learning_minutes = round(statistics.median(minutes), 1)
        if len(minutes) >= 2:
            q1, _q2, q3 = statistics.quantiles(minutes, n=4, method="inclusive")
            report.learning_spread_minutes = (round(q1, 1), round(q3, 1))
    report.learners = learners
    report.capsules = [caps[c.pk] for c in capsules]
    report.saved_minutes_total = round(sum(r.saved_seconds for r in learners) / 60, 1)
    report.retention_7d_percent = _pct(*at7)
    report.retention_30d_percent = _pct(*at30)
    report.retention_curve = [(label, _pct(*buckets[i]), buckets[i][1])
                              for i, (_lo, _hi, label) in enumerate(RETENTION_BUCKETS)]
    report.badge_percent = _pct(len(badges), len(learners))
    report.badges_before_growth = sum(1 for r in learners if r.badge and r.badge_new_capsules)
    done = [r for r in learners if r.total and r.done == r.total]
    report.done_percent = _pct(len(done), len(learners))
    if report.start is None:  # a block: from the first activity seen, at most a year back
        seen = [t for t in first_seen if t] + [r.last_activity for r in learners if r.last_activity]
        first = timezone.localtime(min(seen)).date() if seen else end
        report.start = max(first, end - timedelta(weeks=BLOCK_WEEKS))
    report.weeks = _weeks(report.start, report.end, learners, completed_by, now)
    horizon = min(now, _aware_end(report.end))
    report.dropped_out = sum(
        1 for r in learners
        if r.done < r.total and (r.last_activity is None or r.last_activity < horizon - timedelta(days=DROP_OUT_DAYS))
        and horizon - _aware_start(report.start) >= timedelta(days=DROP_OUT_DAYS)
    )
    return report


def _step_rows(capsules: list[Capsule]) -> dict[tuple[int, int], tuple[StepRow, tuple[float, float]]]:
    """The steps of each capsule (one query), keyed (capsule, step), with their span in footage time."""
    by_footage: dict[int, list[Capsule]] = {}
    for c in capsules:
        by_footage.setdefault(c.footage_id, []).append(c)
    out = {}
    for step in Step.objects.filter(footage_id__in=by_footage).order_by("footage_id", "order", "start"):
        for c in by_footage[step.footage_id]:
            if step.start >= c.start - 0.01 and step.end <= c.effective_end + 0.01:
                out[(c.pk, step.pk)] = (StepRow(c.pk, c.title, step.pk, step.title or f"Étape {step.order + 1}"),
                                        (step.start, step.end))
    return out


def _aware_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _aware_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.max.time()))


def _weeks(first: date, last: date, learners: list[LearnerRow], completed_by, now: datetime) -> list[WeekRow]:
    start = _aware_start(first)
    end = min(_aware_end(last), max(now, start))
    weeks = []
    week_start = start
    while week_start <= end and len(weeks) < 104:
        week_end = week_start + timedelta(days=7)
        since = week_start if weeks else None  # the first week also holds what was done before the start

        def within(t, since=since, week_end=week_end):
            return bool(t) and (since is None or since <= t) and t < week_end

        completions = sum(1 for caps in completed_by.values() for t in caps.values() if within(t))
        active = sum(1 for r in learners if within(r.last_activity))
        done = sum(1 for r in learners if r.done_at and r.done_at < week_end)
        weeks.append(WeekRow(timezone.localtime(week_start).date(), done, completions, active))
        week_start = week_end
    return weeks


def _owner(steps: dict, capsule_id: int, at: float) -> tuple[int, int] | None:
    """The step row of a question tied to no step: the step it belongs to for the learner
    (``owning_step``: the one it lies in, else the one before it, a question in a gap included)."""
    ranges = [(a, b, k[1]) for k, (_row, (a, b)) in steps.items() if k[0] == capsule_id]
    owner = owning_step(at, ranges)
    return (capsule_id, owner[2]) if owner else None
