"""Admin list of the grades sent to LMSs through LTI (AGS), read-only, in French, with "Renvoyer" for a
grade the platform refused: the link goes back to "À envoyer" and the same Celery task
(``capsules.interop.lti.tasks.send_grade``) is queued again, once the transaction commits.

Seeing the list takes the ``view_ltigradelink`` permission, sending again ``change_ltigradelink``
(superusers have both; designers and trainers have neither: a grade is the learner's and the LMS's).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from capsules.models import LtiGradeLink

VIEW_PERMISSION = "capsules.view_ltigradelink"
CHANGE_PERMISSION = "capsules.change_ltigradelink"
PER_PAGE = 50


def may_view(user) -> bool:
    return user.has_perm(VIEW_PERMISSION)


def may_resend(user) -> bool:
    return user.has_perm(CHANGE_PERMISSION)


def _learner(link: LtiGradeLink) -> str:
    user = link.user
    return user.get_full_name() or user.get_username()


def grade_sends(request):
    if not may_view(request.user):
        raise PermissionDenied
    links = (LtiGradeLink.objects.select_related("user", "capsule", "skills_block", "context",
                                                 "lti_user__registration")
             .order_by("-sent_at", "-created_at", "-pk"))
    status = request.GET.get("statut", "")
    if status in LtiGradeLink.Status.values:
        links = links.filter(status=status)
    else:
        status = ""
    page = Paginator(links, PER_PAGE).get_page(request.GET.get("p"))
    rows = [{
        "link": link,
        "learner": _learner(link),
        "resource": link.capsule.title if link.capsule_id else link.skills_block.title,
        "resource_kind": _("Capsule") if link.capsule_id else _("Bloc de compétences"),
        "course": (link.context.title or link.context.label) if link.context_id else "",
        "platform": link.lti_user.registration.name,
        "resendable": link.status == LtiGradeLink.Status.FAILED,
    } for link in page.object_list]
    return TemplateResponse(request, "capsules/admin/lti_grades.html", {
        "rows": rows, "page": page, "status": status, "statuses": LtiGradeLink.Status.choices,
        "can_resend": may_resend(request.user),
    })


@require_POST
def resend(request, pk: int):
    if not may_resend(request.user):
        raise PermissionDenied
    from capsules.interop.lti.tasks import queue_grade

    with transaction.atomic():
        link = get_object_or_404(LtiGradeLink.objects.select_for_update(), pk=pk)
        if link.status != LtiGradeLink.Status.FAILED:
            messages.warning(request, _("Seule une note refusée par la plateforme peut être renvoyée."))
        else:
            link.status = LtiGradeLink.Status.PENDING
            link.save(update_fields=["status"])
            queue_grade(link.pk)
            messages.success(request, _("La note de %(learner)s est de nouveau à envoyer : l'envoi est programmé.")
                             % {"learner": _learner(link)})
    return redirect(reverse("lti_grades:index"))


class GradeMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view(request.user)


class GradeSendViewSet(ViewSet):
    """ "Notes envoyées" in the "Plateformes LTI" menu."""

    icon = "tasks"
    menu_label = gettext_lazy("Notes envoyées")

    @property
    def menu_item_class(self):
        return GradeMenuItem

    def get_urlpatterns(self):
        return [
            path("", grade_sends, name="index"),
            path("<int:pk>/renvoyer/", resend, name="resend"),
        ]
