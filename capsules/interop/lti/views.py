"""The tool's endpoints: JWKS, OIDC login, launch (resource link and Deep Linking), deep-link choice.

django-lti verifies everything cryptographic (state, nonce, id_token signature against the
platform's key set, deployment); these views decide what Geste does with a verified launch:
- resource link: the learner's Geste account (made on first launch, see ``accounts``), signed in,
  sent to the capsule or block page; the grade link and the course cohort are recorded;
- Deep Linking: the course's teacher picks published capsules and blocks, Geste answers with a
  signed ``LtiDeepLinkingResponse`` (``deep_link_response``), each item with a line item (0–100).
Every page here is in French, works under the strict CSP (no inline script of ours), and may be
framed by the launching platform only.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from urllib.parse import urlencode

from csp.constants import SELF
from django.conf import settings
from django.contrib.auth import login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from lti_tool.models import Key, LtiMembership, LtiRegistration
from lti_tool.utils import DjangoToolConfig, get_launch_from_request
from lti_tool.views import LtiLaunchBaseView, OIDCLoginInitView
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from capsules.interop.lti import framing, grades, roster, targets
from capsules.interop.lti.accounts import AccountRefused, Roles, account_for
from capsules.interop.lti.tasks import queue_grade, queue_roster

log = logging.getLogger(__name__)
LAUNCH_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id")
# The one inline script of pylti1p3's deep-linking answer (it submits the signed form): allowed by hash.
DEEP_LINK_SCRIPT = "document.getElementById('lti13_deep_link_auto_submit').submit();"
DEEP_LINK_SCRIPT_HASH = f"'sha256-{base64.b64encode(hashlib.sha256(DEEP_LINK_SCRIPT.encode()).digest()).decode()}'"


def ensure_key() -> None:
    """The tool needs one active key pair to sign with; ``rotate_keys`` adds the next ones."""
    if not Key.objects.active().exists():
        Key.objects.generate()


def _framable(response, origins: list[str]):
    response.xframe_options_exempt = True
    response._csp_replace = {**(getattr(response, "_csp_replace", None) or {}), "frame-ancestors": [SELF, *origins]}
    return response


def error_page(request, message: str, status: int = 400, origins: list[str] | None = None):
    response = render(request, "capsules/interop/lti_error.html", {"message": message}, status=status)
    return _framable(response, origins or [])


@never_cache
@require_GET
def jwks(request):
    from django.http import JsonResponse

    ensure_key()
    return JsonResponse(Key.objects.as_jwks())


class GesteOIDCLogin(DjangoOIDCLogin):
    """pylti1p3's login, with Geste's own cookie check page (French, script from our origin)."""

    def get_cookies_allowed_js_check(self) -> str:
        from django.template.loader import render_to_string

        request = self._request
        params = {key: request.get_param(key) for key in LAUNCH_PARAMS if request.get_param(key)}
        params["lti1p3_new_window"] = "1"
        return render_to_string("capsules/interop/lti_cookie_check.html",
                                {"continue_url": f"{request._request.path}?{urlencode(params)}"})


@method_decorator(never_cache, name="dispatch")
class LoginView(OIDCLoginInitView):
    def get_redirect_url(self, target_link_uri: str) -> str:
        # Always our launch URL, the one redirect URI registered in the platform; the target (which
        # capsule or block) comes back in the id_token's target_link_uri claim.
        return self.request.build_absolute_uri(reverse("lti-launch"))

    def get_oidc_response(self, request, registration_uuid, params):
        ensure_key()
        if not params.get("target_link_uri"):
            return error_page(request, "Lien de lancement incomplet (target_link_uri manquant).")
        login_ = GesteOIDCLogin(request, DjangoToolConfig(registration_uuid),
                                launch_data_storage=DjangoCacheDataStorage())
        try:
            response = login_.enable_check_cookies().redirect(self.get_redirect_url(params["target_link_uri"]))
        except (OIDCException, LtiException) as exc:
            log.info("LTI login refused: %s", exc)
            return error_page(request, "Cette plateforme n'est pas enregistrée dans Geste, ou son inscription est "
                                       "désactivée. Demandez à l'administrateur de Geste de l'ajouter.")
        # the cookie check page shows inside the platform's frame: that platform (only) may frame it
        registration = LtiRegistration.objects.active().filter(
            issuer=params.get("iss", ""), **({"client_id": params["client_id"]} if params.get("client_id") else {}),
            **({"uuid": registration_uuid} if registration_uuid else {})).first()
        return _framable(response, framing.registration_origins(registration) if registration else [])


def _membership(lti_launch):
    try:
        return lti_launch.membership
    except LtiMembership.DoesNotExist:
        return None


def _target_of(lti_launch) -> targets.Target | None:
    uri = lti_launch.get_claim("https://purl.imsglobal.org/spec/lti/claim/target_link_uri")
    return targets.parse_uri(uri) or targets.parse_key(lti_launch.get_custom_claim(targets.CUSTOM_KEY))


@method_decorator(never_cache, name="dispatch")
class LaunchView(LtiLaunchBaseView):
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except (LtiException, OIDCException) as exc:
            log.info("LTI launch refused: %s", exc)
            return error_page(request, "Lancement refusé : la plateforme n'a pas pu être authentifiée "
                                       "(lien expiré, rejoué, ou plateforme non enregistrée). Relancez l'activité "
                                       "depuis votre cours.")

    def handle_inactive_deployment(self, request, lti_launch):
        return error_page(request, "Ce déploiement n'est pas encore activé dans Geste. Demandez à l'administrateur "
                                   "de Geste de l'activer (Paramètres › Plateformes LTI).", status=403,
                          origins=framing.registration_origins(lti_launch.registration))

    def handle_resource_launch(self, request, lti_launch):
        origins = framing.registration_origins(lti_launch.registration)
        target = _target_of(lti_launch)
        url = targets.page_url(target, request) if target else None
        if url is None:
            return error_page(request, "Ce contenu Geste n'est pas (ou plus) publié. Prévenez votre formateur.",
                              status=404, origins=origins)
        roles = Roles.of_membership(_membership(lti_launch))
        try:
            user = account_for(lti_launch.user, roles)
        except AccountRefused as exc:
            return error_page(request, str(exc), status=403, origins=origins)
        launch_id = lti_launch.get_launch_id()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        request.session["_lti_tool_launch_id"] = launch_id
        framing.remember(request.session, lti_launch.registration)
        link = grades.remember(lti_launch, user, target)
        if link is not None and grades.needs_sending(link):
            queue_grade(link.pk)  # completed before this launch: the LMS gets it now
        self._roster(lti_launch, user, roles, target)
        return HttpResponseRedirect(url)

    def _roster(self, lti_launch, user, roles: Roles, target: targets.Target) -> None:
        block = targets.block_of(target)
        if block is None or not lti_launch.nrps_claim:
            return
        course = roster.course_cohort(lti_launch.context, block)
        (course.cohort.trainers if roles.teacher else course.cohort.learners).add(user)
        if roster.due(course):
            queue_roster(course.pk)

    def handle_deep_linking_launch(self, request, lti_launch):
        origins = framing.registration_origins(lti_launch.registration)
        if not Roles.of_membership(_membership(lti_launch)).teacher:
            return error_page(request, "Seuls les enseignants du cours peuvent choisir des contenus Geste.",
                              status=403, origins=origins)
        return _framable(render(request, "capsules/interop/lti_deep_link.html", {
            "launch_id": lti_launch.get_launch_id(),
            "catalogue": targets.catalogue(),
            "multiple": _deep_link_settings(lti_launch).get("accept_multiple", True) not in (False, "false"),
            "course": (lti_launch.context_claim or {}).get("title", ""),
        }), origins)


def _deep_link_settings(lti_launch) -> dict:
    return lti_launch.get_claim("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings") or {}


def _resource(request, target: targets.Target) -> DeepLinkResource | None:
    if not targets.placeable(target):  # unpublished or restricted: never placed, whatever the form says
        return None
    title = targets.title_of(target)
    url = request.build_absolute_uri(targets.target_path(target))
    lineitem = (LineItem().set_score_maximum(100).set_label(title[:255])
                .set_resource_id(f"geste-{target.key}").set_tag("geste"))
    return (DeepLinkResource().set_type("ltiResourceLink").set_title(title).set_url(url)
            .set_custom_params({targets.CUSTOM_KEY: target.key}).set_lineitem(lineitem))


@never_cache
@csrf_exempt  # the launch id (random, from this verified deep-linking launch) is the capability
@require_POST
def deep_link_choice(request):
    try:
        lti_launch = get_launch_from_request(request, request.POST.get("launch_id", "")[:200])
    except (LtiException, OIDCException):
        return error_page(request, "Session de choix expirée : relancez « Ajouter un contenu Geste » depuis "
                                   "votre cours.")
    if not lti_launch.is_deep_link_launch:
        return error_page(request, "Ce lancement ne permet pas de choisir des contenus.")
    origins = framing.registration_origins(lti_launch.registration)
    if not Roles.of_membership(_membership(lti_launch)).teacher:
        return error_page(request, "Seuls les enseignants du cours peuvent choisir des contenus Geste.", status=403,
                          origins=origins)
    chosen = []
    for value in request.POST.getlist("cible")[:200]:
        target = targets.parse_key(value)
        resource = _resource(request, target) if target else None
        if resource is not None and target not in [t for t, _ in chosen]:
            chosen.append((target, resource))
    settings_claim = _deep_link_settings(lti_launch)
    if settings_claim.get("accept_multiple", True) in (False, "false"):
        chosen = chosen[:1]
    if not chosen:
        return _framable(render(request, "capsules/interop/lti_deep_link.html", {
            "launch_id": lti_launch.get_launch_id(), "catalogue": targets.catalogue(),
            "error": "Cochez au moins une capsule ou un bloc publié.", "multiple": True,
        }, status=400), origins)
    response = lti_launch.deep_link_response([resource for _, resource in chosen])
    return_origin = framing.origin_of(str(settings_claim.get("deep_link_return_url", "")))
    response._csp_update = {"script-src": [DEEP_LINK_SCRIPT_HASH],
                            "form-action": [return_origin] if return_origin else []}
    return _framable(response, origins)


@require_GET
def target(request, kind: str, pk: int):
    """A target link URI opened outside a launch: the public page (or 404)."""
    url = targets.page_url(targets.Target(kind, pk), request)
    if url is None:
        from django.http import Http404

        raise Http404("Contenu introuvable.")
    return HttpResponseRedirect(url)
