"""Practice after training (entraînement): questions of completed capsules come back on an FSRS schedule.

The schedule is the ``fsrs`` library's, whole days only (no same-day learning steps, no fuzz, so a
date shown is a date kept). A capsule's questions become cards when it is completed, seeded with
the learner's first try in training (right: Good, wrong: Again); each practice answer is one more
FSRS review. Retention is the library's predicted recall, averaged over the learner's reviewed cards,
and only once one answer was right (a card just missed reads 100 % at elapsed time zero).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext
from fsrs import Card, Rating, Scheduler, State
from wagtail.models import Page

from capsules import clock, learner_steps
from capsules.learning.grading import GradeResult, grade
from capsules.learning.placement import GRADABLE_KINDS, LearnerPath
from capsules.models import Attempt, Interaction, PracticeCard, PracticeReview, Progress

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False, desired_retention=0.9)


def rating_for(correct: bool) -> Rating:
    return Rating.Good if correct else Rating.Again


def to_fsrs(card: PracticeCard) -> Card:
    return Card(card_id=card.pk, state=State(card.state), step=card.step, stability=card.stability,
                difficulty=card.difficulty, due=card.due, last_review=card.last_review)


def _store(card: PracticeCard, fsrs_card: Card) -> None:
    card.state = int(fsrs_card.state)
    card.step = fsrs_card.step
    card.stability = fsrs_card.stability
    card.difficulty = fsrs_card.difficulty
    card.due = fsrs_card.due
    card.last_review = fsrs_card.last_review


def ensure_cards(user, now: datetime | None = None) -> int:
    """Create the cards of newly completed capsules (a fixed number of queries); returns how many."""
    now = now or clock.now()
    completed = dict(Progress.objects.filter(user=user, completed=True).values_list("capsule_id", "completed_at"))
    if not completed:
        return 0
    have = set(PracticeCard.objects.filter(user=user).values_list("interaction_id", flat=True))
    todo = [
        i for i in Interaction.objects.filter(
            capsule_id__in=completed, kind__in=GRADABLE_KINDS, draft_status=Interaction.DraftStatus.ACCEPTED
        ).only("pk", "capsule_id")
        if i.pk not in have
    ]
    if not todo:
        return 0
    first: dict[int, Attempt] = {}
    for attempt in Attempt.objects.filter(user=user, interaction__in=todo).order_by("answered_at"):
        first.setdefault(attempt.interaction_id, attempt)
    cards = []
    for interaction in todo:
        seed = first.get(interaction.pk)
        card = PracticeCard(user=user, interaction=interaction, created_at=now, due=now)
        if seed is not None:
            fsrs_card, _ = SCHEDULER.review_card(Card(), rating_for(bool(seed.correct)), seed.answered_at)
            _store(card, fsrs_card)
        else:  # never answered in training: first asked the day after completion
            card.due = (completed[interaction.capsule_id] or now) + timedelta(days=1)
        cards.append(card)
    PracticeCard.objects.bulk_create(cards, ignore_conflicts=True)
    return len(cards)


def end_of_day(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.max), local.tzinfo)


def askable_cards(user):
    """The learner's cards whose question learners may still see: an accepted question of a capsule whose
    page (and every ancestor) is live. A card stays when its capsule is withdrawn or its question taken
    back out of the accepted ones, but is neither asked, graded nor counted until they are back (audit 37:
    the practice page showed and graded the questions of an unpublished capsule)."""
    # ``live_capsule_pages`` in the same statement: the page live, and no unpublished page above it.
    hidden_above = Page.objects.annotate(length=Length("path")).filter(
        live=False, path=Substr(OuterRef("interaction__capsule__page__path"), 1, F("length")))
    return PracticeCard.objects.filter(
        user=user, interaction__draft_status=Interaction.DraftStatus.ACCEPTED,
        interaction__capsule__page__live=True).exclude(Exists(hidden_above))


def due_cards(user, now: datetime | None = None):
    """Cards due today (local day), most overdue first (askable ones only)."""
    now = now or clock.now()
    return (askable_cards(user).filter(due__lte=end_of_day(now))
            .select_related("interaction", "interaction__capsule", "interaction__step", "interaction__capsule__page",
                            "interaction__capsule__footage")
            .order_by("due", "pk"))


@dataclass(frozen=True)
class ReviewOutcome:
    result: GradeResult
    card: PracticeCard
    duplicate: bool = False


def review(card: PracticeCard, response: dict, now: datetime | None = None,
           client_id: uuid.UUID | None = None) -> ReviewOutcome:
    """Grade a practice answer and reschedule with FSRS; the same ``client_id`` twice counts once."""
    now = now or clock.now()
    result = grade(card.interaction, response)  # InvalidResponse propagates: nothing recorded
    client_id = client_id or uuid.uuid4()
    with transaction.atomic():
        locked = PracticeCard.objects.select_for_update().get(pk=card.pk)
        if PracticeReview.objects.filter(user=locked.user_id, client_id=client_id).exists():
            return ReviewOutcome(result, locked, duplicate=True)
        fsrs_card = to_fsrs(locked)
        recall = SCHEDULER.get_card_retrievability(fsrs_card, now) if locked.last_review else None
        elapsed = (now - locked.last_review).total_seconds() / 86400 if locked.last_review else None
        rating = rating_for(bool(result.correct))
        fsrs_card, _ = SCHEDULER.review_card(fsrs_card, rating, now)
        _store(locked, fsrs_card)
        try:
            with transaction.atomic():
                PracticeReview.objects.create(card=locked, user_id=locked.user_id, rating=int(rating),
                                              correct=bool(result.correct), retrievability=recall, elapsed_days=elapsed,
                                              reviewed_at=now, client_id=client_id)
        except IntegrityError:
            return ReviewOutcome(result, locked, duplicate=True)
        locked.save()
    return ReviewOutcome(result, locked)


@dataclass(frozen=True)
class Retention:
    cards: int
    due_today: int
    # Predicted recall now, over reviewed cards, a card whose latest answer was wrong counting 0 (a card
    # just missed reads 100 % in FSRS at elapsed time zero); None until one answer was right.
    percent: int | None
    next_due: datetime | None = None  # the first due date after today, when nothing is due today
    next_due_count: int = 0  # how many cards fall due that day

    @property
    def has_cards(self) -> bool:
        return self.cards > 0


def _last_results(user, cards: list[PracticeCard]) -> dict[int, bool]:
    """Each card's latest result: its last practice review, else its training seed (first try)."""
    by_interaction = {c.interaction_id: c.pk for c in cards}
    last: dict[int, bool] = {}
    for inter_id, correct in Attempt.objects.filter(
            user=user, interaction_id__in=list(by_interaction)
    ).order_by("answered_at", "pk").values_list("interaction_id", "correct"):
        last.setdefault(by_interaction[inter_id], bool(correct))
    for card_id, correct in PracticeReview.objects.filter(
            user=user, card_id__in=[c.pk for c in cards]
    ).order_by("reviewed_at", "pk").values_list("card_id", "correct"):
        last[card_id] = bool(correct)
    return last


