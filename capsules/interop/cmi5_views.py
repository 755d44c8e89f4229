"""The cmi5 AU launch URL of a capsule, and the learner's "end" of the AU session.

``launch`` (GET, what the LMS opens with the cmi5 query parameters): checks them, fetches the
token once, reads LMS.LaunchData, signs the learner in to their Geste account (made on first launch),
sends ``initialized`` and shows the capsule page. A launch link serves once (``cmi5_launch.claim``), and
never silently replaces whoever is signed in by another identity: then it first shows « Changer de
compte ? », whose button POSTs (CSRF-protected) to the same URL to go on (login CSRF, audit 38).
``terminate`` (POST, CSRF-protected, the session's
owner only) sends ``terminated`` and goes back to the LMS's returnURL when it gave one. ``close`` (POST,
CSRF-protected, the session's owner only) is what the capsule page sends by ``navigator.sendBeacon``
when the learner closes the window or leaves the page (``pagehide``): the player's last progress is
recorded first (a completion it brings is reported before the session ends), then ``terminated``,
once, whether or not the learner also pressed "Terminer".
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from capsules.interop import cmi5_launch, cmi5_runtime
from capsules.interop.lti.accounts import AccountRefused
from capsules.learning.progress import record_progress
from capsules.learning.views import capsule_is_live, live_capsule_or_404
from capsules.models import Cmi5Session

SESSION_KEY = "geste_cmi5_sessions"  # capsule pk -> Cmi5Session pk (the token never leaves the database)


def open_session(request, capsule) -> Cmi5Session | None:
    """The cmi5 session this browser launched for the capsule, while it is open (the capsule page
    shows its "Terminer" button)."""
    pk = (request.session.get(SESSION_KEY) or {}).get(str(capsule.pk))
    if not pk or not request.user.is_authenticated:
        return None
    return Cmi5Session.objects.filter(pk=pk, user=request.user, terminated_at__isnull=True).first()


def refused(request, message: str, status: int = 400):
    return render(request, "capsules/interop/lti_error.html", {"message": message}, status=status)


def _switch_page(request, capsule, params):
    """Somebody else is signed in: ask before the launch replaces them (nothing is fetched or used yet)."""
    current = request.user.get_full_name().strip() or request.user.get_username()
    return render(request, "capsules/interop/cmi5_switch.html", {
        "current": current, "capsule_title": capsule.title, "learner": params.actor["account"]["name"],
        "lms": params.lms_origin, "action": request.get_full_path()})


@never_cache
@require_http_methods(["GET", "POST"])  # POST: « Changer de compte et continuer » (CSRF-checked)
def launch(request, capsule_id: int):
    capsule = live_capsule_or_404(capsule_id)
    try:
        params = cmi5_launch.parse(request.GET)
        if cmi5_launch.already_used(params):
            raise cmi5_launch.LaunchRefused(cmi5_launch.USED)
        if request.user.is_authenticated and request.method != "POST":
            owner = cmi5_launch.launch_owner(params)
            if owner is None or owner.pk != request.user.pk:
                return _switch_page(request, capsule, params)
        cmi5_launch.claim("fetch", params.fetch)
        token = cmi5_launch.fetch_token(params)
        cmi5_launch.claim("token", token)  # an LMS that hands the same token out again: still once
        data = cmi5_launch.launch_data(params, token)
        user = cmi5_launch.account_for(params)
    except (cmi5_launch.LaunchRefused, AccountRefused) as exc:
        return refused(request, str(exc), status=403 if isinstance(exc, AccountRefused) else 400)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    session = cmi5_runtime.start(user, capsule, params, data, token)
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), str(capsule.pk): session.pk}
    return HttpResponseRedirect(capsule.page.get_url(request))


@never_cache
@require_POST
def terminate(request, pk: int):
    if not request.user.is_authenticated:
        return refused(request, "Connectez-vous à Geste pour terminer cette activité.", status=401)
    session = Cmi5Session.objects.select_related("capsule__page").filter(pk=pk, user=request.user).first()
    if session is None:
        raise Http404("Session cmi5 introuvable.")
    cmi5_runtime.terminate(session)
    return HttpResponseRedirect(session.return_url or session.capsule.page.get_url(request))


MAX_CLOSE_RANGES = 200  # watched ranges a closing page may bring (the player sends a handful)


def _closing_progress(data) -> tuple[float | None, list]:
    """The player's last position and watched ranges from the beacon's form fields; junk is dropped."""
    try:
        position = float(data.get("position", ""))
        position = position if position == position else None  # NaN
    except (TypeError, ValueError):
        position = None
    try:
        watched = json.loads(data.get("watched") or "[]")
    except ValueError:
        watched = []
    if not isinstance(watched, list):
        watched = []
    return position, watched[:MAX_CLOSE_RANGES]


@never_cache
@require_POST
def close(request, pk: int):
    """The window was closed or the page left (``pagehide`` beacon): record the last progress, then
    ``terminated`` (once: ``cmi5_runtime.terminate`` is a no-op on an ended session). 204, no page."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    session = Cmi5Session.objects.select_related("capsule").filter(pk=pk, user=request.user).first()
    if session is None:
        raise Http404("Session cmi5 introuvable.")
    position, watched = _closing_progress(request.POST)
    if session.terminated_at is None and (position is not None or watched) and capsule_is_live(session.capsule_id):
        progress = record_progress(request.user, session.capsule, position=position, ranges=watched)
        if progress.completed:  # reported now, not on commit: ``completed`` must precede ``terminated``
            cmi5_runtime.on_progress(request.user.pk, session.capsule_id)
    cmi5_runtime.terminate(session)
    return HttpResponse(status=204)


urlpatterns = [
    path("interop/cmi5/capsules/<int:capsule_id>/", launch, name="interop-cmi5-launch"),
    path("interop/cmi5/sessions/<int:pk>/terminer/", terminate, name="interop-cmi5-terminate"),
    path("interop/cmi5/sessions/<int:pk>/fermeture/", close, name="interop-cmi5-close"),
]
