"""Placement (positionnement) per skills block, and the learner's path that follows from it.

A placement test asks the accepted PlacementQuestions of the block's live capsules, one at a time,
graded here with the training grader (answer keys never leave the server). When every question of
a capsule is right, the capsule is "acquis au positionnement": the path skips it, though it stays
playable. A learner may sit the test again once a week per block.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from capsules import clock, learner_steps
from capsules.learning.grading import GradeResult, grade
from capsules.learning.progress import left_to_watch, live_capsules, watched_percent
from capsules.models import (
    Achievement,
    Attempt,
    Capsule,
    Interaction,
    PlacementAnswer,
    PlacementQuestion,
    PlacementSession,
    Progress,
    SkillsBlock,
)

RETAKE_DELAY = timedelta(days=7)
# Kinds the placement may ask: graded ones (free recall and observe are always "right").
GRADABLE_KINDS = {
    Interaction.Kind.ORDERING,
    Interaction.Kind.HOTSPOT,
    Interaction.Kind.SINGLE_CHOICE,
    Interaction.Kind.MULTIPLE_CHOICE,
    Interaction.Kind.TRUE_FALSE,
    Interaction.Kind.CLOZE,
}
SECONDS_PER_QUESTION = 30  # estimated answering time added to a capsule's video length


def placement_questions(block: SkillsBlock) -> list[PlacementQuestion]:
    """Accepted questions of the block's live capsules, capsule order first. A capsule whose own page has a view
    restriction (« Confidentialité »: a password, some groups) is kept for some learners: the block's test, which
    every learner of the block takes, does not ask its questions (the block's own restriction guards the test)."""
    return list(
        PlacementQuestion.objects.filter(
            accepted=True,
            interaction__capsule__in=live_capsules(block),
            interaction__draft_status=Interaction.DraftStatus.ACCEPTED,
            interaction__kind__in=GRADABLE_KINDS,
        ).exclude(interaction__capsule__page__view_restrictions__isnull=False)
        .select_related("interaction", "interaction__capsule")
    )


def unassessed_capsules(block: SkillsBlock, questions: list[PlacementQuestion] | None = None) -> list[Capsule]:
    """The block's live capsules the placement test cannot assess: none of their questions is asked (a capsule
    published after the designers chose the test has none). The test never recognises them as acquired; they stay
    in the path to follow, and the test's intro says so (first-user walk: « Question 1 sur 2 », both from another
    capsule, and no word on the new one). ``questions``: ``placement_questions(block)`` when already read."""
    asked = {q.interaction.capsule_id for q in (placement_questions(block) if questions is None else questions)}
    return [c for c in live_capsules(block) if c.pk not in asked]


def latest_session(user, block: SkillsBlock) -> PlacementSession | None:
    if not user or not user.is_authenticated:
        return None
    return PlacementSession.objects.filter(user=user, skills_block=block).order_by("-started_at").first()


def next_retake_at(user, block: SkillsBlock) -> datetime | None:
    """When the learner may sit placement again (None: now, or an unfinished one can go on)."""
    last = latest_session(user, block)
    if last is None or last.finished_at is None:
        return None
    return last.started_at + RETAKE_DELAY


def can_start(user, block: SkillsBlock, now: datetime | None = None) -> bool:
    when = next_retake_at(user, block)
    return when is None or (now or clock.now()) >= when


def current_session(user, block: SkillsBlock, now: datetime | None = None) -> PlacementSession | None:
    """The unfinished session, or a new one if the weekly retake allows; None when it must wait."""
    last = latest_session(user, block)
    if last is not None and last.finished_at is None:
        return last
    now = now or clock.now()
    if not can_start(user, block, now):
        return None
    return PlacementSession.objects.create(user=user, skills_block=block, started_at=now)


def next_question(session: PlacementSession) -> PlacementQuestion | None:
    answered = set(session.answers.values_list("interaction_id", flat=True))
    return next((q for q in placement_questions(session.skills_block) if q.interaction_id not in answered), None)


def answer(session: PlacementSession, interaction: Interaction, response: dict,
           now: datetime | None = None) -> GradeResult:
    """Grade one placement answer (InvalidResponse propagates); a second answer to the same question is ignored."""
    result = grade(interaction, response)
    try:
        with transaction.atomic():
            PlacementAnswer.objects.create(
                session=session, interaction=interaction, response=response, correct=bool(result.correct),
                score=result.score, answered_at=now or clock.now(),
            )
    except IntegrityError:
        pass
    return result


def finish(session: PlacementSession, now: datetime | None = None) -> list[int]:
    """Close the session: a capsule is acquired when all its placement questions were answered right."""
    by_capsule: dict[int, list[bool]] = {}
    answers = {a.interaction_id: a.correct for a in session.answers.all()}
    for q in placement_questions(session.skills_block):
        by_capsule.setdefault(q.interaction.capsule_id, []).append(answers.get(q.interaction_id, False))
    session.acquired_capsule_ids = sorted(cid for cid, oks in by_capsule.items() if oks and all(oks))
    session.finished_at = now or clock.now()
    session.save(update_fields=["acquired_capsule_ids", "finished_at"])
    return session.acquired_capsule_ids


def acquired_at_placement(user, block: SkillsBlock) -> set[int]:
    """Capsules the learner's latest finished placement on the block recognised (« acquise au
    positionnement »), trained since or not; as ``learner_path`` reads them."""
    if not user or not user.is_authenticated:
        return set()
    finished = PlacementSession.objects.filter(user=user, skills_block=block, finished_at__isnull=False) \
        .order_by("-finished_at").first()
    return set(finished.acquired_capsule_ids) if finished else set()


def took_placement(user, block: SkillsBlock) -> bool:
    """The learner answered placement questions on the block (finished or not)."""
    if not user or not user.is_authenticated:
        return False
    return PlacementAnswer.objects.filter(session__user=user, session__skills_block=block).exists()


# --- the path ------------------------------------------------------------------------------


def estimated_seconds(capsule: Capsule, questions: int) -> int:
    return round(max(0.0, capsule.effective_end - capsule.start) + SECONDS_PER_QUESTION * questions)


def left_seconds(capsule: Capsule, progress: Progress, steps, questions: int) -> int:
    """A started capsule's time left: what the completion rule still needs watched
    (``progress.left_to_watch``) and its mandatory questions not answered yet (the block page's
    « environ 3 min » stayed the same once a capsule was started)."""
    watch = sum(p.end - p.start for p in left_to_watch(progress.watched, capsule.start, capsule.effective_end, steps))
    return round(max(0.0, watch) + SECONDS_PER_QUESTION * questions)


@dataclass(frozen=True)
class PathItem:
    capsule: Capsule
    seconds: int
    completed: bool = False
    # The capsule's whole estimated time (video and mandatory questions), what placement saves when it
    # was acquired there; ``seconds`` is what is left once started (walk 25b).
    full_seconds: int = 0
    acquired: bool = False
    started: bool = False
    graded: int = 0  # the capsule's gradable questions
    right: int = 0  # of those, answered right at the latest answer (what the end screen counts)
    mastered: bool = False  # every gradable question answered right once, and a complete pass reached the minimum
    first_right: int = 0  # gradable questions answered right at the very first answer (reported apart)
    minimum: int = 0  # the block badge's minimum score (%), 0 without one
    best_right: int = 0  # of the gradable questions, right at their first answer in the learner's best complete pass
    # Practice (« S'entraîner sur ses questions »), for a completed capsule: its questions due today, else
    # the day they come back (walk 24: the link opened an empty « Rien à revoir aujourd'hui »). Filled by
    # ``practice.with_practice``.
    practice_due: int = 0
    practice_next: datetime | None = None
    # Started, not completed: the share of the capsule watched (``progress.watched_percent``), else None.
    watched_percent: int | None = None
    # A gradable question of the capsule was answered more than once (« Réessayer », or a later pass): the
    # block page then says what those answers got (``right``) beside the best complete pass, as the player's
    # end panel does (« Après nouvelles tentatives : 1 juste sur 1 »), so the two do not read as contradictory.
    retried: bool = False
    # Completed, then the designer added mandatory questions the learner has not answered yet (walk 39: the
    # player said « Question obligatoire à reprendre », the block page « Vous avez parcouru tout le bloc »).
    new_questions: int = 0
    # Completed, the gradable questions the learner never answered (added since their passes, or optional and
    # skipped): a complete pass is one that answered the others, and its score is over them (walk 39b: no
    # past pass answered the added question, so none counted and the card said « Meilleure tentative
    # complète : 0 % » beside « Terminée » and the badge obtained).
    unanswered: int = 0

    @property
    def passed(self) -> int:
        """The gradable questions the learner's passes met: those of a complete pass, what its score is over."""
        return self.graded - self.unanswered

    @property
    def first_percent(self) -> int | None:
        """The end screen's « Score au premier essai » (right at the first answer over gradable questions)."""
        return round(100 * self.first_right / self.graded) if self.graded else None

    @property
    def best_percent(self) -> int | None:
        """The best complete pass's score (first answer of each gradable question in that pass), over the
        questions the passes met (``passed``): a question added since does not bring it to 0 %."""
        return round(100 * self.best_right / self.passed) if self.passed else None

    @property
    def below_minimum(self) -> bool:
        """No complete pass through the capsule reached the block's minimum yet. As in mature LMSs, mastery
        is shown on a complete attempt: « Refaire la capsule » starts a new pass (``Attempt.run``) whose
        score counts, so a weak first try no longer keeps a capsule from « maîtrisée » for ever. Retrying a
        question right after its feedback (« Réessayer ») stays inside its pass and does not lift it."""
        return bool(self.minimum and self.passed and 100 * self.best_right < self.minimum * self.passed)

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))

    @property
    def percent(self) -> int | None:
        """The end screen's score: latest answers right over the gradable questions answered (``passed``)."""
        return round(100 * self.right / self.passed) if self.passed else None