def retention(user, now: datetime | None = None) -> Retention:
    now = now or clock.now()
    cards = list(askable_cards(user))
    reviewed = [c for c in cards if c.last_review is not None]
    percent = None
    last = _last_results(user, reviewed) if reviewed else {}
    if any(last.values()):
        # A card whose latest answer was wrong is not retained, whatever FSRS predicts right after the miss.
        recall = sum(SCHEDULER.get_card_retrievability(to_fsrs(c), now) if last.get(c.pk) else 0.0
                     for c in reviewed) / len(reviewed)
        percent = round(100 * recall)
    limit = end_of_day(now)
    due_today = sum(1 for c in cards if c.due <= limit)
    next_due, next_count = None, 0
    later = sorted(c.due for c in cards if c.due > limit)
    if not due_today and later:
        day = timezone.localtime(later[0]).date()
        next_due = later[0]
        next_count = sum(1 for d in later if timezone.localtime(d).date() == day)
    return Retention(cards=len(cards), due_today=due_today, percent=percent, next_due=next_due,
                     next_due_count=next_count)


@dataclass(frozen=True)
class CapsulePractice:
    """A capsule's questions at practice: how many are due today, else when the first comes back."""

    due_today: int = 0
    next_due: datetime | None = None


def capsules_practice(user, capsule_ids, now: datetime | None = None) -> dict[int, CapsulePractice]:
    """For each of ``capsule_ids`` the learner completed, whether practice has its questions today (the
    block page offers « S'entraîner » only then: the practice page would otherwise say « Rien à revoir
    aujourd'hui ») and, if not, when they come back. The caller creates the cards of newly completed
    capsules first (``ensure_cards``), as the practice page does."""
    now = now or clock.now()
    limit = end_of_day(now)
    found: dict[int, CapsulePractice] = {}
    for capsule_id, due in askable_cards(user).filter(
        interaction__capsule_id__in=list(capsule_ids)
    ).values_list("interaction__capsule_id", "due"):
        cur = found.get(capsule_id, CapsulePractice())
        if due <= limit:
            cur = CapsulePractice(due_today=cur.due_today + 1)
        elif not cur.due_today and (cur.next_due is None or due < cur.next_due):
            cur = CapsulePractice(next_due=due)
        found[capsule_id] = cur
    return found


