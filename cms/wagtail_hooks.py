"""Admin screens for experts (review of the steps) and designers (capsule authoring, quiz drafts).

Permissions are checked here on every request with ``capsules.permissions``: Wagtail only
guarantees admin access. A footage the user may not see answers 404; a screen of another role
answers 403. The CapsulePage workflow ("Validation par l'expert", cms/migrations/0003) is the
only way to publish a capsule: the Publish action is withheld from capsule pages.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from capsules import learner_steps, permissions, storage
from capsules.authoring import capsule as authoring
from capsules.authoring import drafting as quiz_drafting
from capsules.authoring import step_changes
from capsules.models import Capsule, Footage, Interaction
from capsules.pipeline.admin_views import footage_capsules, language_name
from capsules.review import truth_export

FORBIDDEN_TEMPLATE = "capsules/admin/forbidden.html"


def _forbidden(request, reason: str):
    response = TemplateResponse(request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)
    return response


def _designer_only(view):
    def wrapper(request, *args, **kwargs):
        if not permissions.can_author(request.user):
            return _forbidden(request, _("Cet écran est réservé aux concepteurs pédagogiques."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- review ---------------------------------------------------------------------------------------


def review_index(request):
    """The footage to review: experts see theirs, designers see all."""
    user = request.user
    if not (permissions.can_author(user) or permissions.is_reviewer(user)):
        return _forbidden(request, _("La relecture des étapes est réservée aux experts et aux concepteurs."))
    footages = list(
        permissions.visible_footage(user).select_related("skills_block", "expert").order_by("-updated_at")
    )
    for f in footages:
        f.step_count = f.steps.count()
        f.reviewable = f.status in (
            Footage.Status.IN_REVIEW,
            Footage.Status.CHANGES_REQUESTED,
            Footage.Status.APPROVED,
        )
    return TemplateResponse(request, "capsules/admin/review_list.html", {"footages": footages})


def review_screen(request, pk: int):
    user = request.user
    if not (permissions.can_author(user) or permissions.is_reviewer(user)):
        return _forbidden(request, _("La relecture des étapes est réservée aux experts et aux concepteurs."))
    footage = permissions.visible_footage(user).filter(pk=pk).first()
    if footage is None:
        raise Http404("Vidéo introuvable.")
    return TemplateResponse(request, "capsules/admin/review.html",
                            {"footage": footage, **footage_capsules(user, footage),
                             "may_export_truth": truth_export.may_export(user)})


# --- authoring -------------------------------------------------------------------------------------


@_designer_only
def capsule_index(request):
    capsules = Capsule.objects.select_related("footage", "skills_block", "page").order_by("-created_at")
    ready = Footage.objects.filter(status=Footage.Status.APPROVED).select_related("skills_block")
    return TemplateResponse(
        request, "capsules/admin/capsule_list.html", {"capsules": capsules, "ready": ready}
    )


@_designer_only
def capsule_create(request, footage_id: int):
    footage = get_object_or_404(Footage, pk=footage_id)
    steps = list(footage.steps.order_by("start"))
    errors, data = {}, {"title": footage.title}
    if request.method == "POST":
        data = request.POST
        try:
            made = authoring.create_capsule(
                footage,
                title=data.get("title", ""),
                summary=data.get("summary", "").strip(),
                first_step_id=int(data["first_step"]) if data.get("first_step") else None,
                last_step_id=int(data["last_step"]) if data.get("last_step") else None,
                user=request.user,
            )
        except authoring.AuthoringError as exc:
            errors = exc.errors
        except ValueError:
            errors = {"first_step": _("Étape invalide.")}
        else:
            messages.success(request, _("Capsule créée en brouillon."))
            _draft_prepared_proposals(request, made.capsule_id)
            return redirect("geste_capsule_edit", made.capsule_id)
    return TemplateResponse(
        request,
        "capsules/admin/capsule_new.html",
        {"footage": footage, "steps": steps, "errors": errors, "data": data,
         "first_error": authoring.first_in_error(errors, authoring.CAPSULE_FIELDS)},
        status=400 if errors else 200,
    )


def _draft_prepared_proposals(request, capsule_id: int) -> None:
    """The quiz proposals the processing prepared from the commentary, offered at once on a new capsule
    (a designer saw "Propositions de quiz (0)" beside a finished "Propositions de quiz" stage). Only
    prepared ones: drafting from a corrected transcript stays the designer's explicit choice."""
    capsule = Capsule.objects.select_related("footage").get(pk=capsule_id)
    try:
        if not quiz_drafting.uses_prepared_proposals(capsule):
            return
        count = len(quiz_drafting.draft_for_capsule(capsule))
    except Exception:  # proposals are a help: a failure here must not lose the capsule just created
        logging.getLogger(__name__).exception("quiz proposals for new capsule %s failed", capsule_id)
        return
    if count:
        messages.info(request, ngettext(
            "%(count)s proposition de quiz, préparée pendant le traitement de la vidéo, est à examiner.",
            "%(count)s propositions de quiz, préparées pendant le traitement de la vidéo, sont à examiner.",
            count) % {"count": count})


