"""The expert's check of a capsule sent for validation: « Vérifier », then « Approuver » or
« Demander des modifications ».

Wagtail's dashboard panel hides the task's actions behind a "…" menu and links the title to the
full page editor, where an expert saw every field of the page (and a « Capsule » dropdown listing
other capsules). An expert is a tradesperson, not a web editor: they get, instead of that panel,
« Capsules à vérifier » with one « Vérifier » button per capsule, which opens the capsule as learners
will see it (Wagtail's own preview of the submitted revision, framed) with the two actions in plain
sight. Their decision goes through the workflow task's own rules (``get_actions`` and ``on_action``,
as Wagtail's workflow action view does) and says what happens next on the dashboard.

Experts never reach the page editor: ``AssignedExpertApprovalTask.user_can_access_editor`` no longer
opens it to them (cms/models.py), and the Experts group holds no page permission.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.ui.components import Component
from wagtail.admin.views.pages.workflow import PreviewRevisionForTaskView
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.utils.decorators import xframe_options_sameorigin_override

from capsules import permissions
from capsules.models import Footage

ACTIONS = ("approve", "reject")

# Extra tag on the confirmation after « Approuver » / « Demander des modifications »: the dashboard puts
# the keyboard focus on that message (cms/static/cms/admin/focus_message.js) so screen readers read it.
FOCUS_TAG = "geste-focus"


def uses_check_screen(user) -> bool:
    """Experts who are not designers (nor administrators) check capsules here, not in Wagtail's panel."""
    return permissions.is_reviewer(user) and not permissions.can_author(user) and not user.is_superuser


def _current(page, user):
    """The page's task in progress and its state, if ``user`` may act on it now; (None, None) when the
    capsule is theirs to see but waits on nobody or someone else (already approved, say); PermissionDenied
    for anyone else."""
    state = page.current_workflow_task_state
    task = page.current_workflow_task
    if state is not None and task is not None and task.get_actions(page, user):
        return task, state.specific
    capsule = getattr(page, "capsule", None)
    if user.is_superuser or (capsule is not None and permissions.can_see(user, capsule.footage)):
        return None, None
    raise PermissionDenied


def _submitter_name(state) -> str:
    user = state.revision.user if state.revision_id else None
    return (user.get_full_name() or user.get_username()) if user else ""


def changes_requested(page) -> dict | None:
    """The expert's « Demander des modifications » on ``page`` while it waits for a new submission:
    {"expert", "at", "comment"}; None once resubmitted (or never asked). Wagtail keeps the workflow
    "needs changes" with the rejected task state (and its comment) current until then."""
    if page is None:
        return None
    workflow_state = page.current_workflow_state
    if workflow_state is None or workflow_state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    state = workflow_state.current_task_state
    if state is None or state.status != TaskState.STATUS_REJECTED:
        return None
    expert = state.finished_by
    return {"expert": (expert.get_full_name() or expert.get_username()) if expert else "",
            "at": state.finished_at, "comment": state.comment or ""}


def changes_requested_text(changes: dict) -> str:
    """« L'expert X demande des modifications (le 3 décembre à 14:20) : « … » » (plain text: escape it to show)."""
    local = timezone.localtime(changes["at"]) if changes["at"] else None
    when = (" (" + _("le %(day)s à %(time)s") % {"day": formats.date_format(local, "j F"),
                                                  "time": local.strftime("%H:%M")} + ")") if local else ""
    who = _("L'expert %(name)s") % {"name": changes["expert"]} if changes["expert"] else _("L'expert")
    said = _(" : « %(comment)s »") % {"comment": changes["comment"]} if changes["comment"] else "."
    return _("%(who)s demande des modifications%(when)s%(said)s") % {"who": who, "when": when, "said": said}


def revalidation_text(capsule) -> str:
    """« Modifiée après validation : à revoir par l'expert (2 modifications des questions, la dernière par
    Camille Martin le 5 décembre à 12:10). » for a published capsule whose questions changed since the
    expert's approval; "" when nothing waits (plain text: escape it to show)."""
    if capsule is None or not capsule.needs_revalidation:
        return ""
    count = capsule.revalidation_changes
    what = ngettext("%(count)s modification des questions", "%(count)s modifications des questions",
                    count) % {"count": count}
    user = capsule.revalidation_changed_by
    at = timezone.localtime(capsule.revalidation_changed_at) if capsule.revalidation_changed_at else None
    when = _("le %(day)s à %(time)s") % {"day": formats.date_format(at, "j F"),
                                          "time": at.strftime("%H:%M")} if at else ""
    if user is not None:
        last = _("la dernière par %(name)s %(when)s") % {"name": user.get_full_name() or user.get_username(),
                                                        "when": when}
    else:
        last = _("la dernière %(when)s") % {"when": when}
    return _("Modifiée après validation : à revoir par l'expert (%(what)s, %(last)s).") % {
        "what": what, "last": last.strip()}


