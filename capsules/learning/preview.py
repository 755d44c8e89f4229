"""The capsule as a learner will see it, for the people who validate it before it is published.

Wagtail's preview (and the workflow's "Aperçu") renders the CapsulePage while it is still a draft,
but the learner API serves live pages only, so the player could not load it. These endpoints serve
the same manifest for a draft to whoever may see its footage (designers, the assigned expert), never
to learners; answers are graded but not stored, progress is not recorded, and the answer sheet
(the right answers) is rendered on the preview page for the reviewer.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from capsules import permissions
from capsules.learning.grading import InvalidResponse, grade
from capsules.learning.views import _json_body, build_manifest, chapters_vtt_text
from capsules.models import Capsule, Interaction


def may_preview(user, capsule: Capsule) -> bool:
    """Designers and the expert assigned to the capsule's footage; learners and other experts never."""
    return permissions.can_see(user, capsule.footage)


def _capsule_for(request, capsule_id: int) -> Capsule:
    capsule = get_object_or_404(Capsule.objects.select_related("footage", "page"), pk=capsule_id)
    if not may_preview(request.user, capsule):
        raise Http404("Capsule introuvable.")
    return capsule


def preview_manifest_dict(capsule: Capsule, user) -> dict:
    data = build_manifest(capsule, user, live_steps=True)  # its authors see the steps as saved now
    for inter in data["interactions"]:
        inter["answer_url"] = reverse("preview-answer", args=[capsule.pk, inter["id"]])
        if "reveal_url" in inter:
            inter["reveal_url"] = reverse("preview-reveal", args=[capsule.pk, inter["id"]])
    sink = reverse("preview-sink", args=[capsule.pk])
    for inter in data["interactions"]:
        if "went_on_url" in inter:  # a reviewer's « Continuer » is not recorded either
            inter["went_on_url"] = sink
    data.update({
        "preview": True,
        "chapters": reverse("preview-chapters", args=[capsule.pk]),
        "api": {"progress": sink, "events": sink, "offline": sink},
        "progress": None,
        "attempts": {},
    })
    data["user"] = {**data["user"], "authenticated": True}
    return data


@require_GET
@never_cache
def manifest(request, capsule_id: int):
    capsule = _capsule_for(request, capsule_id)
    return JsonResponse(preview_manifest_dict(capsule, request.user))


@require_GET
def chapters(request, capsule_id: int):
    return HttpResponse(chapters_vtt_text(_capsule_for(request, capsule_id), live_steps=True),
                        content_type="text/vtt; charset=utf-8")


@require_POST
def answer(request, capsule_id: int, interaction_id: int):
    """Grade a reviewer's try without storing it (a preview leaves no trace in learners' reports)."""
    capsule = _capsule_for(request, capsule_id)
    interaction = get_object_or_404(Interaction, pk=interaction_id, capsule=capsule,
                                    draft_status=Interaction.DraftStatus.ACCEPTED)
    try:
        result = grade(interaction, _json_body(request).get("response")).to_dict()
    except (InvalidResponse, ValueError) as exc:
        return JsonResponse({"detail": getattr(exc, "message", str(exc))}, status=400)
    return JsonResponse({**result, "interaction": interaction.pk, "client_id": "", "duplicate": False,
                         "completed": False, "mandatory_left": [], "preview": True})


@require_POST
def reveal(request, capsule_id: int, interaction_id: int):
    """A free recall's expected answer for a reviewer's « Voir la réponse attendue », not recorded."""
    capsule = _capsule_for(request, capsule_id)
    interaction = get_object_or_404(Interaction, pk=interaction_id, capsule=capsule, kind=Interaction.Kind.FREE_RECALL,
                                    draft_status=Interaction.DraftStatus.ACCEPTED)
    model = str((interaction.answer_key or {}).get("model_answer") or "")
    return JsonResponse({"interaction": interaction.pk, "model_answer": model, "preview": True})


@require_POST
def sink(request, capsule_id: int):
    """Progress and events of a preview are not recorded."""
    _capsule_for(request, capsule_id)
    return JsonResponse({"completed": False, "preview": True})


def answer_sheet(capsule: Capsule) -> list[dict]:
    """Each accepted question with its right answer, in the reviewer's words (preview page only);
    ``time`` on the footage's clock (``Interaction.time``)."""
    rows = []
    for inter in capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED).order_by("time"):
        key = inter.answer_key or {}
        choices = {str(c.get("id")): c.get("text", "") for c in inter.choices or []}
        if inter.kind in (Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE):
            answer = " ; ".join(choices.get(str(c), str(c)) for c in key.get("correct") or [])
        elif inter.kind == Interaction.Kind.TRUE_FALSE:
            answer = "Vrai" if key.get("correct") else "Faux"
        elif inter.kind == Interaction.Kind.ORDERING:
            answer = " → ".join(c.get("text", "") for c in inter.choices or [])
        elif inter.kind == Interaction.Kind.CLOZE:
            answer = " ; ".join(" / ".join(b) for b in key.get("blanks", []))
        elif inter.kind == Interaction.Kind.HOTSPOT:
            answer = "la zone tracée sur l'image clé"
        elif inter.kind == Interaction.Kind.FREE_RECALL:
            answer = key.get("model_answer", "")
        else:
            answer = ""
        # ``time`` stays on the footage's clock, as stored: the template reads it from the capsule's
        # start (``|clock:capsule.start``), like the step list. Subtracting here too counted the
        # start twice (a question at 0:06 of the player read 0:03 in a capsule cut at 0:02,8).
        rows.append({"time": inter.time, "kind": inter.get_kind_display(), "prompt": inter.prompt,
                     "answer": answer, "mandatory": inter.mandatory})
    return rows
