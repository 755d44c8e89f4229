"""Designers choose the placement test of a skills block: Geste drafts a selection, they accept or change it.

The draft takes 1–3 gradable questions per capsule, gesture order and hotspot first (they test the
gesture, not the vocabulary), then mandatory ones, in video order. Only accepted questions are asked.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capsules.models import Capsule, Interaction, PlacementQuestion, SkillsBlock
from capsules.permissions import can_author

GRADABLE = ["ordering", "hotspot", "single_choice", "multiple_choice", "true_false", "cloze"]
KIND_PRIORITY = {"ordering": 0, "hotspot": 1}
PER_CAPSULE = 2
MAX_PER_CAPSULE = 3


def candidates(block: SkillsBlock) -> dict[Capsule, list[Interaction]]:
    """Gradable accepted interactions of each capsule of the block, best placement questions first."""
    out: dict[Capsule, list[Interaction]] = {}
    rows = (Interaction.objects.filter(capsule__skills_block=block, kind__in=GRADABLE,
                                       draft_status=Interaction.DraftStatus.ACCEPTED)
            .select_related("capsule").order_by("capsule__order", "capsule_id"))
    for inter in rows:
        out.setdefault(inter.capsule, []).append(inter)
    for items in out.values():
        items.sort(key=lambda i: (KIND_PRIORITY.get(i.kind, 2), not i.mandatory, i.time))
    return out


@transaction.atomic
def draft_selection(block: SkillsBlock, per_capsule: int = PER_CAPSULE) -> list[PlacementQuestion]:
    """Propose (not accept) up to ``per_capsule`` questions for each capsule that has none chosen yet."""
    per_capsule = max(1, min(MAX_PER_CAPSULE, per_capsule))
    chosen = set(PlacementQuestion.objects.filter(interaction__capsule__skills_block=block)
                 .values_list("interaction__capsule_id", flat=True))
    made = []
    for capsule, items in candidates(block).items():
        if capsule.pk in chosen:
            continue
        for n, inter in enumerate(items[:per_capsule]):
            made.append(PlacementQuestion.objects.create(interaction=inter, accepted=False, order=n))
    return made


@transaction.atomic
def save_selection(block: SkillsBlock, interaction_ids: set[int]) -> int:
    """The designer's choice: exactly these questions are asked (at most three per capsule kept)."""
    per_capsule: dict[int, int] = {}
    kept = 0
    for capsule, items in candidates(block).items():
        for inter in items:
            wanted = inter.pk in interaction_ids and per_capsule.get(capsule.pk, 0) < MAX_PER_CAPSULE
            if wanted:
                per_capsule[capsule.pk] = per_capsule.get(capsule.pk, 0) + 1
                kept += 1
            PlacementQuestion.objects.update_or_create(
                interaction=inter, defaults={"accepted": wanted, "order": items.index(inter)})
    return kept


def without_placement(block: SkillsBlock, candidate_ids: set[int]) -> list[tuple[Capsule, bool]]:
    """Published capsules of the block none of whose questions the placement asks (no accepted placement question
    on an accepted graded question): the test can never recognise them as acquired, they stay to follow. With each,
    whether it has graded questions to choose from on this screen (else one is to be added on its design page)."""
    asked = set(PlacementQuestion.objects.filter(
        accepted=True, interaction__capsule__skills_block=block, interaction__kind__in=GRADABLE,
        interaction__draft_status=Interaction.DraftStatus.ACCEPTED,
    ).values_list("interaction__capsule_id", flat=True))
    published = Capsule.objects.filter(skills_block=block, page__live=True).order_by("order", "pk")
    return [(c, c.pk in candidate_ids) for c in published if c.pk not in asked]


def selection_view(request, block_id: int):
    """Admin screen: the block's questions by capsule, drafted ones ticked, accepted ones marked."""
    if not can_author(request.user):
        return HttpResponseForbidden(_("Réservé aux concepteurs pédagogiques."))
    block = get_object_or_404(SkillsBlock, pk=block_id)
    message = ""
    if request.method == "POST":
        if "draft" in request.POST:
            made = draft_selection(block)
            message = ngettext("%(n)s question proposée : vérifiez puis enregistrez la sélection.",
                               "%(n)s questions proposées : vérifiez puis enregistrez la sélection.",
                               len(made)) % {"n": len(made)}
        else:
            ids = {int(v) for v in request.POST.getlist("interaction") if v.isdigit()}
            kept = save_selection(block, ids)
            return redirect(request.path + "?ok=" + str(kept))
    elif request.GET.get("ok"):
        kept = int(request.GET["ok"]) if request.GET["ok"].isdigit() else 0
        message = ngettext("Sélection enregistrée : %(n)s question au positionnement.",
                           "Sélection enregistrée : %(n)s questions au positionnement.", kept) % {"n": kept}
    existing = {q.interaction_id: q for q in PlacementQuestion.objects.filter(interaction__capsule__skills_block=block)}
    rows = [(capsule, [(i, existing.get(i.pk)) for i in items]) for capsule, items in candidates(block).items()]
    # "skills_block", not "block": in a template, « block » is Django's block tag (the screen's title lost the code)
    return TemplateResponse(request, "capsules/admin/placement_selection.html", {
        "skills_block": block, "rows": rows, "message": message,
        "missing": without_placement(block, {capsule.pk for capsule, _items in rows}),
    })


def selection_index(request):
    """Every skills block with how many placement questions are accepted, to open one's selection."""
    if not can_author(request.user):
        return HttpResponseForbidden(_("Réservé aux concepteurs pédagogiques."))
    blocks = SkillsBlock.objects.select_related("certification").annotate(
        accepted=Count("capsules__interactions__placement", filter=Q(capsules__interactions__placement__accepted=True)))
    return TemplateResponse(request, "capsules/admin/placement_index.html", {"blocks": blocks})


urlpatterns = [
    path("geste/blocs/positionnement/", selection_index, name="geste_placement_index"),
    path("geste/blocs/<int:block_id>/positionnement/", selection_view, name="geste_placement_selection"),
]