def _interaction_summary(inter: Interaction) -> str:
    key = inter.answer_key or {}
    if inter.kind in (Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE):
        right = set(key["correct"]) if isinstance(key.get("correct"), list) else set()
        return " · ".join(
            ("✔ " if c.get("id") in right else "") + c.get("text", "") for c in inter.choices or []
        )
    if inter.kind == Interaction.Kind.TRUE_FALSE:
        return _("Réponse : vrai") if key.get("correct") else _("Réponse : faux")
    if inter.kind == Interaction.Kind.ORDERING:
        return " → ".join(c.get("text", "") for c in inter.choices or [])
    if inter.kind == Interaction.Kind.CLOZE:
        accepted = " ; ".join(" / ".join(b) for b in key.get("blanks", []))
        return _("Réponses acceptées : %(answers)s") % {"answers": accepted}
    if inter.kind == Interaction.Kind.HOTSPOT:
        # Localised decimals (0,25 in French): the labels keep four commas from reading as one list.
        rect = (key.get("regions") or [{}])[0].get("rect", [])
        names = (_("x"), _("y"), _("largeur"), _("hauteur"))
        return _("Zone : %s") % " ; ".join(
            f"{name} {number_format(v, 2)}" for name, v in zip(names, rect, strict=False)
        )
    if inter.kind == Interaction.Kind.FREE_RECALL:
        return _("Réponse attendue : %(answer)s") % {"answer": key.get("model_answer", "")}
    return ""


def _page_state(capsule: Capsule, user=None) -> dict:
    page = getattr(capsule, "page", None)
    if page is None:
        return {"label": _("Sans page"), "page": None}
    if page.workflow_in_progress:
        state = page.current_workflow_state
        task = state.current_task_state.task.specific if state and state.current_task_state else None
        actions = [a[0] for a in task.get_actions(page, user)] if task is not None and user is not None else []
        # Approving publishes only at the workflow's last task; before it, it only hands the capsule on to
        # the next task (a superuser saw « Valider et publier » at the expert's task, and nothing was published).
        tasks = list(state.workflow.tasks) if state else []
        ids = [t.pk for t in tasks]
        later = tasks[ids.index(task.pk) + 1:] if task is not None and task.pk in ids else []
        return {"label": _("En validation (%(task)s)") % {"task": task.name if task else ""}, "page": page,
                "in_workflow": True, "live": page.live,
                "task": task.name if task else "", "can_approve": "approve" in actions,
                "approve_publishes": not later, "next_task": later[0].name if later else ""}
    from cms.expert_check import changes_requested

    changes = changes_requested(page)
    if changes is not None:
        from cms.expert_check import changes_requested_text

        return {"label": _("Modifications demandées par l'expert"), "page": page, "changes": changes,
                "changes_text": changes_requested_text(changes), "live": page.live}
    if page.live and not page.has_unpublished_changes:
        return {"label": _("Publiée"), "page": page, "live": True}
    if page.live:
        return {"label": _("Publiée, avec des modifications en brouillon"), "page": page, "live": True,
                "drafts": True}
    return {"label": _("Brouillon"), "page": page}


def _revalidation_text(capsule: Capsule) -> str:
    from cms.expert_check import revalidation_text

    return revalidation_text(capsule)


def _step_holding(inter: Interaction) -> int | None:
    step = learner_steps.step_at(authoring.capsule_steps(inter.capsule), inter.time)
    return step.pk if step is not None else None


def _form_data_for(inter: Interaction) -> dict:
    rect = ((inter.answer_key or {}).get("regions") or [{}])[0].get("rect", ["", "", "", ""])
    return {
        "kind": inter.kind,
        # The form counts from the capsule's start (a proposal may lie a hair outside: shown at the edge).
        "time": min(max(authoring.to_capsule_clock(inter.capsule, inter.time), 0.0),
                    authoring.capsule_length(inter.capsule)),
        # The step that holds the question's moment shows as « (celle qui contient l'instant) »: a time moved in
        # this form then takes its step along (walk 49: moved from 0:08,5 to 0:20, it stayed « Après l'étape 1 »).
        # A step chosen apart from the moment (a question after its step's end) stays chosen.
        "step": "" if inter.step_id and _step_holding(inter) == inter.step_id else inter.step_id or "",
        "prompt": inter.prompt,
        "choices": authoring.choices_as_text(inter),
        "cloze": authoring.cloze_as_text(inter),
        "true_false": "true"
        if (inter.answer_key or {}).get("correct") is True
        else "false"
        if (inter.answer_key or {}).get("correct") is False
        else "",
        "hotspot_x": rect[0],
        "hotspot_y": rect[1],
        "hotspot_w": rect[2],
        "hotspot_h": rect[3],
        "model_answer": (inter.answer_key or {}).get("model_answer", ""),
        "feedback_correct": inter.feedback_correct,
        "feedback_wrong": inter.feedback_wrong,
        "mandatory": inter.mandatory,
        "replay_step_on_wrong": inter.replay_step_on_wrong,
        "shuffle_choices": inter.shuffle_choices,
        "image_url": storage.url(inter.image),
    }