def practice_due(user, now: datetime | None = None) -> CapsulePractice:
    """All the learner's questions at practice: how many are due today, else when the first comes back
    (the block page's « Entraînement » link is offered only when the practice page has something)."""
    now = now or clock.now()
    limit = end_of_day(now)
    dues = list(askable_cards(user).values_list("due", flat=True))
    today = sum(1 for d in dues if d <= limit)
    return CapsulePractice(due_today=today, next_due=None if today else min((d for d in dues), default=None))


def with_practice(path: LearnerPath, user, now: datetime | None = None) -> LearnerPath:
    """``path`` (``placement.learner_path``) with what practice has today: for the block page, which
    offers « S'entraîner » / « Entraînement » only when the practice page would not be empty, and says
    when the questions come back otherwise (walk 24). Creates the cards of newly completed capsules first,
    as the practice page does."""
    if not (user and user.is_authenticated):
        return path
    now = now or clock.now()
    ensure_cards(user, now)
    overall = practice_due(user, now)
    items = path.to_consolidate
    if items:
        schedule = capsules_practice(user, [i.capsule.pk for i in items], now)
        items = [replace(i, practice_due=mine.due_today, practice_next=mine.next_due)
                 if (mine := schedule.get(i.capsule.pk)) else i for i in items]
    return replace(path, to_consolidate=items, practice_due=overall.due_today, practice_next=overall.next_due)


def step_replay_fragment(interaction: Interaction) -> str:
    """``#t=…`` (seconds from the capsule start) of the step the question comes from, for the player."""
    capsule = interaction.capsule
    start = learner_steps.question_step_start(interaction)
    start = interaction.time if start is None else start
    return f"#t={max(0.0, start - capsule.start):.1f}"


@dataclass(frozen=True)
class SyncedReview:
    client_id: str
    ok: bool
    correct: bool | None = None
    duplicate: bool = False
    due: datetime | None = None
    error: str = ""


def sync_reviews(user, items: list[tuple[PracticeCard | None, dict, uuid.UUID | None, datetime | None]],
                 now: datetime | None = None) -> list[SyncedReview]:
    """Apply reviews answered offline, oldest first, each at the time it was answered (never before the
    card's previous review, never in the future). A replayed ``client_id`` counts once."""
    from capsules.learning.grading import InvalidResponse

    now = now or clock.now()
    out = []
    for card, response, client_id, answered_at in sorted(items, key=lambda i: i[3] or now):
        key = str(client_id or "")
        if card is None or card.user_id != user.pk or client_id is None:
            out.append(SyncedReview(key, ok=False, error=gettext("Question introuvable.")))
            continue
        card.refresh_from_db()
        when = min(answered_at or now, now)
        if card.last_review is not None:
            when = max(when, card.last_review)
        try:
            outcome = review(card, response, when, client_id)
        except InvalidResponse as exc:
            out.append(SyncedReview(key, ok=False, error=exc.message))
            continue
        out.append(SyncedReview(key, ok=True, correct=outcome.result.correct, duplicate=outcome.duplicate,
                                due=outcome.card.due))
    return out
