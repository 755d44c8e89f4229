"""Workflow e-mails: a capsule sent for validation is announced to the expert assigned to its
footage only, not to every member of the Experts group (who may not see that footage).

Connected under Wagtail's own ``dispatch_uid`` before ``wagtail.admin`` is ready (``cms`` comes
first in INSTALLED_APPS), so Wagtail's group-wide notifier is not connected a second time.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.models import TaskState
from wagtail.signals import task_submitted

DISPATCH_UID = "group_approval_task_submitted_email_notification"  # Wagtail's own, see wagtail.admin


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


notifier = AssignedExpertSubmissionNotifier()  # module-level: signals hold receivers weakly


def connect() -> None:
    task_submitted.connect(notifier, sender=TaskState, dispatch_uid=DISPATCH_UID)