def _edit_context(request, capsule: Capsule, *, form_data=None, errors=None, editing=None) -> dict:
    steps = authoring.capsule_steps(capsule)
    interactions = list(capsule.interactions.select_related("step").order_by("time"))
    for inter in interactions:
        inter.summary = _interaction_summary(inter)
        inter.before_step = authoring.before_step_warning(inter, capsule)
        inter.zone_to_draw = inter.draft_status == Interaction.DraftStatus.PROPOSED and authoring.zone_to_draw(inter)
    step_changes.label_steps(capsule, interactions)  # « Étape 2 — Titre », and whether that step changed
    footage = capsule.footage
    r = footage.renditions or {}
    return {
        "capsule": capsule,
        "footage": footage,
        "steps": steps,
        "step_options": [
            {
                "id": s.pk,
                "label": s.title or _("Étape %(n)s") % {"n": i + 1},
                "start": s.start,
                "end": s.end,
                "keyframe_url": storage.url(s.keyframe),
            }
            for i, s in enumerate(steps)
        ],
        "accepted": [i for i in interactions if i.draft_status == Interaction.DraftStatus.ACCEPTED],
        "proposed": [i for i in interactions if i.draft_status == Interaction.DraftStatus.PROPOSED],
        "no_drafts_reason": (
            quiz_drafting.why_no_drafts(capsule)
            if request.GET.get("propositions") == "0"
            and not any(i.draft_status == Interaction.DraftStatus.PROPOSED for i in interactions)
            else ""
        ),
        # « Proposer des quiz à partir des étapes et du commentaire » only when there is one (walk 36).
        "spoken_commentary": quiz_drafting.has_spoken_commentary(capsule),
        "discarded_count": sum(i.draft_status == Interaction.DraftStatus.DISCARDED for i in interactions),
        "kinds": [(k, Interaction.Kind(k).label) for k in authoring.KINDS_AUTHORED],
        # A new question has no time until the designer gives one or picks a step (authoring.js then
        # writes that step's end): a default of 0:00 asked it before anything was watched.
        "form": form_data or {"mandatory": True, "time": "", "shuffle_choices": True},
        "capsule_length": authoring.capsule_length(capsule),
        # The time field's range message, the server's own words, also said by authoring.js before sending.
        "time_range_message": authoring.time_range_error(capsule),
        # Where the admin video opens, on the footage's clock: the question edited, else the capsule's start.
        "video_at": editing.time if editing is not None else capsule.start,
        "errors": errors or {},
        "error_summary": authoring.error_summary(errors),
        "first_error": authoring.first_in_error(errors, authoring.INTERACTION_FIELDS),  # the field the page opens on
        "editing": editing,
        # From the saved question, not the form being typed. On the edit screen « Placer à la fin de l'étape »
        # submits the form being typed (its edits kept); in the capsule's lists it moves the saved question.
        "before_step": authoring.before_step_warning(editing, capsule) if editing is not None else None,
        "video_url": storage.url(r.get("mp4", "")),
        "poster_url": storage.url(r.get("poster", "")),
        "page_state": _page_state(capsule, request.user),
        "revalidation": _revalidation_text(capsule),  # « Modifiée après validation : à revoir par l'expert »
        # Just said by the message of the save (« La capsule est publiée : la modification est visible… »): once.
        "live_change_said": _live_change_said(request),
        # Said beside « Envoyer en validation » before the click: the condition capsule_submit refuses on.
        "submit_requirement": authoring.submit_requirement(capsule),
        "kinds_with_choices": ["single_choice", "multiple_choice"],
    }


def _say_texts_saved(request, capsule: Capsule) -> None:
    """On a published capsule the texts went into a draft revision: learners still see the published
    version, and only a new publication (the validation circuit) changes it; a plain "saved" hid that."""
    page = getattr(capsule, "page", None)
    if page is None or not page.live:
        messages.success(request, _("Textes enregistrés."))
        return
    where = reverse("geste_capsule_edit", args=[capsule.pk]) + "#publication"
    if page.workflow_in_progress:
        admin_messages.warning(request, _("Enregistré comme brouillon : les apprenants voient encore la version "
                                          "publiée. La capsule est en cours de validation."),
                               buttons=[admin_messages.button(where, _("Voir la validation en cours"))])
    else:
        admin_messages.warning(request, _("Enregistré comme brouillon : les apprenants voient encore la version "
                                          "publiée. Publiez pour mettre à jour (validation par l'expert, puis "
                                          "publication)."),
                               buttons=[admin_messages.button(where, _("Publier la mise à jour"))])


