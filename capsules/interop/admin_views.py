"""Designer screens of the learning ecosystem, in French: course packages (cmi5, SCORM 1.2) to
download, and the state of the link to the LRS (statements waiting, sent, refused; send now)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capsules.interop import cmi5, lrs, scorm
from capsules.interop.course import EmptyPackage, capsule_course, site_root, skills_block_course
from capsules.learning.views import live_capsule_pages
from capsules.models import Capsule, LrsStatement, SkillsBlock
from capsules.permissions import can_author
from capsules.sanitize import slug_from_text

FORMATS = {"cmi5": cmi5.package, "scorm12": scorm.package}


def _forbidden(request):
    reason = _("Les exports vers une plateforme de formation sont réservés aux concepteurs pédagogiques.")
    return TemplateResponse(request, "capsules/admin/forbidden.html", {"reason": reason}, status=403)


def _zip(request, course, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(FORMATS[fmt](course), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{slug_from_text(name) or "geste"}-{fmt}.zip"'
    return response


def packages(request):
    """Every skills block with its published capsules, each exportable as cmi5 or SCORM 1.2."""
    if not can_author(request.user):
        return _forbidden(request)
    live = set(Capsule.objects.filter(page__in=live_capsule_pages()).values_list("pk", flat=True))
    blocks = []
    for block in SkillsBlock.objects.select_related("certification").prefetch_related("capsules"):
        capsules = [c for c in block.capsules.all() if c.pk in live]
        blocks.append({"block": block, "capsules": capsules})
    return TemplateResponse(request, "capsules/admin/interop_packages.html", {"blocks": blocks, "lrs": _lrs_state(),
                                                                               "cmi5": _cmi5_state()})


def _cmi5_state() -> dict:
    """cmi5 launches: which LMSs may launch, and how their sessions' statements fare."""
    from capsules.interop.cmi5_launch import allowed_origins
    from capsules.models import Cmi5Session, Cmi5Statement

    counts = dict(Cmi5Statement.objects.values_list("status").annotate(n=Count("pk")))
    last_error = (Cmi5Statement.objects.exclude(last_error="").exclude(status=Cmi5Statement.Status.SENT)
                  .order_by("-pk").values_list("last_error", flat=True).first())
    return {"origins": sorted(allowed_origins()), "sessions": Cmi5Session.objects.count(),
            "pending": counts.get(Cmi5Statement.Status.PENDING, 0), "sent": counts.get(Cmi5Statement.Status.SENT, 0),
            "rejected": counts.get(Cmi5Statement.Status.REJECTED, 0), "last_error": last_error}


def _lrs_state() -> dict:
    """What a designer needs to know about the LRS link: configured, and how many statements wait."""
    counts = dict(LrsStatement.objects.values_list("status").annotate(n=Count("pk")))
    last_error = (LrsStatement.objects.exclude(last_error="").exclude(status=LrsStatement.Status.SENT)
                  .order_by("-pk").values_list("last_error", flat=True).first())
    cfg = lrs.config()
    return {"endpoint": cfg.endpoint, "problem": cfg.problem, "pending": counts.get(LrsStatement.Status.PENDING, 0),
            "sent": counts.get(LrsStatement.Status.SENT, 0),
            "rejected": counts.get(LrsStatement.Status.REJECTED, 0), "last_error": last_error}


@require_POST
def push_now(request):
    """Queue an immediate push to the LRS (the periodic one runs anyway)."""
    if not can_author(request.user):
        return _forbidden(request)
    from capsules.interop.tasks import push_statements

    if not lrs.config().enabled:
        messages.error(request, _("Aucun LRS n'est configuré (GESTE_LRS_ENDPOINT)."))
    else:
        push_statements.apply_async(ignore_result=True)
        messages.success(request, _("Envoi au LRS demandé : les déclarations en attente partent dans un instant."))
    return redirect(reverse("geste_packages"))


def block_package(request, pk: int, fmt: str):
    if not can_author(request.user):
        return _forbidden(request)
    block = get_object_or_404(SkillsBlock, pk=pk)
    try:
        course = skills_block_course(block, site_root(request))
    except EmptyPackage as exc:
        return TemplateResponse(request, "capsules/admin/forbidden.html", {"reason": str(exc)}, status=409)
    return _zip(request, course, fmt, block.code or block.title)


def capsule_package(request, pk: int, fmt: str):
    if not can_author(request.user):
        return _forbidden(request)
    capsule = get_object_or_404(Capsule, pk=pk)
    try:
        course = capsule_course(capsule, site_root(request))
    except EmptyPackage as exc:
        return TemplateResponse(request, "capsules/admin/forbidden.html", {"reason": str(exc)}, status=409)
    return _zip(request, course, fmt, capsule.title)


def _format_path(route: str, view, name: str):
    """One URL per format: an unknown format is a 404, never a guess."""
    return [path(route.format(fmt=fmt), view, {"fmt": fmt}, name=f"{name}_{fmt}") for fmt in FORMATS]


urlpatterns = [
    path("geste/paquets/", packages, name="geste_packages"),
    path("geste/lrs/envoyer/", push_now, name="geste_lrs_push"),
    *_format_path("geste/paquets/blocs/<int:pk>/{fmt}.zip", block_package, "geste_block_package"),
    *_format_path("geste/paquets/capsules/<int:pk>/{fmt}.zip", capsule_package, "geste_capsule_package"),
]
