"""Learner reports for designers: per skills block, per capsule, per question, per learner.

Pure queries and aggregation, no HTTP: the views (``report_views.py``) format what comes out.
Everything is counted in the database with a fixed number of queries, whatever the number of
learners or attempts, so a report on a cohort of thousands costs the same round trips as on one.

Definitions (the numbers a training organisation will quote, so they are spelled out here):

- a learner *started* a capsule when a ``Progress`` row exists (the player records one on play or
  on the first answer); *completed* follows the completion rule of ``learner_progress``;
- the report's questions are the capsule's accepted interactions that expect an answer
  (every kind but "pause to observe"), in time order;
- *first-try success*: share of the learners who answered a question whose first attempt
  (by ``answered_at``, then id) was right; for a free-recall question "right" is the learner's
  own rating "je savais" (the question is *self-assessed*, and the reports say so);
- *attempts until right*: for learners who eventually got it right, how many attempts it took
  up to and including the first right one, averaged;
- *choice distribution*: over all attempts, how often each choice was picked (a multiple-choice
  attempt picks several); the wrong choice(s) picked most often are flagged;
- a learner's *score*: questions answered right at least once / questions of the capsule.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Aggregate, CharField, Count, Exists, F, FloatField, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _
from wagtail.models import Page, WorkflowState

from capsules.learning.grading import InvalidResponse, _as_bool, _ids, normalise_text
from capsules.models import Attempt, Capsule, Interaction, LearnerEvent, Progress

CHOICE_KINDS = (Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE, Interaction.Kind.TRUE_FALSE)
NOT_QUESTIONS = (Interaction.Kind.OBSERVE,)
SELF_ASSESSED_KINDS = (Interaction.Kind.FREE_RECALL,)


def _ratio(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


def _percent(value: float | None) -> int | None:
    """A rate as a whole percentage (bar widths, table cells); None stays None (nothing to measure)."""
    return None if value is None else round(100 * value)


# --- skills blocks and their capsules ----------------------------------------------------------


@dataclass(frozen=True)
class CapsuleSummary:
    """One capsule's line in the index: how many learners started, completed, watched how much."""

    capsule_id: int
    title: str
    live: bool
    started: int
    completed: int
    median_watched: float | None  # fraction 0..1 over learners who started
    # Its page is in Geste's workflow (sent to the expert, not yet published): « En validation », the
    # state the capsule list and the capsule's screen show; it read « Brouillon » here.
    in_validation: bool = False

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.completed, self.started)

    @property
    def completion_percent(self) -> int | None:
        return _percent(self.completion_rate)

    @property
    def median_watched_percent(self) -> int | None:
        return _percent(self.median_watched)


@dataclass(frozen=True)
class BlockSummary:
    """A skills block with its capsules, in the block's order."""

    block_id: int
    code: str
    title: str
    certification: str
    capsules: tuple[CapsuleSummary, ...]