@_designer_only
def capsule_edit(request, pk: int):
    capsule = get_object_or_404(Capsule.objects.select_related("footage", "skills_block"), pk=pk)
    errors = {}
    if request.method == "POST":
        try:
            authoring.update_capsule_texts(
                capsule,
                title=request.POST.get("title", ""),
                summary=request.POST.get("summary", ""),
                user=request.user,
            )
        except authoring.AuthoringError as exc:
            errors = exc.errors
        else:
            _say_texts_saved(request, capsule)
            return redirect("geste_capsule_edit", capsule.pk)
    ctx = _edit_context(request, capsule)
    ctx["text_errors"] = errors
    ctx["text_summary"] = request.POST.get("summary", "") if errors else None  # what was typed, kept to shorten
    return TemplateResponse(request, "capsules/admin/capsule_edit.html", ctx, status=400 if errors else 200)


# The messages that say a change is live on the published capsule: the list's standing « La capsule est publiée… »
# banner is then left out (walk 38 read the same warning twice after saving a question).
LIVE_CHANGE_TAG = "geste-live-change"


def _live_change_said(request) -> bool:
    """Whether a message of this request says the change is live (iterating keeps them for the page)."""
    return any(LIVE_CHANGE_TAG in (m.extra_tags or "") for m in messages.get_messages(request))


def _back_to_the_first_task(request, capsule: Capsule) -> None:
    """A question added, changed or deleted once the capsule's workflow passed its first task (the expert's
    check) sends the capsule back there: the expert signs off what learners will get. A walk moved the
    correct answer after the expert's approval and published a key the expert never saw.

    On a published capsule the change is live for learners at once (questions are not part of the page's
    revisions): learners are not cut off, but the capsule is flagged « Modifiée après validation : à revoir
    par l'expert » and goes (back) to the expert's task, so the assigned expert is e-mailed as for any
    validation request (cms/notifications.py) and finds it in « Capsules à vérifier »; their approval clears
    the flag (walk 29: after publication no expert was in the loop)."""
    page = getattr(capsule, "page", None)
    if page is None:
        return
    if page.live:
        capsule.mark_changed_after_validation(request.user)
    if not page.workflow_in_progress:
        if page.live:
            try:
                authoring.submit_for_validation(capsule, request.user)  # the expert's task: notified, listed
            except authoring.AuthoringError as exc:
                messages.error(request, " ".join(str(e) for e in exc.errors.values()))
                return
            messages.warning(request, _("La capsule est publiée : la modification est visible des apprenants dès "
                                        "l'enregistrement ; l'expert est prévenu et la revalidera."),
                             extra_tags=LIVE_CHANGE_TAG)
        return
    state = page.current_workflow_state
    tasks = list(state.workflow.tasks)
    current = state.current_task_state.task if state.current_task_state else None
    if not tasks or current is None or current.pk == tasks[0].pk:
        if page.live:
            messages.warning(request, _("La capsule est publiée : la modification est visible des apprenants dès "
                                        "l'enregistrement ; l'expert, qui doit déjà la valider, la verra."),
                             extra_tags=LIVE_CHANGE_TAG)
        return  # still with the expert, who will see the change
    workflow = state.workflow
    state.cancel(user=request.user)
    workflow.start(page, request.user)
    if page.live:
        messages.warning(request, _("La capsule est publiée : la modification est visible des apprenants dès "
                                    "l'enregistrement ; l'expert est prévenu et la revalidera (retour à l'étape "
                                    "« %(task)s »).") % {"task": tasks[0].name},
                         extra_tags=LIVE_CHANGE_TAG)
        return
    messages.warning(request, _("Les questions avaient déjà été validées : la capsule repart à l'étape "
                                "« %(task)s » pour que l'expert voie la modification.") % {"task": tasks[0].name})


@_designer_only
@require_POST
def interaction_add(request, pk: int):
    capsule = get_object_or_404(Capsule, pk=pk)
    try:
        inter = authoring.apply_interaction_form(capsule, request.POST.dict())
    except authoring.AuthoringError as exc:
        ctx = _edit_context(request, capsule, form_data=request.POST.dict(), errors=exc.errors)
        return TemplateResponse(request, "capsules/admin/capsule_edit.html", ctx, status=400)
    messages.success(request, _("Interaction ajoutée : %(kind)s à %(at)s.") % {
        "kind": inter.get_kind_display(), "at": authoring.capsule_clock_tenths(capsule, inter.time)})
    _back_to_the_first_task(request, capsule)
    if warning := authoring.step_time_warning(inter):
        messages.warning(request, warning)
    return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + "#interactions")