@dataclass(frozen=True)
class LearnerPath:
    """What remains (in order, with time), what is completed but not yet mastered (to practise), and
    what is mastered (acquired at placement, or completed with every gradable question right once)."""

    remaining: list[PathItem] = field(default_factory=list)
    mastered: list[PathItem] = field(default_factory=list)
    to_consolidate: list[PathItem] = field(default_factory=list)
    placed: bool = False
    has_placement: bool = False
    next_retake_at: datetime | None = None
    placement_in_progress: bool = False
    # The practice page (« Entraînement »): questions due today, else the day the next come back
    # (``practice.with_practice`` fills these and the items' own).
    practice_due: int = 0
    practice_next: datetime | None = None
    # The latest finished placement's answers: right ones, and all (the block page says the result, walk 25).
    placement_right: int = 0
    placement_total: int = 0
    # When that placement finished, and whether its result is still the latest news: until a capsule of the
    # block is completed after it (walk 26: « … elle sort de votre parcours … Plus aucune capsule à suivre »
    # stayed on top after the capsule was followed through and the badge earned); then one line.
    placement_finished_at: datetime | None = None
    placement_news: bool = False
    # Capsules acquired at placement, not completed, that the block's badge still asks followed in full
    # (``with_badge_to_follow``; walk 26: the path said « Plus aucune capsule à suivre » and « Vous avez
    # parcouru tout le bloc » while the badge box below asked them followed).
    badge_to_follow: list[PathItem] = field(default_factory=list)
    # Capsules still to follow that the latest finished placement did not assess (none of their questions was
    # asked): its result names them, as the test's intro did.
    placement_unassessed: list[PathItem] = field(default_factory=list)

    @property
    def placement_acquired_titles(self) -> list[str]:
        """Capsules the latest placement recognised as mastered (« acquise au positionnement »), trained since
        or not: the placement's result names them."""
        return [i.capsule.title for i in self.mastered if i.acquired]

    @property
    def placement_mastered(self) -> list[PathItem]:
        """« Déjà maîtrisé » on the block page: the capsules acquired at placement, trained since or not. A capsule
        mastered by watching it and answering right is not « déjà » mastered (walk 26): ``completed_mastered``."""
        return [i for i in self.mastered if i.acquired]

    @property
    def completed_mastered(self) -> list[PathItem]:
        """Completed the normal way, every gradable question right once (« Terminé, maîtrisé »)."""
        return [i for i in self.mastered if not i.acquired]

    @property
    def placement_unassessed_titles(self) -> list[str]:
        return [i.capsule.title for i in self.placement_unassessed]

    @property
    def with_new_questions(self) -> list[PathItem]:
        """Completed capsules with mandatory questions added since, not answered yet (walk 39)."""
        return [i for i in (*self.to_consolidate, *self.mastered) if i.new_questions]

    @property
    def remaining_titles(self) -> list[str]:
        return [i.capsule.title for i in self.remaining]

    @property
    def practice_next_adds(self) -> bool:
        """Whether the path's « Entraînement : rien à revoir aujourd'hui ; prochaines questions le … » says
        more than the capsules' own « ses questions reviendront le … » (walk 25: the same day said twice).
        It does when no capsule line says that day: none shown, or capsules coming back on several days
        (it gives the earliest), or questions of another block coming back sooner."""
        if self.practice_due or self.practice_next is None:
            return False
        days = {timezone.localdate(i.practice_next) for i in self.to_consolidate
                if i.practice_next and not i.practice_due}
        return days != {timezone.localdate(self.practice_next)}

    @property
    def trained(self) -> bool:
        """A capsule of the block is completed: the placement test (skip what you already master) is no
        longer offered; it would ask again about capsules the learner has just trained on (walk 24)."""
        return any(i.completed for i in (*self.remaining, *self.to_consolidate, *self.mastered))

    @property
    def walked(self) -> bool:
        """Nothing left to follow in the block, for the path nor for its badge (« Vous avez parcouru tout le
        bloc »): no placement to retake then, nothing is left to place (walk 27: « Vous pourrez le repasser à
        partir du … » stayed once the block was done and its badge earned)."""
        return not self.remaining and not self.badge_to_follow

    @property
    def remaining_minutes(self) -> int:
        """« environ N min »: never 0 while something is left (each capsule says « ≈ 1 min » at least)."""
        return max(1, round(sum(i.seconds for i in self.remaining) / 60)) if self.remaining else 0

    @property
    def saved_minutes(self) -> int:
        """Time the placement saved: the capsules acquired there and not trained since, each for its whole
        estimated time (walk 25b: re-watching an acquired capsule for 10 s took « 3 min gagnées » to « 2 »)."""
        return round(sum(i.full_seconds for i in self.mastered if i.acquired and not i.completed) / 60)

    @property
    def acquired_ids(self) -> set[int]:
        """Capsules acquired at placement and not trained since (the block page marks them)."""
        return {i.capsule.pk for i in self.mastered if i.acquired and not i.completed}


