"""Workflow e-mails: a capsule sent for validation is announced to the expert assigned to its
footage only, not to every member of the Experts group (who may not see that footage); the expert's
request for changes reaches the designer in French, with the comment.

Connected under Wagtail's own ``dispatch_uid`` before ``wagtail.admin`` is ready (``cms`` comes
first in INSTALLED_APPS), so Wagtail's group-wide notifier is not connected a second time.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier, WorkflowStateRejectionEmailNotifier
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_approved, task_submitted, workflow_rejected

DISPATCH_UID = "group_approval_task_submitted_email_notification"  # Wagtail's own, see wagtail.admin
REJECTED_DISPATCH_UID = "workflow_state_rejected_email_notification"  # Wagtail's own, see wagtail.admin


class AssignedExpertSubmissionNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    def get_recipient_users(self, task_state: TaskState, **kwargs):
        from cms.models import AssignedExpertApprovalTask, CapsulePage

        recipients = super().get_recipient_users(task_state, **kwargs)
        if not isinstance(task_state.task.specific, AssignedExpertApprovalTask):
            return recipients
        page = task_state.workflow_state.content_object
        page = getattr(page, "specific", page)
        if not isinstance(page, CapsulePage):
            return recipients
        expert_id = page.capsule.footage.expert_id
        users = get_user_model().objects.filter(pk=expert_id, is_active=True)
        triggering = kwargs.get("user")
        return users.exclude(pk=triggering.pk) if triggering else users

    def _check_url(self, task_state: TaskState) -> str | None:
        """The expert's « Vérifier » screen (cms/expert_check.py) for a capsule at the expert's task."""
        from django.urls import reverse

        from cms.models import AssignedExpertApprovalTask, CapsulePage

        page = task_state.workflow_state.content_object
        if not isinstance(task_state.task.specific, AssignedExpertApprovalTask) or not isinstance(
                getattr(page, "specific", page), CapsulePage):
            return None
        return reverse("geste_expert_check", args=[page.pk])

    def get_template_set(self, instance, **kwargs):
        """The expert's e-mail leads to « Vérifier », not to the page editor they may not open."""
        if self._check_url(instance) is None:
            return super().get_template_set(instance, **kwargs)
        return {kind: f"cms/notifications/capsule_to_check{suffix}"
                for kind, suffix in (("subject", "_subject.txt"), ("text", ".txt"), ("html", ".html"))}

    def get_context(self, task_state, **kwargs):
        context = super().get_context(task_state, **kwargs)
        context["check_url"] = self._check_url(task_state)
        return context


class ChangesRequestedNotifier(WorkflowStateRejectionEmailNotifier):
    """The designer who sent a capsule reads the expert's request for changes in French, with the
    comment and a link to the capsule's screen (Wagtail's stock text said the page was "rejected")."""

    def _capsule_page(self, workflow_state: WorkflowState):
        from cms.models import CapsulePage

        page = workflow_state.content_object
        page = getattr(page, "specific", page)
        return page if isinstance(page, CapsulePage) else None

    def get_template_set(self, instance, **kwargs):
        if self._capsule_page(instance) is None:
            return super().get_template_set(instance, **kwargs)
        return {kind: f"cms/notifications/capsule_changes_requested{suffix}"
                for kind, suffix in (("subject", "_subject.txt"), ("text", ".txt"), ("html", ".html"))}

    def get_context(self, workflow_state, **kwargs):
        from django.urls import reverse

        context = super().get_context(workflow_state, **kwargs)
        page = self._capsule_page(workflow_state)
        if page is not None:
            finished_by = context["task_state"].finished_by
            context["expert_name"] = (finished_by.get_full_name() or finished_by.get_username()) if finished_by else ""
            context["capsule_url"] = reverse("geste_capsule_edit", args=[page.capsule_id])
        return context


def expert_approved(sender, instance, user=None, **kwargs) -> None:
    """The expert's approval of a capsule clears « Modifiée après validation : à revoir par l'expert »
    (capsules.models.Capsule.revalidation_changes), from « Vérifier » or from Wagtail's own views."""
    from cms.models import AssignedExpertApprovalTask, CapsulePage

    if not isinstance(instance.task.specific, AssignedExpertApprovalTask):
        return
    page = instance.workflow_state.content_object
    page = getattr(page, "specific", page)
    if isinstance(page, CapsulePage) and page.capsule_id:
        page.capsule.clear_revalidation()


notifier = AssignedExpertSubmissionNotifier()  # module-level: signals hold receivers weakly
changes_notifier = ChangesRequestedNotifier()


def connect() -> None:
    task_submitted.connect(notifier, sender=TaskState, dispatch_uid=DISPATCH_UID)
    workflow_rejected.connect(changes_notifier, sender=WorkflowState, dispatch_uid=REJECTED_DISPATCH_UID)
    task_approved.connect(expert_approved, dispatch_uid="geste_expert_approved_clears_revalidation")