@_designer_only
def interaction_edit(request, pk: int, interaction_id: int):
    capsule = get_object_or_404(Capsule, pk=pk)
    inter = get_object_or_404(Interaction, pk=interaction_id, capsule=capsule)
    if request.method == "POST":
        data = {**request.POST.dict(), "kind": inter.kind}
        placed = None
        if data.pop("place_at_step_end", None):
            # The warning's button submits this form (not the saved question): the edits typed are kept.
            data, placed = authoring.form_placed_at_step_end(capsule, data, inter)
        try:
            inter = authoring.apply_interaction_form(capsule, data, inter)
        except authoring.AuthoringError as exc:
            ctx = _edit_context(request, capsule, form_data=data, errors=exc.errors, editing=inter)
            return TemplateResponse(request, "capsules/admin/interaction_edit.html", ctx, status=400)
        if inter.changed:  # saved untouched: nothing for the expert to check again (walk 29b)
            _back_to_the_first_task(request, capsule)
        if placed is not None:
            messages.success(request, _("Interaction enregistrée et placée à la fin de l'étape « %(step)s » "
                                        "(%(at)s).") % {"step": placed.title or _("sans titre"),
                                                        "at": authoring.capsule_clock_tenths(capsule, inter.time)})
            return redirect("geste_interaction_edit", capsule.pk, inter.pk)
        messages.success(request, _("Interaction enregistrée."))
        if warning := authoring.step_time_warning(inter):
            messages.warning(request, warning)
        return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + "#interactions")
    ctx = _edit_context(request, capsule, form_data=_form_data_for(inter), editing=inter)
    return TemplateResponse(request, "capsules/admin/interaction_edit.html", ctx)


@_designer_only
@require_POST
def interaction_place_at_step_end(request, pk: int, interaction_id: int):
    """« Placer à la fin de l'étape »: the question asked before the step it is about goes to that step's
    end (the saved question; from its edit screen or the capsule's list, where the button came from)."""
    capsule = get_object_or_404(Capsule, pk=pk)
    inter = get_object_or_404(Interaction.objects.select_related("step"), pk=interaction_id, capsule=capsule)
    if authoring.place_at_step_end(inter):
        messages.success(request, _("Question placée à la fin de l'étape « %(step)s » (%(at)s).") % {
            "step": inter.step.title or _("sans titre"), "at": authoring.capsule_clock_tenths(capsule, inter.time)})
        if inter.draft_status == Interaction.DraftStatus.ACCEPTED:
            _back_to_the_first_task(request, capsule)
    else:
        messages.error(request, _("Cette question n'est rattachée à aucune étape."))
    if request.POST.get("from") == "edit":
        return redirect("geste_interaction_edit", capsule.pk, inter.pk)
    anchor = "#drafts" if inter.draft_status == Interaction.DraftStatus.PROPOSED else "#interactions"
    return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + anchor)


@_designer_only
@require_POST
def interaction_step_change_seen(request, pk: int, interaction_id: int):
    """« Masquer »: the designer read the question again after its step changed; the notice goes."""
    capsule = get_object_or_404(Capsule, pk=pk)
    inter = get_object_or_404(Interaction, pk=interaction_id, capsule=capsule)
    step_changes.dismiss(inter)
    return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + f"#interaction-{inter.pk}")


@_designer_only
@require_http_methods(["GET", "POST"])
def interaction_delete(request, pk: int, interaction_id: int):
    """« Supprimer » asks first (GET: a confirmation page saying how many learners' answers would go with
    the question); only a POST carrying that page's ``confirm`` field deletes. A walk lost learners'
    answers to one click on a published capsule: a bare POST now shows the confirmation page instead."""
    capsule = get_object_or_404(Capsule.objects.select_related("page"), pk=pk)
    inter = get_object_or_404(Interaction, pk=interaction_id, capsule=capsule)
    back = reverse("geste_capsule_edit", args=[capsule.pk]) + "#interactions"
    if request.method == "POST" and request.POST.get("confirm") == "1":
        inter.delete()
        messages.success(request, _("Interaction supprimée."))
        _back_to_the_first_task(request, capsule)
        return redirect(back)
    answers = inter.attempts.count() + inter.placement_answers.count()
    inter.summary = _interaction_summary(inter)
    return TemplateResponse(request, "capsules/admin/interaction_delete.html", {
        "capsule": capsule, "inter": inter, "answers": answers, "back": back,
        "page_state": _page_state(capsule),
    })


