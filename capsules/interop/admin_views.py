"""Designer downloads of course packages (cmi5, SCORM 1.2) from the Wagtail admin, in French."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _

from capsules.interop import cmi5, scorm
from capsules.interop.course import EmptyPackage, capsule_course, site_root, skills_block_course
from capsules.learning.views import live_capsule_pages
from capsules.models import Capsule, SkillsBlock
from capsules.permissions import can_author

FORMATS = {"cmi5": cmi5.package, "scorm12": scorm.package}


def _forbidden(request):
    reason = _("Les exports vers une plateforme de formation sont réservés aux concepteurs pédagogiques.")
    return TemplateResponse(request, "capsules/admin/forbidden.html", {"reason": reason}, status=403)


def _zip(request, course, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(FORMATS[fmt](course), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "geste"}-{fmt}.zip"'
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
    return TemplateResponse(request, "capsules/admin/interop_packages.html", {"blocks": blocks})


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
    *_format_path("geste/paquets/blocs/<int:pk>/{fmt}.zip", block_package, "geste_block_package"),
    *_format_path("geste/paquets/capsules/<int:pk>/{fmt}.zip", capsule_package, "geste_capsule_package"),
]