class Median(Aggregate):
    """PostgreSQL's median (ordered-set aggregate); other databases use ``_medians_in_python``."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _medians_in_python(capsule_ids: list[int]) -> dict[int, float]:
    """One query for every watched fraction of those capsules, median per capsule (SQLite: dev runs)."""
    values: dict[int, list[float]] = defaultdict(list)
    rows = Progress.objects.filter(capsule_id__in=capsule_ids).values_list("capsule_id", "watched_fraction")
    for capsule_id, fraction in rows.order_by():
        values[capsule_id].append(fraction)
    return {cid: statistics.median(v) for cid, v in values.items()}


def skills_block_summaries() -> list[BlockSummary]:
    """Every capsule grouped by skills block, with its learner counts: one query (two off PostgreSQL)."""
    capsules = (
        Capsule.objects.annotate(
            started=Count("progress_records"),
            completed_count=Count("progress_records", filter=Q(progress_records__completed=True)),
            live=F("page__live"),
            in_validation=Exists(WorkflowState.objects.filter(
                base_content_type=ContentType.objects.get_for_model(Page),
                object_id=Cast(OuterRef("page__pk"), CharField()),
                status=WorkflowState.STATUS_IN_PROGRESS,
            )),
        )
        .select_related("skills_block__certification")
        .order_by("skills_block__certification__title", "skills_block__order", "skills_block__code", "order", "pk")
    )
    on_postgres = connection.vendor == "postgresql"
    if on_postgres:
        capsules = capsules.annotate(median=Median("progress_records__watched_fraction"))
    capsules = list(capsules)
    medians = {} if on_postgres else _medians_in_python([c.pk for c in capsules])
    blocks: dict[int, tuple] = {}
    lines: dict[int, list[CapsuleSummary]] = defaultdict(list)
    for c in capsules:
        block = c.skills_block
        blocks.setdefault(block.pk, (block.code, block.title, block.certification.title))
        median = c.median if on_postgres else medians.get(c.pk)
        lines[block.pk].append(
            CapsuleSummary(
                capsule_id=c.pk,
                title=c.title,
                live=bool(c.live),
                in_validation=bool(c.in_validation),
                started=c.started,
                completed=c.completed_count,
                median_watched=None if median is None else float(median),
            )
        )
    return [
        BlockSummary(block_id=pk, code=code, title=title, certification=cert, capsules=tuple(lines[pk]))
        for pk, (code, title, cert) in blocks.items()
    ]


# --- one capsule: questions -------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceCount:
    """How often one choice of a question was picked."""

    choice_id: str
    text: str
    correct: bool
    count: int
    share: float | None  # of the question's attempts
    most_common_wrong: bool

    @property
    def percent(self) -> int | None:
        return _percent(self.share)


@dataclass(frozen=True)
class TypedAnswer:
    """One answer typed in a blank (fill-in question), as often as learners typed it."""

    text: str  # as first typed (answers equal but for case, accents or punctuation are one)
    count: int
    accepted: bool


@dataclass(frozen=True)
class BlankAnswers:
    """What learners typed in one blank, most frequent first (at most TYPED_SHOWN)."""

    number: int  # 1-based
    expected: str  # the first accepted answer
    answers: tuple[TypedAnswer, ...]
    others: int  # attempts whose answer is not among those shown


TYPED_SHOWN = 8


@dataclass(frozen=True)
class QuestionStats:
    """One question of a capsule and how learners did on it."""

    interaction_id: int
    time: float
    kind: str
    kind_label: str
    prompt: str
    mandatory: bool
    learners: int  # learners who answered at least once
    attempts: int
    first_try_right: int  # learners whose first attempt was right
    right_learners: int  # learners right at least once
    attempts_until_right: int  # summed over right_learners, up to and including the first right attempt
    choices: tuple[ChoiceCount, ...] = ()
    blanks: tuple[BlankAnswers, ...] = ()  # fill-in questions: what learners typed

    @property
    def first_try_rate(self) -> float | None:
        return _ratio(self.first_try_right, self.learners)

    @property
    def first_try_percent(self) -> int | None:
        return _percent(self.first_try_rate)

    @property
    def mean_attempts_until_right(self) -> float | None:
        return _ratio(self.attempts_until_right, self.right_learners)

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def self_assessed(self) -> bool:
        """Right or wrong as the learner rated themself (free recall), not as graded by Geste."""
        return self.kind in SELF_ASSESSED_KINDS


def _questions(capsule: Capsule) -> list[Interaction]:
    return list(
        capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED)
        .exclude(kind__in=NOT_QUESTIONS)
        .order_by("time", "pk")
    )


def _earlier() -> Q:
    """An attempt made before the outer one (by answered_at, then id when two share a time)."""
    return Q(answered_at__lt=OuterRef("answered_at")) | Q(answered_at=OuterRef("answered_at"), pk__lt=OuterRef("pk"))


def _attempt_counts(question_ids: list[int]) -> dict[int, dict]:
    """Per question, in one grouped query: learners, attempts, first tries right, attempts until right."""
    same = Attempt.objects.filter(user_id=OuterRef("user_id"), interaction_id=OuterRef("interaction_id"))
    is_first = ~Exists(same.filter(_earlier()))
    before_first_right = ~Exists(same.filter(_earlier(), correct=True))
    ever_right = Exists(same.filter(correct=True))
    rows = (
        Attempt.objects.filter(interaction_id__in=question_ids)
        .order_by()
        .values("interaction_id")
        .annotate(
            learners=Count("user_id", distinct=True),
            attempts=Count("pk"),
            first_try_right=Count("pk", filter=Q(is_first, correct=True)),
            right_learners=Count("user_id", distinct=True, filter=Q(correct=True)),
            attempts_until_right=Count("pk", filter=Q(before_first_right, ever_right)),
        )
    )
    return {row.pop("interaction_id"): row for row in rows}


def _choice_options(inter: Interaction) -> list[tuple[str, str, bool]]:
    """(id, text, is right) for each option a learner could pick."""
    key = inter.answer_key or {}
    if inter.kind == Interaction.Kind.TRUE_FALSE:
        try:
            right = _as_bool(key.get("correct"))
        except InvalidResponse:
            right = None
        return [("true", _("Vrai"), right is True), ("false", _("Faux"), right is False)]
    correct = set(_ids(key.get("correct")))
    return [(str(c.get("id")), c.get("text", ""), str(c.get("id")) in correct) for c in inter.choices or []]


def _picked(kind: str, response) -> list[str]:
    """Which option ids one stored response picked (a malformed one picks nothing)."""
    if not isinstance(response, dict):
        return []
    if kind == Interaction.Kind.TRUE_FALSE:
        try:
            return ["true" if _as_bool(response.get("value")) else "false"]
        except InvalidResponse:
            return []
    raw = response.get("choices", response.get("choice"))
    return list(dict.fromkeys(_ids(raw)))  # a choice counts once per attempt


def _choice_distributions(questions: list[Interaction], counts: dict[int, dict]) -> dict[int, tuple]:
    """Picks per option, from one query grouped by (question, identical response)."""
    choice_questions = {q.pk: q for q in questions if q.kind in CHOICE_KINDS}
    picks: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if choice_questions:
        grouped = (
            Attempt.objects.filter(interaction_id__in=list(choice_questions))
            .order_by()
            .values("interaction_id", "response")
            .annotate(n=Count("pk"))
        )
        for row in grouped:
            kind = choice_questions[row["interaction_id"]].kind
            for choice_id in _picked(kind, row["response"]):
                picks[row["interaction_id"]][choice_id] += row["n"]
    out = {}
    for pk, q in choice_questions.items():
        options = _choice_options(q)
        wrong_counts = [picks[pk][cid] for cid, _, right in options if not right]
        top_wrong = max(wrong_counts, default=0)
        attempts = counts.get(pk, {}).get("attempts", 0)
        out[pk] = tuple(
            ChoiceCount(
                choice_id=cid,
                text=text,
                correct=right,
                count=picks[pk][cid],
                share=_ratio(picks[pk][cid], attempts),
                most_common_wrong=(not right and top_wrong > 0 and picks[pk][cid] == top_wrong),
            )
            for cid, text, right in options
        )
    return out


def _typed_answers(questions: list[Interaction]) -> dict[int, tuple[BlankAnswers, ...]]:
    """For fill-in questions, what learners typed in each blank (one query grouped by identical response)."""
    cloze = {q.pk: q for q in questions if q.kind == Interaction.Kind.CLOZE}
    if not cloze:
        return {}
    typed: dict[int, list[dict[str, list]]] = defaultdict(lambda: defaultdict(dict))
    grouped = (
        Attempt.objects.filter(interaction_id__in=list(cloze)).order_by().values("interaction_id", "response")
        .annotate(n=Count("pk"))
    )
    for row in grouped:
        given = (row["response"] or {}).get("blanks") if isinstance(row["response"], dict) else None
        if not isinstance(given, list):
            continue
        for i, text in enumerate(given):
            norm = normalise_text(text)
            slot = typed[row["interaction_id"]][i].setdefault(norm, [str(text).strip(), 0])
            slot[1] += row["n"]
    out = {}
    for pk, q in cloze.items():
        keys = (q.answer_key or {}).get("blanks", [])
        blanks = []
        for i, accepted in enumerate(keys):
            accepted = accepted if isinstance(accepted, list) else [accepted]
            ok = {normalise_text(a) for a in accepted}
            entries = sorted(typed[pk][i].items(), key=lambda kv: (-kv[1][1], kv[1][0].casefold()))
            shown = entries[:TYPED_SHOWN]
            blanks.append(BlankAnswers(
                number=i + 1, expected=str(accepted[0]) if accepted else "",
                answers=tuple(TypedAnswer(text=t, count=n, accepted=norm in ok) for norm, (t, n) in shown),
                others=sum(n for _norm, (_t, n) in entries[TYPED_SHOWN:]),
            ))
        out[pk] = tuple(blanks)
    return out


def question_stats(capsule: Capsule, questions: list[Interaction] | None = None) -> list[QuestionStats]:
    """The capsule's questions in time order with their statistics (three queries, four with fill-ins)."""
    questions = _questions(capsule) if questions is None else questions
    counts = _attempt_counts([q.pk for q in questions])
    choices = _choice_distributions(questions, counts)
    typed = _typed_answers(questions)
    empty = {"learners": 0, "attempts": 0, "first_try_right": 0, "right_learners": 0, "attempts_until_right": 0}
    return [
        QuestionStats(
            interaction_id=q.pk,
            time=q.time,
            kind=q.kind,
            kind_label=str(q.get_kind_display()),
            prompt=q.prompt,
            mandatory=q.mandatory,
            choices=choices.get(q.pk, ()),
            blanks=typed.get(q.pk, ()),
            **counts.get(q.pk, empty),
        )
        for q in questions
    ]


