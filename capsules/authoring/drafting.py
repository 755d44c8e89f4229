"""Quiz proposals for a capsule, stored as Interactions with ``origin=drafted`` and
``draft_status=proposed``: Geste proposes, the designer decides.

The commentary's proposals were prepared by the run's ``draft_quizzes`` stage (its
``proposals.json``); they are used as they are unless the transcript or the trade vocabulary
changed since, in which case they are drafted again here. Questions from the approved steps and
the expert's key points are drafted now. The drafting itself is ``media_pipeline.quiz_drafts``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from capsules import storage
from capsules.models import Capsule, Footage, Interaction, StageRun, Transcript
from media_pipeline.quiz_drafts import (  # noqa: F401 - the drafting API, re-exported for authoring
    BLANK,
    DEFAULT_REGION,
    PROPOSALS_FORMAT,
    DraftKeyPoint,
    DraftQuestion,
    DraftStep,
    _askable_titles,
    _step_at,
    _words,
    answer_texts,
    draft_questions,
    draft_structure_questions,
    draft_transcript_questions,
    finish,
    key_terms,
    leaked_answer,
    pick_transcript_questions,
    proposals_questions,
    quantities,
    question_keys,
    sentences,
    transcript_digest,
    unique_questions,
    wrong_feedback_leak,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedProposals:
    """The transcript's proposals prepared by a run, and whether they still match the footage."""

    questions: list[DraftQuestion]
    stage_id: int


def prepared_proposals(footage: Footage, transcript: dict | None, vocabulary: list[str]) -> PreparedProposals | None:
    """The latest run's prepared proposals, or None when there are none or when the transcript
    (corrected by the expert) or the vocabulary changed since the run."""
    stage = (
        StageRun.objects.filter(run__footage=footage, name="draft_quizzes", status=StageRun.Status.SUCCEEDED)
        .order_by("-run__created_at", "-pk")
        .first()
    )
    if stage is None:
        return None
    manifest = (stage.output_keys or {}).get("manifest") or {}
    name = (manifest.get("files") or {}).get("proposals")
    if not name:
        return None
    try:
        data = storage.read_json(f"{stage.output_keys['prefix']}/{name}")
    except (OSError, ValueError):
        log.warning("draft_quizzes artefact of stage %s unreadable: drafting again", stage.pk, exc_info=True)
        return None
    if (
        data.get("format") != PROPOSALS_FORMAT
        or data.get("transcript") != transcript_digest(transcript)
        or list(data.get("vocabulary") or []) != list(vocabulary)
    ):
        return None
    return PreparedProposals(questions=proposals_questions(data), stage_id=stage.pk)


def _inputs(capsule) -> tuple[dict | None, list[str]]:
    row = Transcript.objects.filter(footage=capsule.footage, task="transcribe").first()
    block = capsule.skills_block
    return (row.as_dict() if row else None), (block.certification.vocabulary_terms if block else [])


def uses_prepared_proposals(capsule) -> bool:
    """Whether drafting for ``capsule`` takes the commentary's proposals prepared by the run."""
    transcript, vocabulary = _inputs(capsule)
    return prepared_proposals(capsule.footage, transcript, vocabulary) is not None


def _in_capsule(questions: list[DraftQuestion], steps: list[DraftStep], capsule: Capsule) -> list[DraftQuestion]:
    """The prepared questions said inside the capsule, attached to the approved step at that time."""
    out = []
    for q in questions:
        if not (capsule.start - 0.05 <= q.time <= capsule.effective_end + 0.05):
            continue
        said = q.replay_from if q.replay_from is not None else q.time
        step = _step_at(steps, (said + q.time) / 2)
        out.append(replace(q, step_id=step.id if step else None))
    return out


def draft_for_capsule(capsule, *, seed: int | None = None) -> list:
    """Replace the capsule's still-proposed drafts by fresh ones (accepted or discarded ones stay)."""
    from django.db import transaction

    steps = [
        DraftStep(
            id=s.pk,
            start=s.start,
            end=s.end,
            title=s.title,
            keyframe=s.keyframe,
            key_terms=tuple(s.key_terms or ()),
            keyframe_region=tuple(s.keyframe_region) if s.keyframe_region else None,
        )
        for s in capsule.steps().order_by("start")
    ]
    transcript, vocabulary = _inputs(capsule)
    kps = [
        DraftKeyPoint(time=k.time, kind=k.kind, text=k.text, step_id=k.step_id)
        for k in capsule.footage.key_points.filter(time__gte=capsule.start, time__lte=capsule.effective_end)
    ]
    prepared = prepared_proposals(capsule.footage, transcript, vocabulary)
    if prepared is not None:
        from_transcript = _in_capsule(prepared.questions, steps, capsule)
    else:
        from_transcript = draft_transcript_questions(steps, transcript, vocabulary=vocabulary)
    drafts = finish(
        draft_structure_questions(steps, kps, seed=capsule.pk if seed is None else seed)
        + pick_transcript_questions(from_transcript),
        origin=capsule.start,
        steps=steps,
    )
    # Accepted, discarded or written by hand: never proposed again, even worded a little differently.
    existing = {
        key
        for i in capsule.interactions.exclude(draft_status=Interaction.DraftStatus.PROPOSED)
        for key in question_keys(i.kind, i.prompt, i.choices, i.answer_key, i.image)
    }
    with transaction.atomic():
        capsule.interactions.filter(
            origin=Interaction.Origin.DRAFTED, draft_status=Interaction.DraftStatus.PROPOSED
        ).delete()
        created = [
            Interaction.objects.create(
                capsule=capsule,
                time=d.time,
                kind=d.kind,
                prompt=d.prompt,
                choices=d.choices,
                answer_key=d.answer_key,
                image=d.image,
                feedback_correct=d.feedback_correct,
                feedback_wrong=d.feedback_wrong,
                replay_step_on_wrong=d.replay_step_on_wrong,
                mandatory=d.mandatory,
                step_id=d.step_id,
                origin=Interaction.Origin.DRAFTED,
                draft_status=Interaction.DraftStatus.PROPOSED,
            )
            for d in unique_questions(drafts, existing)
        ]
    return created