@_designer_only
@require_POST
def drafts_generate(request, pk: int):
    capsule = get_object_or_404(Capsule, pk=pk)
    if capsule.footage.status != Footage.Status.APPROVED:
        messages.error(request, _("Les étapes doivent être approuvées par l'expert avant de proposer des quiz."))
    else:
        prepared = quiz_drafting.uses_prepared_proposals(capsule)
        before = quiz_drafting.proposal_keys(capsule)
        created = quiz_drafting.draft_for_capsule(capsule)
        silent = not quiz_drafting.has_spoken_commentary(capsule)
        foreign = quiz_drafting.commentary_language(capsule)
        origin = (
            # Walk 36: a footage filmed without commentary was told its commentary had been analysed; and of the
            # expert's key points when the expert had marked none.
            _("cette vidéo n'a pas de commentaire transcrit : elles viennent des étapes approuvées et des points "
              "de vigilance de l'expert")
            if silent and capsule.footage.key_points.exists()
            else _("cette vidéo n'a pas de commentaire transcrit : elles viennent des étapes approuvées")
            if silent
            # Walk 37: an English commentary was said « analysé maintenant » though nothing came from it.
            else _("le commentaire est en %(language)s : elles viennent des étapes approuvées") % {
                "language": language_name(foreign)}
            if foreign
            else _("les phrases du commentaire ont été préparées pendant le traitement de la vidéo")
            if prepared
            else _("le commentaire a été analysé maintenant (transcription corrigée ou traitement plus ancien)")
        )
        if not created:  # the reason is shown next to the empty list of proposals (_edit_context)
            return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + "?propositions=0#drafts")
        # Walk 37: drafting again gave back the same proposal under the same « 1 proposition de quiz à examiner »:
        # the new ones are counted apart from those already waiting, and « none new » says why.
        count = len(quiz_drafting.new_among(created, before))
        kept = len(created) - count
        waiting = ngettext(
            "%(count)s proposition déjà faite reste à examiner.",
            "%(count)s propositions déjà faites restent à examiner.",
            kept,
        ) % {"count": number_format(kept)} if kept else ""
        if not count:
            messages.warning(request, " ".join((_("Aucune nouvelle proposition de quiz ;"), waiting,
                                                quiz_drafting.why_nothing_more(capsule))))
        else:
            messages.success(
                request,
                " ".join(filter(None, (ngettext(
                    "%(count)s nouvelle proposition de quiz à examiner ; %(origin)s.",
                    "%(count)s nouvelles propositions de quiz à examiner ; %(origin)s.",
                    count,
                ) % {"count": number_format(count), "origin": origin}, waiting))),
            )
    return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + "#drafts")


@_designer_only
@require_POST
def draft_decide(request, pk: int, interaction_id: int):
    capsule = get_object_or_404(Capsule, pk=pk)
    inter = get_object_or_404(Interaction, pk=interaction_id, capsule=capsule)
    decision = request.POST.get("decision")
    if decision not in ("accept", "discard"):
        return HttpResponseForbidden(_("Décision inconnue."))
    mandatory = request.POST.get("mandatory") == "on" if "mandatory_shown" in request.POST else None
    try:
        authoring.set_draft_status(inter, decision == "accept", mandatory=mandatory)
    except authoring.AuthoringError as exc:
        messages.error(request, " ".join(str(e) for e in exc.errors.values()) + " "
                       + _("Modifiez la proposition avant de l'accepter."))
        return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + "#drafts")
    if decision == "accept":
        messages.success(request, _("Proposition acceptée. Question obligatoire.") if inter.mandatory
                         else _("Proposition acceptée. Question facultative : l'apprenant peut la passer."))
        _back_to_the_first_task(request, capsule)
    else:
        messages.success(request, _("Proposition écartée."))
    return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + "#drafts")


@_designer_only
@require_POST
def capsule_submit(request, pk: int):
    capsule = get_object_or_404(Capsule, pk=pk)
    if needed := authoring.submit_requirement(capsule):
        messages.error(request, needed)
    else:
        try:
            authoring.submit_for_validation(capsule, request.user)
        except authoring.AuthoringError as exc:
            messages.error(request, " ".join(exc.errors.values()))
        else:
            messages.success(request, _("Capsule envoyée en validation à l'expert."))
    return redirect("geste_capsule_edit", capsule.pk)


@_designer_only
@require_POST
def capsule_approve_task(request, pk: int):
    """Approve the workflow task waiting for this designer (the last one publishes the capsule),
    from the capsule's own screen rather than only from Wagtail's page editor."""
    capsule = get_object_or_404(Capsule.objects.select_related("page"), pk=pk)
    page = getattr(capsule, "page", None)
    state = page.current_workflow_task_state if page is not None else None
    task = page.current_workflow_task if page is not None else None
    if state is None or task is None:
        messages.error(request, _("La capsule n'est pas en cours de validation."))
    elif "approve" not in [a[0] for a in task.get_actions(page, request.user)]:
        messages.error(request, _("Cette étape (« %(task)s ») attend quelqu'un d'autre : "
                                  "l'expert assigné valide d'abord.") % {"task": task.name})
    else:
        task.on_action(state, request.user, "approve")
        page.refresh_from_db()
        if page.live and not page.workflow_in_progress:
            messages.success(request, _("Capsule validée et publiée : les apprenants peuvent la suivre."))
        else:
            messages.success(request, _("Étape de validation approuvée."))
    return redirect(reverse("geste_capsule_edit", args=[capsule.pk]) + "#publication")