def with_badge_to_follow(path: LearnerPath, not_completed: set[int]) -> LearnerPath:
    """``path`` with the capsules acquired at placement that the block's badge still needs followed in full:
    ``not_completed``, the capsules the badge rule still counts as not completed (the caller reads the badge,
    a layer above; empty without a badge, once it is earned, or when it does not ask every capsule)."""
    return replace(path, badge_to_follow=[i for i in path.mastered
                                          if i.acquired and not i.completed and i.capsule.pk in not_completed])


def learner_path(user, block: SkillsBlock, now: datetime | None = None) -> LearnerPath:
    """The learner's path through the block's live capsules (a fixed number of queries)."""
    capsules = list(live_capsules(block).select_related("footage", "page"))
    mandatory: dict[int, list[int]] = {}
    graded: dict[int, list[int]] = {}  # gradable questions per capsule (the same read)
    for pk, cap_id, is_mandatory, kind in Interaction.objects.filter(
        capsule__in=capsules, draft_status=Interaction.DraftStatus.ACCEPTED
    ).values_list("pk", "capsule_id", "mandatory", "kind"):
        if is_mandatory:
            mandatory.setdefault(cap_id, []).append(pk)
        if kind in GRADABLE_KINDS:
            graded.setdefault(cap_id, []).append(pk)
    has_placement = PlacementQuestion.objects.filter(accepted=True, interaction__capsule__in=capsules).exists()
    progress: dict[int, Progress] = {}
    session = None
    if user and user.is_authenticated:
        progress = {p.capsule_id: p for p in Progress.objects.filter(user=user, capsule__in=capsules)}
        session = latest_session(user, block)
    finished = PlacementSession.objects.filter(user=user, skills_block=block, finished_at__isnull=False) \
        .order_by("-finished_at").first() if session is not None else None
    acquired = set(finished.acquired_capsule_ids) if finished else set()
    score = finished.answers.aggregate(total=Count("pk"), right=Count("pk", filter=Q(correct=True))) \
        if finished else {"total": 0, "right": 0}
    # Started, not completed: the time left counts what is left to watch and to answer (two more reads).
    started = [c for c in capsules if c.pk in progress and not progress[c.pk].completed]
    steps_of = learner_steps.for_footages({c.footage_id for c in started}) if started else {}
    answered = set(Attempt.objects.filter(
        user=user, interaction_id__in=[i for c in started for i in mandatory.get(c.pk, [])]
    ).values_list("interaction_id", flat=True)) if any(mandatory.get(c.pk) for c in started) else set()

    def seconds(capsule: Capsule) -> int:
        p = progress.get(capsule.pk)
        if p is None or p.completed:
            return estimated_seconds(capsule, len(mandatory.get(capsule.pk, [])))
        return left_seconds(capsule, p, steps_of[capsule.footage_id].steps_in(capsule.start, capsule.effective_end),
                            sum(1 for i in mandatory.get(capsule.pk, []) if i not in answered))

    latest: dict[int, bool] = {}
    first: dict[int, bool] = {}
    in_run: dict[tuple[int, int], bool] = {}  # (pass, question) -> its first answer in that pass
    ever_right: set[int] = set()
    answers: dict[int, int] = {}  # question -> how many times answered
    if any(p.completed for p in progress.values()):
        for inter_id, correct, run in Attempt.objects.filter(
            user=user, interaction__capsule__in=capsules
        ).order_by("answered_at", "pk").values_list("interaction_id", "correct", "run"):
            latest[inter_id] = bool(correct)
            first.setdefault(inter_id, bool(correct))
            in_run.setdefault((run, inter_id), bool(correct))
            answers[inter_id] = answers.get(inter_id, 0) + 1
            if correct:
                ever_right.add(inter_id)
    # The badge's minimum score, applied to complete passes through the capsule: a capsule is « maîtrisée »
    # once one pass answered every gradable question and reached it (its first try is one such pass; the
    # first-try score itself stays in the badge rule, the end screen and the trainers' reports).
    # Before, only the first try counted here, so a weak first try kept the capsule « à consolider » for ever.
    minimum = Achievement.objects.filter(skills_block=block).values_list("min_first_try_score", flat=True).first() \
        if latest else 0
    remaining, mastered, to_consolidate = [], [], []
    for capsule in capsules:
        p = progress.get(capsule.pk)
        ids = graded.get(capsule.pk, [])
        completed = bool(p and p.completed)
        idset = set(ids)
        runs = {run for run, inter_id in in_run if inter_id in idset}
        # Completed, a question never answered is not asked of a complete pass (added since, walk 39b).
        met = [i for i in ids if i in latest] if completed else ids
        complete = [sum(1 for i in met if in_run[(run, i)]) for run in runs if all((run, i) in in_run for i in met)]
        item = PathItem(
            capsule=capsule, seconds=seconds(capsule),
            full_seconds=estimated_seconds(capsule, len(mandatory.get(capsule.pk, []))),
            completed=completed, acquired=capsule.pk in acquired, started=p is not None,
            graded=len(ids), right=sum(1 for i in ids if latest.get(i)),
            first_right=sum(1 for i in ids if first.get(i)), minimum=minimum or 0,
            best_right=max(complete, default=0), retried=any(answers.get(i, 0) > 1 for i in ids),
            new_questions=sum(1 for i in mandatory.get(capsule.pk, []) if i in idset and i not in latest)
            if completed else 0,
            unanswered=len(ids) - len(met),
            watched_percent=watched_percent(p.watched, capsule.start, capsule.effective_end)
            if p is not None and not completed else None,
        )
        item = replace(item, mastered=completed and all(i in ever_right for i in ids) and not item.below_minimum)
        if item.acquired or item.mastered:
            mastered.append(item)
        elif item.completed:
            to_consolidate.append(item)
        else:
            remaining.append(item)
    # The capsules that placement asked about (one more read, once a placement is finished): the others stay to follow.
    assessed = set(finished.answers.values_list("interaction__capsule_id", flat=True)) if finished else set()
    news = finished is not None and not any(
        p.completed and p.completed_at is not None and p.completed_at > finished.finished_at for p in progress.values())
    retake = None
    if session is not None and session.finished_at is not None:
        retake = session.started_at + RETAKE_DELAY
        if retake <= (now or clock.now()):
            retake = None
    return LearnerPath(
        remaining=remaining, mastered=mastered, to_consolidate=to_consolidate, placed=finished is not None,
        has_placement=has_placement, placement_right=score["right"], placement_total=score["total"],
        next_retake_at=retake, placement_in_progress=session is not None and session.finished_at is None,
        placement_finished_at=finished.finished_at if finished else None, placement_news=news,
        placement_unassessed=[i for i in remaining if i.capsule.pk not in assessed] if finished else [],
    )