def spoken(transcript: dict | None) -> bool:
    """Whether a transcript holds recognised speech: a footage filmed without commentary has no transcript
    row, or one whose segments say nothing (Whisper found no speech)."""
    return any((seg.get("text") or "").strip() for seg in (transcript or {}).get("segments") or [])


def has_spoken_commentary(capsule) -> bool:
    """Whether drafting can read a commentary for ``capsule``: the capsule screen's button says « à partir des
    étapes et du commentaire » only then, « à partir des étapes » on a silent footage (walk 36), where drafting
    proposes what the steps and the expert's key points give (order, next step, zones, safety), no cloze."""
    transcript, _vocabulary = _inputs(capsule)
    return spoken(transcript)


def commentary_language(capsule) -> str:
    """The language the commentary is in when it is not French (clozes and values come from French sentences):
    the language it was transcribed in, or the one Whisper heard when it is sure (walk 34: English speech
    transcribed as French); "" for a French or silent commentary."""
    from capsules.pipeline.admin_views import HEARD_LANGUAGE_MIN

    row = Transcript.objects.filter(footage=capsule.footage, task="transcribe").first()
    if row is None or not spoken(row.as_dict()):
        return ""
    if row.language and not row.language.startswith("fr"):
        return row.language
    if (row.heard_language and not row.heard_language.startswith("fr")
            and (row.heard_probability or 0) >= HEARD_LANGUAGE_MIN):
        return row.heard_language
    return ""


def missing_sources(capsule) -> list[str]:
    """What keeps drafting from proposing more for ``capsule``, each in plain French for the designer: no
    commentary, a commentary not in French, too few steps with distinct titles, no key point (walks 36, 37)."""
    from django.utils.translation import gettext as _

    from capsules.pipeline.admin_views import language_name

    steps = [DraftStep(id=s.pk, start=s.start, end=s.end, title=s.title) for s in capsule.steps().order_by("start")]
    transcript, _vocabulary = _inputs(capsule)
    has_key_points = capsule.footage.key_points.filter(
        time__gte=capsule.start, time__lte=capsule.effective_end).exists()
    reasons = []
    foreign = commentary_language(capsule)
    if not spoken(transcript):
        reasons.append(_("cette vidéo n'a pas de commentaire transcrit (pas de question à trous ni de valeur "
                         "à retrouver)"))
    elif foreign:
        reasons.append(_("le commentaire est en %(language)s : les questions à trous et les valeurs à retrouver "
                         "viennent d'un commentaire en français") % {"language": language_name(foreign)})
    askable = sum(_askable_titles(steps))
    if askable < 3:
        reasons.append(_("l'ordre des étapes et « quelle est l'étape suivante ? » demandent au moins trois "
                         "étapes aux titres distincts (un titre « Étape N » donne la réponse) : donnez un titre "
                         "à chaque étape"))
    elif askable < 4:
        reasons.append(_("« quelle est l'étape suivante ? » demande au moins quatre étapes aux titres distincts "
                         "(la bonne réponse et deux autres étapes) ; cette capsule en a %(count)s") % {
                             "count": askable})
    if not has_key_points:
        reasons.append(_("les zones à toucher sur l'image et les rappels de sécurité viennent des points de "
                         "vigilance de l'expert : aucun n'est posé dans cette capsule"))
    return reasons


def why_no_drafts(capsule) -> str:
    """Why drafting proposed nothing for ``capsule``, in French, for the designer."""
    from django.utils.translation import gettext as _

    reasons = missing_sources(capsule)
    if not reasons:
        return _("Aucune nouvelle proposition : les questions que Geste propose sont déjà dans la capsule "
                 "(acceptées ou écartées).")
    return _("Aucune proposition : %(reasons)s.") % {"reasons": " ; ".join(reasons)}


def why_nothing_more(capsule) -> str:
    """Why drafting again brought no new proposal for ``capsule`` (walk 37), in French, for the designer."""
    from django.utils.translation import gettext as _

    reasons = missing_sources(capsule)
    if not reasons:
        return _("Geste n'en tire pas d'autre des étapes, du commentaire et des points de vigilance : les autres "
                 "questions possibles sont déjà dans la capsule (acceptées ou écartées).")
    return _("Geste n'en tire pas d'autre : %(reasons)s.") % {"reasons": " ; ".join(reasons)}


def proposal_keys(capsule) -> set[tuple]:
    """The keys (``question_keys``) of the capsule's proposals still waiting for the designer."""
    return {
        key
        for i in capsule.interactions.filter(draft_status=Interaction.DraftStatus.PROPOSED)
        for key in question_keys(i.kind, i.prompt, i.choices, i.answer_key, i.image)
    }


def new_among(created: list, before: set[tuple]) -> list:
    """The proposals of ``created`` that were not already waiting (``before``, from ``proposal_keys``)."""
    return [i for i in created if not question_keys(i.kind, i.prompt, i.choices, i.answer_key, i.image) & before]
