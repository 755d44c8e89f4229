"""One learner's answers, question by question, for their trainer (the session's learner page).

Walk 41: the trainer saw « 67 % (2 sur 3 questions) » per capsule but not which question was missed nor what
the learner answered (« tasse » typed for « conférence »): what a trainer needs to talk it over with them. Each
question of the block's published capsules, in the capsule's order: how many tries, whether the first (the one
the badge counts) and the last were right, and the first and last answers in words (the option chosen, the
words typed, the learner's own rating); an ordering or a point on the picture is said as right or wrong only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from capsules.analytics.reports import _choice_options, _picked
from capsules.learning.grading import UNGRADED_KINDS
from capsules.learning.timecode import clock
from capsules.models import Attempt, Interaction

SAID_CHARS = 200  # a typed answer is cut there (the page shows many)
SELF_WORDS = {"knew": gettext_noop("Je savais"), "partly": gettext_noop("En partie"),
              "didnt": gettext_noop("Je ne savais pas")}


@dataclass(frozen=True)
class AnswerRow:
    """One question and what this learner did with it."""

    interaction_id: int
    prompt: str
    at: str  # the clock from the capsule's start, as the learner's player shows it
    mandatory: bool
    graded: bool  # False: self-assessed or observed (no right answer)
    tries: int
    first_correct: bool | None  # None: never answered
    last_correct: bool | None
    first_said: str
    last_said: str


@dataclass(frozen=True)
class CapsuleAnswers:
    capsule_id: int
    title: str
    rows: tuple[AnswerRow, ...]


def said(inter: Interaction, response) -> str:
    """An answer in words, as the learner gave it (plain text: the template escapes it)."""
    if not isinstance(response, dict):
        return ""
    kind = inter.kind
    if kind in (Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE, Interaction.Kind.TRUE_FALSE):
        texts = {cid: text for cid, text, _right in _choice_options(inter)}
        return "\u00a0; ".join(str(texts.get(cid, "?")) for cid in _picked(kind, response))
    if kind == Interaction.Kind.CLOZE:
        blanks = response.get("blanks")
        if isinstance(blanks, list):
            return " / ".join(str(b)[:SAID_CHARS] for b in blanks)
        return ""
    if kind == "free_recall":
        rating = SELF_WORDS.get(response.get("self_assessment"))
        text = str(response.get("text") or "").strip()[:SAID_CHARS]
        return " — ".join(p for p in (text and f"«\u00a0{text}\u00a0»", rating and _(rating)) if p)
    return ""


def learner_answers(user, capsules: list[tuple[int, str]]) -> list[CapsuleAnswers]:
    """The answers of ``user`` to every question of ``capsules`` ((id, title) in the report's order): the questions
    the capsule asks, not the proposals the designer left or discarded (walk 46: five never-accepted proposals read
    « pas encore répondue », marked mandatory, beside the one question the learner was asked)."""
    ids = [pk for pk, _title in capsules]
    questions: dict[int, list[Interaction]] = {pk: [] for pk in ids}
    for inter in (Interaction.objects.filter(capsule_id__in=ids, draft_status=Interaction.DraftStatus.ACCEPTED)
                  .select_related("capsule").order_by("time", "pk")):
        questions[inter.capsule_id].append(inter)
    tries: dict[int, list[Attempt]] = {}
    attempts = (Attempt.objects.filter(user=user, interaction__capsule_id__in=ids)
                .order_by("answered_at", "pk").only("interaction_id", "response", "correct", "answered_at"))
    for attempt in attempts:
        tries.setdefault(attempt.interaction_id, []).append(attempt)
    out = []
    for pk, title in capsules:
        rows = []
        for inter in questions[pk]:
            mine = tries.get(inter.pk, [])
            first, last = (mine[0], mine[-1]) if mine else (None, None)
            rows.append(AnswerRow(
                interaction_id=inter.pk, prompt=inter.prompt,
                at=clock(max(0.0, inter.time - (inter.capsule.start or 0.0))),
                mandatory=inter.mandatory, graded=inter.kind not in UNGRADED_KINDS, tries=len(mine),
                first_correct=first.correct if first else None, last_correct=last.correct if last else None,
                first_said=said(inter, first.response) if first else "",
                last_said=said(inter, last.response) if last and len(mine) > 1 else ""))
        out.append(CapsuleAnswers(capsule_id=pk, title=title, rows=tuple(rows)))
    return out