@hooks.register("register_admin_urls")
def register_review_and_authoring_urls():
    return [
        path("geste/relecture/", review_index, name="geste_review_index"),
        path("geste/relecture/<int:pk>/", review_screen, name="geste_review"),
        path("geste/capsules/", capsule_index, name="geste_capsule_index"),
        path("geste/capsules/nouvelle/<int:footage_id>/", capsule_create, name="geste_capsule_create"),
        path("geste/capsules/<int:pk>/", capsule_edit, name="geste_capsule_edit"),
        path("geste/capsules/<int:pk>/interactions/", interaction_add, name="geste_interaction_add"),
        path(
            "geste/capsules/<int:pk>/interactions/<int:interaction_id>/",
            interaction_edit,
            name="geste_interaction_edit",
        ),
        path(
            "geste/capsules/<int:pk>/interactions/<int:interaction_id>/fin-de-l-etape/",
            interaction_place_at_step_end,
            name="geste_interaction_place_at_step_end",
        ),
        path(
            "geste/capsules/<int:pk>/interactions/<int:interaction_id>/etape-relue/",
            interaction_step_change_seen,
            name="geste_interaction_step_change_seen",
        ),
        path(
            "geste/capsules/<int:pk>/interactions/<int:interaction_id>/supprimer/",
            interaction_delete,
            name="geste_interaction_delete",
        ),
        path("geste/capsules/<int:pk>/propositions/", drafts_generate, name="geste_drafts_generate"),
        path(
            "geste/capsules/<int:pk>/propositions/<int:interaction_id>/",
            draft_decide,
            name="geste_draft_decide",
        ),
        path("geste/capsules/<int:pk>/validation/", capsule_submit, name="geste_capsule_submit"),
        path("geste/capsules/<int:pk>/valider/", capsule_approve_task, name="geste_capsule_approve_task"),
    ]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_author(request.user) or permissions.is_reviewer(request.user)


class AuthoringMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.can_author(request.user)


@hooks.register("register_admin_menu_item")
def review_menu_item():
    return ReviewMenuItem(
        gettext_lazy("Relecture des étapes"), reverse("geste_review_index"), icon_name="tasks", order=145
    )


@hooks.register("register_admin_menu_item")
def authoring_menu_item():
    return AuthoringMenuItem(
        gettext_lazy("Capsules (conception)"), reverse("geste_capsule_index"), icon_name="form", order=146
    )


class WaitingReviewPanel(Component):
    """On the admin dashboard, "Relectures en attente": the footage whose steps wait for this expert
    (said so when there is none, so the dashboard is never blank), and for designers the footage
    in review or still processing. Wagtail's own panel lists the capsules waiting for validation."""

    name = "geste_waiting_review"
    order = 50
    template_name = "capsules/admin/waiting_panel.html"

    def __init__(self, footages, in_progress, *, reviewer: bool, designer: bool):
        self.footages, self.in_progress = footages, in_progress
        self.reviewer, self.designer = reviewer, designer

    def get_context_data(self, parent_context):
        return {"footages": self.footages, "in_progress": self.in_progress,
                "reviewer": self.reviewer, "designer": self.designer}


# What a designer follows on the dashboard: footage not yet approved, whether it waits for the
# pipeline, for the expert, or came back with a comment.
DESIGNER_WAITING = (Footage.Status.UPLOADED, Footage.Status.PROCESSING, Footage.Status.IN_REVIEW,
                    Footage.Status.CHANGES_REQUESTED)


@hooks.register("construct_homepage_panels")
def waiting_review_panel(request, panels):
    from capsules import experts, permissions

    user = request.user
    reviewer, designer = permissions.is_reviewer(user), permissions.can_author(user)
    if not (reviewer or designer):
        return
    footages = list(experts.waiting_footage(user).select_related("skills_block")[:20]) if reviewer else []
    in_progress = (
        list(Footage.objects.filter(status__in=DESIGNER_WAITING).exclude(pk__in=[f.pk for f in footages])
             .select_related("skills_block", "expert").order_by("-updated_at")[:20])
        if designer else []
    )
    # A designer's own list covers every footage; "your review" shows for them only when assigned one.
    own_section = bool(footages) or (reviewer and not designer)
    panels.append(WaitingReviewPanel(footages, in_progress, reviewer=own_section, designer=designer))


class StepsApprovedPanel(Component):
    """On a designer's dashboard, « Étapes validées par l'expert : créer la capsule »: the footage whose steps
    an expert approved and that no capsule uses yet, each with « Créer la capsule » (walk 36: the dashboard
    said nothing once the expert had approved; the designer had to find the footage in « Capsules
    (conception) »). Shown only when there is such footage, and only to those who may create capsules
    (``permissions.can_author``, decided here on the server): experts and learners never get it."""

    name = "geste_steps_approved"
    order = 45  # before « Relectures en attente »: the designer's next thing to do
    template_name = "capsules/admin/steps_approved_panel.html"
    LIMIT = 20

    def __init__(self, footages, more: bool):
        self.footages, self.more = footages, more

    def get_context_data(self, parent_context):
        return {"footages": self.footages, "more": self.more}


