"""Geste's side of the SCORM launcher: the relay page the package embeds, and the status it polls.

The relay is framed by the LMS (so it is exempt from X-Frame-Options) and posts the learner's
progress to the launcher with ``postMessage``, to the single origin the launcher declared — checked
to be a plain http(s) origin, never "*". The status JSON is same-origin only (no CORS): the LMS never
reads Geste directly. The learner's Geste session must reach the framed relay: true when Geste and
the LMS share a site (geste.univ.fr / moodle.univ.fr); across sites, see the README.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.decorators import csp_replace
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from capsules.analytics.reports import NOT_QUESTIONS
from capsules.learning.views import live_capsule_or_404
from capsules.models import Attempt, Capsule, Interaction, Progress

POLL_MS = 3000


def safe_origin(value: str | None) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, or None: the only target postMessage may use."""
    if not value or len(value) > 300:
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"} \
            or parts.query or parts.fragment or parts.username or parts.password:
        return None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}"


def capsule_score(user, capsule: Capsule) -> float | None:
    """Questions answered right at least once / questions of the capsule, in percent (the reports'
    definition); None when the capsule asks nothing."""
    questions = capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED).exclude(
        kind__in=NOT_QUESTIONS)
    total = questions.count()
    if not total:
        return None
    right = questions.filter(Exists(Attempt.objects.filter(interaction=OuterRef("pk"), user=user,
                                                           correct=True))).count()
    return round(100 * right / total, 1)


@xframe_options_exempt
@csp_replace({"frame-ancestors": settings.GESTE_LMS_FRAME_ANCESTORS})  # framed by the LMS, not by us
@never_cache
@require_GET
def relay(request, capsule_id: int):
    capsule = live_capsule_or_404(capsule_id)  # its title and a link: the page applies its own privacy
    page_url = capsule.page.get_url(request)
    return render(request, "capsules/interop/relay.html", {
        "capsule": capsule,
        "capsule_url": page_url,
        "origin": safe_origin(request.GET.get("origin")) or "",
        "status_url": reverse("interop-status", args=[capsule.pk]),
        "login_url": f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}",
        "poll_ms": POLL_MS,
    })


@never_cache
@require_GET
def status(request, capsule_id: int):
    capsule = live_capsule_or_404(capsule_id, request)
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Connectez-vous à Geste pour enregistrer votre progression."}, status=401)
    progress = Progress.objects.filter(user=request.user, capsule=capsule).first()
    return JsonResponse({
        "completed": bool(progress and progress.completed),
        "watched_fraction": round(progress.watched_fraction, 3) if progress else 0,
        "score": capsule_score(request.user, capsule),
    })


urlpatterns = [
    path("interop/capsules/<int:capsule_id>/relais/", relay, name="interop-scorm-relay"),
    path("interop/capsules/<int:capsule_id>/statut.json", status, name="interop-status"),
]
