"""The rule that earns a skills block's badge, evaluated from what the server graded and recorded.

Earned when (as the designer set it): every live capsule of the block is completed, the mean
first-try score over the block's graded questions reaches the minimum, and every mandatory
question has been answered right at least once. Answers come from ``Attempt`` rows, which only the
server's grader writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capsules import learner_steps
from capsules.learning import grading, placement
from capsules.learning.progress import left_to_watch, live_capsules
from capsules.learning.timecode import clock, link_seconds
from capsules.models import Achievement, Attempt, Interaction, Progress
from capsules.templatetags.geste_i18n import percent

UNGRADED_KINDS = grading.UNGRADED_KINDS  # self-rated or observed: not graded answers


@dataclass(frozen=True)
class CapsuleRecord:
    """One capsule of the block as evidence: when it was completed and the first-try score."""

    capsule_id: int
    title: str
    completed_at: datetime | None
    first_try_score: float | None  # share right at first try, 0..1; None when none answered
    questions: int  # graded questions (``UNGRADED_KINDS`` left out, as the end panel and the score count)
    first_try_right: int = 0  # of the graded questions answered, right at the first try
    first_try_answered: int = 0  # graded questions answered at least once


@dataclass(frozen=True)
class MissingQuestion:
    """A mandatory question the rule still waits for: where it is, and whether it was answered at all."""

    prompt: str  # shortened plain text (escaped by whoever renders it)
    capsule: str
    time: str  # m:ss from the capsule's start, as the player shows it
    url: str  # the capsule page opened at the question's step (``#t=``), "" without a live page
    answered: bool  # answered but never right (True) or not answered yet (False)
    # Which question and capsule: the player retakes it in place, the block page puts it under its
    # capsule (an id, never the answer: grading stays on the server).
    interaction_id: int = 0
    capsule_id: int = 0

    @property
    def status(self) -> str:
        return _("répondue, mais jamais juste") if self.answered else _("pas encore répondue")

    @property
    def excerpt(self) -> str:
        """The prompt cut short for a link's text (« Aller à la question « … » (0:05) »): two questions at the
        same time, in two capsules or in one, had links of the same text (first-user walk)."""
        return short_prompt(self.prompt, LINK_PROMPT_CHARS)

    def to_dict(self) -> dict:
        return {"id": self.interaction_id, "capsule_id": self.capsule_id, "prompt": self.prompt,
                "excerpt": self.excerpt,
                "capsule": self.capsule, "time": self.time, "url": self.url, "answered": self.answered,
                "status": self.status}


@dataclass(frozen=True)
class Reason:
    """One unmet condition: ``final`` when no further answer can meet it (a first try is never replayed)."""

    code: str  # "capsules", "first_try", "mandatory", "empty"
    text: str
    final: bool = False
    questions: list[MissingQuestion] = field(default_factory=list)
    # One short line for a long list (« 5 questions obligatoires à réussir »): the block page shows it and
    # keeps ``text`` and the questions behind it, in a disclosure (walk 27: the list filled a phone's screen).
    summary: str = ""
    # The reason in a few words for the player's end panel (words 28: its badge box filled a phone's screen);
    # the text and the questions go behind « Voir le détail ».
    short: str = ""

    def to_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "final": self.final, "summary": self.summary,
                "short": self.short or self.summary or self.text, "questions": [q.to_dict() for q in self.questions]}


@dataclass(frozen=True)
class RuleOutcome:
    earned: bool
    unmet: list[str] = field(default_factory=list)
    capsules: list[CapsuleRecord] = field(default_factory=list)
    first_try_score: float | None = None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def final(self) -> bool:
        """Some condition can no longer be met by answering (only a trainer's award can grant it)."""
        return any(r.final for r in self.reasons)

    def to_get_right(self, capsule_id: int) -> list[MissingQuestion]:
        """The mandatory questions of one capsule the badge still needs right (``require_mandatory_correct``).
        A capsule is complete once its mandatory questions are answered, right or not (progress.py): for a
        complete one, these are what the learner must retake for the badge."""
        return [q for r in self.reasons if r.code == "mandatory" for q in r.questions if q.capsule_id == capsule_id]


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


PROMPT_CHARS = 80
LINK_PROMPT_CHARS = 40  # a link's excerpt of its question (``MissingQuestion.excerpt``)


def short_prompt(text: str, limit: int = PROMPT_CHARS) -> str:
    """The question's prompt on one line, cut at a word under ``limit`` characters. A non-breaking space the
    designer typed stays (« l'écrou ? »: str.split() took it for a plain one, and « ? » began a line)."""
    text = re.sub(r"[^\S\u00a0]+", " ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] or text[:limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def question_link(interaction: Interaction, capsule) -> str:
    """The capsule page at the question's time, as ``#t=`` the player understands: « Y aller » next to
    « à 0:11 » opens at 0:11 and the question is asked there (the player stops a move at an earlier
    mandatory question still unanswered). It went to the start of the question's step, 0:00 for the
    demo's questions of the first step, as if the link were broken."""
    page = getattr(capsule, "page", None)
    if page is None or not page.live or not page.url:
        return ""
    return f"{page.url}#t={link_seconds(max(0.0, interaction.time - capsule.start))}"


def _missing(interaction, capsule, answered: bool) -> MissingQuestion:
    return MissingQuestion(short_prompt(interaction.prompt), capsule.title,
                           clock(interaction.time - capsule.start), question_link(interaction, capsule), answered,
                           interaction.pk, capsule.pk)


def _left_in(capsule, progress, mandatory, answered: set[int], acquired: bool = False) -> str:
    """« Titre (il reste à regarder l'étape 2 « … » et à répondre à la question obligatoire de 0:05) »: what
    the completion rule (``progress.left_to_watch``, mandatory questions answered) still needs. A capsule
    acquired at placement says so (walk 25b: « pas encore commencée » under « acquise au positionnement »
    left the learner unsure whether they were done): the badge still asks it followed whole."""
    if progress is None:
        if acquired:
            return _("%(title)s (acquise au positionnement ; le badge demande de la suivre en entier et de "
                     "répondre à ses questions)") % {"title": capsule.title}
        return _("%(title)s (pas encore commencée)") % {"title": capsule.title}
    at = lambda t: clock(max(0.0, t - capsule.start))  # noqa: E731
    parts = [
        (_("l'étape %(n)d") % {"n": p.number} if learner_steps.is_default_title(p.title, p.number)
         else _("l'étape %(n)d « %(title)s »") % {"n": p.number, "title": p.title}) if p.number
        else _("le passage de %(start)s à %(end)s") % {"start": at(p.start), "end": at(p.end)}
        for p in left_to_watch(progress.watched, capsule.start, capsule.effective_end,
                               learner_steps.capsule_steps(capsule))
    ]
    left = [i for i in mandatory if i.pk not in answered]
    times = [at(i.time) for i in left]
    # Each time once, with how many questions it asks (« de 0:11, 0:11 » when two shared it). A time shared
    # with a question already answered names the one left by its prompt (first-user walk: « questions
    # obligatoires de 0:12, 0:21, 0:36 » beside « 4 questions obligatoires en attente », the other question
    # of 0:12 answered wrong: which of the two at 0:12 was meant, the learner could not tell).
    # When one is named, all are (walk 33: « 0:12 « Pendant « Couper l'eau… », 0:21, 0:36 »: only the first named,
    # the others bare times, read as if they were something else).
    per_time = {t: times.count(t) for t in times}
    asked = [at(i.time) for i in mandatory]
    named = any(asked.count(t) > n for t, n in per_time.items())
    shown = []
    for t, n in per_time.items():
        if named:
            shown.extend(_("%(time)s « %(prompt)s »") % {
                "time": t, "prompt": short_prompt(i.prompt, LINK_PROMPT_CHARS)} for i in left if at(i.time) == t)
        else:
            shown.append(t if n == 1 else ngettext("%(time)s (%(n)d question)", "%(time)s (%(n)d questions)", n)
                         % {"time": t, "n": n})
    said = [_("acquise au positionnement, le badge demande de la suivre en entier")] if acquired else []
    if parts:
        said.append(_("il reste à regarder %(parts)s") % {"parts": ", ".join(parts)})
    if times:
        # How many, said: the badge's own count (« 4 questions obligatoires en attente ») counts those answered
        # wrong too, and its summary says how many are not answered yet.
        said.append(ngettext("il reste à répondre à la question obligatoire de %(times)s",
                             "il reste à répondre à %(n)d questions obligatoires : %(times)s", len(times))
                    % {"times": ", ".join(shown), "n": len(times)})
    if len(said) == int(acquired):  # the server's word is still awaited (a last answer being sent)
        return capsule.title
    return _("%(title)s (%(left)s)") % {"title": capsule.title, "left": _(" ; ").join(said)}


def _mandatory_summary(n: int, selfs: int) -> str:
    """The mandatory questions still awaited, in one short line (the block page's disclosure, above the reason's
    text and the list): « à réussir »; self-assessed ones (no right answer) « sans réponse »; both « en attente »."""
    if not selfs:
        return ngettext("%(n)d question obligatoire à réussir", "%(n)d questions obligatoires à réussir", n) % {"n": n}
    if selfs == n:
        return ngettext("%(n)d question obligatoire sans réponse", "%(n)d questions obligatoires sans réponse",
                        n) % {"n": n}
    return ngettext("%(n)d question obligatoire en attente", "%(n)d questions obligatoires en attente", n) % {"n": n}


def _unfinished(missing) -> str:
    """The capsules reason in a few words (the player's end panel): their titles only."""
    return ngettext("Capsule non terminée : %(titles)s", "Capsules non terminées : %(titles)s", len(missing)) % {
        "titles": ", ".join(c.title for c, _r in missing)}


def evaluate(user, achievement: Achievement) -> RuleOutcome:
    capsules = list(live_capsules(achievement.skills_block).select_related("page"))
    if not capsules:
        text = _("Ce bloc n'a encore aucune capsule publiée.")
        return RuleOutcome(False, [text], reasons=[Reason("empty", text)])
    progress = {p.capsule_id: p for p in Progress.objects.filter(user=user, capsule__in=capsules)}
    questions = list(Interaction.objects.filter(capsule__in=capsules, draft_status=Interaction.DraftStatus.ACCEPTED)
                     .select_related("step").order_by("capsule__order", "capsule__pk", "time", "pk"))
    graded = [i for i in questions if i.kind not in UNGRADED_KINDS]
    first = first_attempts(user, [i.pk for i in graded])
    right = set(Attempt.objects.filter(user=user, interaction__in=graded, correct=True)
                .values_list("interaction_id", flat=True))
    mandatory = [i for i in questions if i.mandatory]
    answered = set(Attempt.objects.filter(user=user, interaction__in=mandatory)
                   .values_list("interaction_id", flat=True)) if mandatory else set()

    records = []
    for capsule in capsules:
        mine = [i for i in graded if i.capsule_id == capsule.pk]
        p = progress.get(capsule.pk)
        firsts = [first[i.pk] for i in mine if i.pk in first]
        records.append(CapsuleRecord(capsule.pk, capsule.title, p.completed_at if p and p.completed else None,
                                     first_try_share(firsts), len(mine), sum(1 for a in firsts if a.correct),
                                     len(firsts)))

    reasons: list[Reason] = []
    if achievement.require_all_capsules:
        missing = [(c, r) for c, r in zip(capsules, records, strict=True) if r.completed_at is None]
        if missing:
            # Each with what it still needs, as the player's end panel says it (walk 24: « Capsule non
            # terminée » alone left the learner to guess).
            acquired = placement.acquired_at_placement(user, achievement.skills_block)
            if len(missing) == len(capsules) > 1 and not progress and not acquired:
                # Walk 27: before anything was started the block page listed every capsule a third time, each
                # « (pas encore commencée) », under the path and the capsule list that name them already.
                reasons.append(Reason("capsules", _(
                    "Aucune des %(n)d capsules du bloc n'est encore commencée : le badge demande de les suivre "
                    "toutes en entier.") % {"n": len(capsules)}, short=_unfinished(missing)))
            else:
                said = [_left_in(c, progress.get(c.pk), [i for i in mandatory if i.capsule_id == c.pk], answered,
                                 c.pk in acquired)
                        for c, _r in missing]
                reasons.append(Reason("capsules", ngettext(
                    "Capsule non terminée : %(titles)s.", "Capsules non terminées : %(titles)s.", len(missing))
                    % {"titles": _(" ; ").join(said)}, short=_unfinished(missing)))
    mean = first_try_share(first[i.pk] for i in graded if i.pk in first)
    if achievement.min_first_try_score:
        if mean is None or mean * 100 + 1e-9 < achievement.min_first_try_score:
            reasons.append(_first_try_reason(graded, first, mean, achievement.min_first_try_score))
    if achievement.require_mandatory_correct:
        # A self-assessed question (observe, free recall) has no right answer: answering it is enough.
        waiting = [i for i in mandatory
                   if (i.pk not in answered if i.kind in UNGRADED_KINDS else i.pk not in right)]
        if waiting:
            # The whole block's, said so: the block's summary counts the completed capsules' only (walk 21).
            by_pk = {c.pk: c for c in capsules}
            # Walk 25: « 4 questions obligatoires n'ont pas encore reçu de bonne réponse », then « parmi les 3
            # questions notées qui restent »: the self-assessed ones, which have no right answer, said apart.
            selfs = sum(1 for i in waiting if i.kind in UNGRADED_KINDS)
            if not selfs:
                text = ngettext(
                    "Dans tout le bloc, capsules non terminées comprises, %(n)d question obligatoire n'a pas encore "
                    "reçu de bonne réponse :",
                    "Dans tout le bloc, capsules non terminées comprises, %(n)d questions obligatoires n'ont pas "
                    "encore reçu de bonne réponse :", len(waiting)) % {"n": len(waiting)}
            elif selfs == len(waiting):
                text = ngettext(
                    "Dans tout le bloc, capsules non terminées comprises, %(n)d question obligatoire "
                    "d'auto-évaluation attend encore une réponse (sans bonne réponse : y répondre suffit) :",
                    "Dans tout le bloc, capsules non terminées comprises, %(n)d questions obligatoires "
                    "d'auto-évaluation attendent encore une réponse (sans bonne réponse : y répondre suffit) :",
                    selfs) % {"n": selfs}
            else:  # two at least, one of each
                # Words 28: « dont 1 question d'auto-évaluation » without saying which: named.
                names = ", ".join(f"« {short_prompt(i.prompt, LINK_PROMPT_CHARS)} »"
                                  for i in waiting if i.kind in UNGRADED_KINDS)
                text = ngettext(
                    "Dans tout le bloc, capsules non terminées comprises, %(n)d questions obligatoires n'ont pas "
                    "encore reçu de bonne réponse, dont %(selfs)d question d'auto-évaluation, %(names)s (sans "
                    "bonne réponse : y répondre suffit) :",
                    "Dans tout le bloc, capsules non terminées comprises, %(n)d questions obligatoires n'ont pas "
                    "encore reçu de bonne réponse, dont %(selfs)d questions d'auto-évaluation, %(names)s (sans "
                    "bonne réponse : y répondre suffit) :", selfs) % {"n": len(waiting), "selfs": selfs,
                                                                       "names": names}
            if any(i.pk not in answered for i in waiting) and placement.took_placement(user, achievement.skills_block):
                # Walk 25b: questions just answered right in the placement test listed « pas encore répondue ».
                text = _("Les réponses du test de positionnement ne comptent pas pour le badge.") + " " + text
            summary = _mandatory_summary(len(waiting), selfs)
            counted = next((r for r in reasons if r.code == "first_try" and not r.final), None)
            wrong = sum(1 for i in waiting if i.kind not in UNGRADED_KINDS and i.pk in answered)
            kinds = sum(1 for n in (wrong, selfs, len(waiting) - wrong - selfs) if n)
            if counted is not None or kinds > 1:
                # Words 28: « il suffit de 3 bonnes réponses… parmi les 5 questions notées qui restent » beside
                # « 6 questions obligatoires en attente »: not the same questions (the first counts optional
                # ones, not the ones answered wrong nor the self-assessed ones): the summary says which. So does
                # it for a mix (first-user walk: « 4 … en attente » beside a capsule's « il reste à répondre à
                # 3 questions obligatoires », the fourth answered wrong).
                summary = _("%(summary)s : %(parts)s") % {"summary": summary, "parts": ", ".join(
                    part for n, part in (
                        (wrong, ngettext("%(n)d répondue sans bonne réponse (son premier essai est déjà compté)",
                                         "%(n)d répondues sans bonne réponse (leur premier essai est déjà compté)",
                                         wrong) % {"n": wrong}),
                        (selfs, ngettext("%(n)d d'auto-évaluation (non notée)", "%(n)d d'auto-évaluation (non notées)",
                                         selfs) % {"n": selfs}),
                        (len(waiting) - wrong - selfs,
                         ngettext("%(n)d pas encore répondue", "%(n)d pas encore répondues",
                                  len(waiting) - wrong - selfs) % {"n": len(waiting) - wrong - selfs}))
                    if n)}
            reasons.append(Reason("mandatory", text,
                                  questions=[_missing(i, by_pk[i.capsule_id], i.pk in answered) for i in waiting],
                                  summary=summary, short=_mandatory_summary(len(waiting), selfs)))
    return RuleOutcome(not reasons, [reason_text(r) for r in reasons], records, mean, reasons)


def first_try_needed(right: int, graded: int, minimum: int) -> int:
    """The fewest more first-try right answers that bring the share to ``minimum`` % once every graded
    question is answered (``right`` + n over ``graded``), as ``evaluate`` scores it; 0 when already met.
    Walk 22: the block page asked « les 4 questions qui restent » right while 3 of 4 earned the badge."""
    return max(0, -((100 * right - minimum * graded) // 100))


def trainer_only() -> str:
    """What is left once a condition is final: the badge can only come from the trainer (block page and
    player's end panel, in these words)."""
    return _("Votre formateur peut vous attribuer le badge après vous avoir observé.")


def _first_try_reason(graded, first, mean, minimum: int) -> Reason:
    """Only the first answer to each question counts here: once the questions left unanswered cannot lift
    the share to the minimum even if all answered right at the first try, the condition is final."""
    left = sum(1 for i in graded if i.pk not in first)
    right_first = sum(1 for a in first.values() if a.correct)
    needed = first_try_needed(right_first, len(graded), minimum)
    shown = _("aucune réponse") if mean is None else percent(f"{mean * 100:.0f}")
    text = _("Score au premier essai : %(score)s (minimum %(minimum)d %%).") % {"score": shown, "minimum": minimum}
    if needed > left or not graded:
        # The way left to the badge said in the short line too (end panel 28: the player's end panel said
        # only « ne peut plus être atteint » and offered a retake « pour le badge »).
        trainer = trainer_only()
        return Reason("first_try", text + " " + _(
            "Seule la première réponse à chaque question compte pour ce critère : les nouvelles tentatives "
            "ne le changent pas, et ce minimum ne peut plus être atteint.") + " " + trainer, final=True,
            short=text + " " + _("Ce minimum ne peut plus être atteint.") + " " + trainer)
    if needed == left:
        return Reason("first_try", text + " " + ngettext(
            "Seule la première réponse compte : répondez juste du premier coup à la question qui reste.",
            "Seule la première réponse compte : répondez juste du premier coup aux %(n)d questions qui restent.",
            left) % {"n": left}, short=text)
    # Fewer than all of them (left >= 2 here): the real number, over the graded questions still unanswered.
    return Reason("first_try", text + " " + ngettext(
        "Seule la première réponse compte : il suffit de %(n)d bonne réponse du premier coup parmi les "
        "%(left)d questions notées qui restent.",
        "Seule la première réponse compte : il suffit de %(n)d bonnes réponses du premier coup parmi les "
        "%(left)d questions notées qui restent.", needed) % {"n": needed, "left": left}, short=text)


def reason_text(reason: Reason) -> str:
    """The reason as one plain sentence (management command, screen readers): questions named in it."""
    if not reason.questions:
        return reason.text
    items = "; ".join(_("« %(prompt)s » (%(capsule)s, à %(time)s) : %(status)s") % {
        "prompt": q.prompt, "capsule": q.capsule, "time": q.time, "status": q.status} for q in reason.questions)
    return f"{reason.text} {items}."