# --- one capsule: learners --------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerRow:
    """One learner's line in a capsule report."""

    user_id: int
    name: str  # full name, or the username when there is none
    watched_fraction: float
    completed_at: datetime | None
    right: int
    questions: int
    last_activity: datetime | None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def watched_percent(self) -> int:
        return _percent(self.watched_fraction) or 0

    @property
    def score(self) -> float | None:
        return _ratio(self.right, self.questions)

    @property
    def score_percent(self) -> int | None:
        return _percent(self.score)


def learner_rows(capsule: Capsule, question_ids: list[int] | None = None) -> list[LearnerRow]:
    """Everyone who started the capsule or answered one of its questions, by name (one query)."""
    if question_ids is None:
        question_ids = [q.pk for q in _questions(capsule)]
    progress = Progress.objects.filter(user_id=OuterRef("pk"), capsule=capsule)
    attempts = Attempt.objects.filter(user_id=OuterRef("pk"), interaction__capsule=capsule)
    right = (
        Attempt.objects.filter(user_id=OuterRef("pk"), interaction_id__in=question_ids, correct=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("interaction_id", distinct=True))
        .values("n")
    )
    users = (
        get_user_model()
        .objects.filter(Exists(progress) | Exists(attempts))
        .annotate(
            watched=Subquery(progress.values("watched_fraction")[:1]),
            completed_on=Subquery(progress.filter(completed=True).values("completed_at")[:1]),
            progress_at=Subquery(progress.values("updated_at")[:1]),
            right=Coalesce(Subquery(right), 0),
            last_answer=Subquery(attempts.order_by("-answered_at").values("answered_at")[:1]),
            last_event=Subquery(
                LearnerEvent.objects.filter(user_id=OuterRef("pk"), capsule=capsule)
                .order_by("-timestamp")
                .values("timestamp")[:1]
            ),
        )
        .only("pk", "username", "first_name", "last_name")
    )
    rows = []
    for u in users:
        moments = [t for t in (u.progress_at, u.last_answer, u.last_event) if t is not None]
        rows.append(
            LearnerRow(
                user_id=u.pk,
                name=u.get_full_name().strip() or u.get_username(),
                watched_fraction=u.watched or 0.0,
                completed_at=u.completed_on,
                right=u.right,
                questions=len(question_ids),
                last_activity=max(moments, default=None),
            )
        )
    rows.sort(key=lambda r: (r.name.casefold(), r.user_id))
    return rows


@dataclass(frozen=True)
class CapsuleReport:
    """Both tables of a capsule report."""

    capsule_id: int
    title: str
    questions: tuple[QuestionStats, ...]
    learners: tuple[LearnerRow, ...]


def capsule_report(capsule: Capsule) -> CapsuleReport:
    """Questions and learners of one capsule: four queries, however many learners."""
    questions = _questions(capsule)
    return CapsuleReport(
        capsule_id=capsule.pk,
        title=capsule.title,
        questions=tuple(question_stats(capsule, questions)),
        learners=tuple(learner_rows(capsule, [q.pk for q in questions])),
    )
