"""Export the approved steps of a footage as a truth file (``media_pipeline.evaluation.truth``).

Why: the expert's approved steps are the project's ground truth; exported as JSON they become
benchmark data (the real development set is annotated this way). Only approved steps are
exported: a draft is not truth. The video's SHA-256 lets the benchmark match the file to its clip.
"""

from __future__ import annotations

from django.utils import timezone

from capsules.models import Footage
from media_pipeline.evaluation.truth import Truth, TruthStep, validate


def may_export(user) -> bool:
    """The truth export is a developer's and annotator's tool for the benchmark, not the expert's: designers
    and administrators only (walk 36: the expert was offered « Exporter les étapes validées (JSON) »). The
    review screen shows the link, and the API serves the file, on this one rule; an expert gets 403."""
    from capsules import permissions

    return permissions.can_author(user)


class NotApproved(Exception):
    """The footage's steps are not (or no longer) approved."""


def truth_for(footage: Footage) -> Truth:
    if footage.status != Footage.Status.APPROVED:
        raise NotApproved("Les étapes de cette vidéo ne sont pas approuvées : "
                          "la vérité terrain ne s'exporte qu'après l'approbation de l'expert.")
    steps = list(footage.steps.filter(approved=True).order_by("start"))
    if not steps:
        raise NotApproved("Aucune étape approuvée à exporter.")
    expert = footage.expert
    truth = Truth(
        duration=float(footage.duration),
        steps=[TruthStep(round(s.start, 3), round(s.end, 3), s.title) for s in steps],
        title=footage.title,
        video={"name": footage.original_name, "sha256": footage.checksum, "footage_id": footage.pk},
        annotation={
            "by": (expert.get_full_name() or expert.get_username()) if expert else "",
            "how": "étapes approuvées sur l'écran de relecture de Geste",
            "approved_at": timezone.localtime(footage.updated_at).isoformat(timespec="seconds"),
            "review_version": footage.review_version,
        },
    )
    return validate(truth)


def filename_for(footage: Footage) -> str:
    return f"verite-terrain-{footage.pk}.json"