class CapsulesToCheckPanel(Component):
    """« En attente de votre vérification »: one row per capsule, with a visible « Vérifier » button."""

    name = "geste_capsules_to_check"
    order = 40  # above "Relectures en attente": a capsule to check waits on this expert alone
    template_name = "cms/admin/capsules_to_check_panel.html"

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context):
        return {"rows": self.rows}


def capsules_to_check(user) -> list[dict]:
    states = (TaskState.objects.reviewable_by(user).select_related("revision", "revision__user")
              .order_by("-started_at"))
    rows = []
    for state in states:
        page = state.revision.content_object if state.revision_id else None
        if not isinstance(page, Page):
            continue
        rows.append({"title": state.revision.object_str or page.title,
                     "check_url": reverse("geste_expert_check", args=[page.pk]),
                     "submitted_by": _submitter_name(state), "started_at": state.started_at,
                     "revalidation": revalidation_text(getattr(page.specific, "capsule", None))})
    return rows


def capsules_to_check_count(user) -> int:
    """How many capsules wait for this user's check (the menu entry's count)."""
    return TaskState.objects.reviewable_by(user).count()


def check_index(request):
    """« Capsules à vérifier », the expert's menu entry (walk 28: only the dashboard card or the e-mail
    led there): the capsules waiting for their check, each with « Vérifier »."""
    if not uses_check_screen(request.user):
        raise PermissionDenied
    return TemplateResponse(request, "cms/admin/expert_check_index.html",
                            {"rows": capsules_to_check(request.user)})