def footage_awaiting_capsule():
    """Approved footage that no capsule uses yet, the most recently approved first."""
    return (Footage.objects.filter(status=Footage.Status.APPROVED, capsules__isnull=True)
            .annotate(comment_count=Count("review_comments", distinct=True))
            .select_related("skills_block", "expert").order_by("-updated_at", "-pk"))


@hooks.register("construct_homepage_panels")
def steps_approved_panel(request, panels):
    if not permissions.can_author(request.user):
        return
    footages = list(footage_awaiting_capsule()[: StepsApprovedPanel.LIMIT + 1])
    if footages:
        panels.append(StepsApprovedPanel(footages[: StepsApprovedPanel.LIMIT],
                                         more=len(footages) > StepsApprovedPanel.LIMIT))


# --- publishing goes through the workflow -----------------------------------------------------


def _is_capsule_page(page) -> bool:
    from cms.models import CapsulePage

    return page is not None and issubclass(page.specific_class or type(page), CapsulePage)


@hooks.register("construct_page_action_menu")
def withhold_direct_publish(menu_items, request, context):
    """A capsule is published by approving the workflow's last task, not by a Publish button."""
    if _is_capsule_page(context.get("page")) and not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("after_edit_page")
def after_workflow_action(request, page):
    """After an approval in the page editor Wagtail goes to the page explorer, which an expert may not
    open ("Désolé, vous n'avez pas les autorisations…" next to the success message): experts go back
    to their dashboard, designers to the capsule's screen."""
    if request.method != "POST" or "action-workflow-action" not in request.POST or not _is_capsule_page(page):
        return None
    capsule_id = page.specific.capsule_id
    if permissions.can_author(request.user):
        return redirect(reverse("geste_capsule_edit", args=[capsule_id]) + "#publication")
    if request.POST.get("workflow-action-name") == "approve":
        messages.success(request, _("Vous avez validé la capsule « %(title)s » : un concepteur va la publier.")
                         % {"title": page.title})
    return redirect("wagtailadmin_home")


@hooks.register("before_edit_page")
def say_changes_requested(request, page):
    """The page editor, like the capsule's screen, shows the expert's request for changes."""
    if request.method != "GET" or not _is_capsule_page(page):
        return None
    from cms.expert_check import changes_requested, changes_requested_text

    changes = changes_requested(page)
    if changes is not None:
        admin_messages.warning(request, changes_requested_text(changes))  # plain text: escaped on display
    return None


@hooks.register("before_edit_page")
def refuse_direct_publish(request, page):
    if (
        request.method == "POST"
        and request.POST.get("action-publish")
        and _is_capsule_page(page)
        and not request.user.is_superuser
    ):
        return _forbidden(
            request,
            _("Une capsule est publiée après la validation de l'expert : utilisez « Envoyer en validation »."),
        )
    return None


# --- the expert's check of a capsule sent for validation (cms/expert_check.py) ---------------------


@hooks.register("register_admin_urls")
def register_expert_check_urls():
    from cms import expert_check

    return expert_check.urlpatterns


class CapsulesToCheckMenuItem(MenuItem):
    """« Capsules à vérifier (2) »: for experts, the capsules waiting for their check (the count in the label:
    Wagtail's sidebar has no badge). Not for designers, who keep Wagtail's moderation, nor learners."""

    def is_shown(self, request):
        from cms import expert_check

        return expert_check.uses_check_screen(request.user)

    def render_component(self, request):
        from wagtail.admin.ui.sidebar import LinkMenuItem

        from cms import expert_check

        count = expert_check.capsules_to_check_count(request.user)
        label = _("Capsules à vérifier (%(count)s)") % {"count": count} if count else _("Capsules à vérifier")
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name, classname=self.classname,
                            attrs=self.attrs)


@hooks.register("register_admin_menu_item")
def capsules_to_check_menu_item():
    return CapsulesToCheckMenuItem(gettext_lazy("Capsules à vérifier"), reverse("geste_expert_check_index"),
                                   name="geste-capsules-to-check", icon_name="check", order=144)


@hooks.register("insert_global_admin_js")
def focus_message_js():
    """The confirmation after the expert's decision takes the focus (cms/static/cms/admin/focus_message.js)."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("cms/admin/focus_message.js"))


@hooks.register("construct_homepage_panels")
def expert_check_panel(request, panels):
    from cms import expert_check

    expert_check.replace_wagtail_panel(request, panels)


@hooks.register("construct_help_menu")
def wagtail_guides_for_english_page_editors_only(request, items):
    """Wagtail's editor guide and « what's new » are English sites about editing pages: a user who cannot open
    the page explorer (a trainer, walk 29) or whose admin speaks French (walk 37: « Nouveautés de Wagtail 8.0 »,
    « Guide du rédacteur » and a « 2 nouveaux » badge) does not get them in the help menu; the keyboard
    shortcuts stay."""
    from cms.templatetags.geste_admin import wagtail_guides_shown

    if wagtail_guides_shown(request.user):
        return
    items[:] = [item for item in items
                if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")]