def check_screen(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    task, state = _current(page, request.user)
    if state is None:
        messages.error(request, _("La capsule « %(title)s » n'attend pas votre vérification.") % {"title": page.title})
        return redirect("wagtailadmin_home")
    draft = state.revision.as_object()
    footage = draft.capsule.footage if getattr(draft, "capsule", None) is not None else None
    return TemplateResponse(request, "cms/admin/expert_check.html", {
        "page": page, "title": draft.title, "task": task, "task_state": state,
        # The footage's steps were sent back to review (« Relancer » on the steps) after the capsule was made.
        "steps_rechecked": footage if footage is not None and footage.status != Footage.Status.APPROVED else None,
        "submitted_by": _submitter_name(state),
        "revalidation": revalidation_text(getattr(draft, "capsule", None)),
        "preview_url": reverse("geste_expert_check_preview", args=[page.pk, task.pk]),
        "approve_url": reverse("geste_expert_check_action", args=[page.pk, "approve"]),
        "reject_url": reverse("geste_expert_check_action", args=[page.pk, "reject"]),
        # « Approuver » asks first, as the steps' validation does (walk 37: it took effect at once): the button
        # reloads the screen with ?confirmer=approbation, where « Confirmer l'approbation » posts.
        "confirming": request.GET.get("confirmer") == "approbation",
    })


@require_POST
def check_action(request, page_id: int, action: str):
    """Approve or ask for changes, through the task's own rules (the same checks as Wagtail's view)."""
    if action not in ACTIONS:
        raise PermissionDenied
    page = get_object_or_404(Page, pk=page_id).specific
    task, state = _current(page, request.user)
    if state is None:
        messages.error(request, _("La capsule « %(title)s » n'attend pas votre vérification.") % {"title": page.title})
        return redirect("wagtailadmin_home")
    if action not in [name for name, _label, _modal in task.get_actions(page, request.user)]:
        raise PermissionDenied
    comment = request.POST.get("comment", "").strip()
    if action == "reject" and not comment:
        messages.error(request, _("Dites au concepteur ce qu'il faut modifier avant d'envoyer votre demande."))
        return redirect(reverse("geste_expert_check", args=[page.pk]) + "#demande")
    title = state.revision.as_object().title
    capsule = getattr(page, "capsule", None)
    rechecked = page.live and capsule is not None and capsule.needs_revalidation  # read before approval clears it
    task.on_action(state, request.user, action, comment=comment)
    if action == "approve" and rechecked:
        # Walk 29b: « le concepteur peut la publier » on a capsule learners already had.
        messages.success(request, _("Capsule « %(title)s » revalidée : les questions modifiées sont déjà en "
                                    "ligne ; votre validation clôt la revérification.") % {"title": title},
                         extra_tags=FOCUS_TAG)
    elif action == "approve":
        messages.success(request, _("Capsule « %(title)s » approuvée : le concepteur peut la publier.")
                         % {"title": title}, extra_tags=FOCUS_TAG)
    else:
        messages.success(request, _("Modifications demandées pour la capsule « %(title)s » : "
                                    "le concepteur voit votre commentaire sur la capsule.") % {"title": title},
                         extra_tags=FOCUS_TAG)
    return redirect("wagtailadmin_home")


# Wagtail's preview of the submitted revision (same permission check: the task's actions), allowed
# in a frame of the same origin so that the check screen shows it next to the two actions. Its path
# ends in /preview/: it keeps the public site's strict Content-Security-Policy (cms/csp.py).
class FramedPreviewView(PreviewRevisionForTaskView):
    """Wagtail's view, with ``request.geste_framed`` set on the preview request: the public templates
    then leave out the site's header, search and breadcrumb (cms/base.html), which on a 360-px phone
    filled the frame and left the video below its fold; the capsule's title and player come first."""

    def get(self, request, *args, **kwargs):
        if not self.task_state:
            self.add_error_message()
            return redirect("wagtailadmin_home")
        if not self.task.get_actions(self.object, request.user):
            raise PermissionDenied
        revision = self.task_state.revision
        draft = revision.as_object()
        return draft.make_preview_request(request, draft.default_preview_mode,
                                          extra_request_attrs={"revision_id": revision.id, "geste_framed": True})


framed_preview = xframe_options_sameorigin_override(FramedPreviewView.as_view())

urlpatterns = [
    path("geste/verification/", check_index, name="geste_expert_check_index"),
    path("geste/verification/<int:page_id>/", check_screen, name="geste_expert_check"),
    path("geste/verification/<int:page_id>/<int:task_id>/preview/", framed_preview,
         name="geste_expert_check_preview"),
    path("geste/verification/<int:page_id>/<slug:action>/", check_action, name="geste_expert_check_action"),
]


class CapsulesToPublishPanel(CapsulesToCheckPanel):
    """For designers: capsules the expert approved, waiting for their publication. Wagtail's panel listed
    them under « En attente de votre vérification » with the expert's task « Approuvé » as status."""

    name = "geste_capsules_to_publish"
    template_name = "cms/admin/capsules_to_publish_panel.html"


def capsules_to_publish(user) -> list[dict] | None:
    """Capsules at the designer's task, or None when some page in moderation is not a capsule (then
    Wagtail's own panel stays)."""
    from cms.models import CapsulePage

    rows = []
    for state in (TaskState.objects.reviewable_by(user).select_related("revision", "revision__user")
                  .order_by("-started_at")):
        page = state.revision.content_object if state.revision_id else None
        page = getattr(page, "specific", page)
        if not isinstance(page, CapsulePage):
            return None
        rows.append({"title": state.revision.object_str or page.title,
                     "publish_url": reverse("geste_capsule_edit", args=[page.capsule_id]) + "#publication",
                     "started_at": state.started_at})
    return rows


def replace_wagtail_panel(request, panels) -> None:
    """For experts: « Capsules à vérifier » instead of Wagtail's "awaiting your review" panel; for
    designers, « Capsules à publier » when every page waiting on them is a capsule."""
    if permissions.can_author(request.user) and not request.user.is_superuser:
        rows = capsules_to_publish(request.user)
        if rows is not None:
            panels[:] = [p for p in panels if getattr(p, "name", "") != "workflow_objects_to_moderate"]
            if rows:
                panels.append(CapsulesToPublishPanel(rows))
        return
    if not uses_check_screen(request.user):
        return
    panels[:] = [p for p in panels if getattr(p, "name", "") != "workflow_objects_to_moderate"]
    rows = capsules_to_check(request.user)
    if rows:
        panels.append(CapsulesToCheckPanel(rows))
