"""The AU side of a cmi5 launch (cmi5 spec, "Content launch mechanisms"): check what the LMS put
in the launch URL, fetch the auth token once, read ``LMS.LaunchData``, find the learner's account.

Every launch parameter is hostile until proven otherwise: ``endpoint`` and ``fetch`` must be
absolute http(s) URLs on an LMS origin the administrator declared (``GESTE_CMI5_LMS_ORIGINS``) — so a
crafted link can neither point Geste's server at an internal address nor sign anybody in through a
fake LMS —, ``actor`` must be an Agent with an account (homePage + name), ``registration`` a UUID,
``activityId`` an absolute IRI. No redirect is followed. The fetch URL is one-time: the token is
kept server-side (``Cmi5Session.auth_token``), never put in a page.

A launch URL is a bearer credential for the LMS's learner, and cmi5 binds it to nothing in the browser
(no ``state``): one could be sent to somebody else to sign them into the sender's account (login CSRF,
audit 38). So Geste makes each launch single-use on its side, whatever the LMS does with its fetch URL
(``claim``: the fetch URL, then the token the LMS handed out, are recorded once; a second use is
refused before anyone is signed in), and the view never replaces a signed-in person by another
identity without their confirmation (``launch_owner``).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from capsules.interop.lrs import checked_endpoint
from capsules.interop.lti.accounts import LEARNERS_GROUP, AccountRefused
from capsules.interop.scorm_relay import safe_origin

TIMEOUT_S = 15
MAX_DOCUMENT = 64 * 1024
LAUNCH_MODES = {"Normal", "Browse", "Review"}
MOVE_ON = {"Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"}
XAPI_VERSION = "1.0.3"


class LaunchRefused(Exception):
    """The launch cannot go on; the message is French and safe to show the learner."""


@dataclass(frozen=True)
class LaunchParams:
    endpoint: str
    fetch: str
    actor: dict
    registration: uuid.UUID
    activity_id: str
    lms_origin: str
    display_name: str = ""  # the actor's "name" as plain text, shown in Geste's header only


@dataclass(frozen=True)
class LaunchData:
    context_template: dict
    launch_mode: str
    move_on: str
    mastery_score: float | None
    return_url: str


def allowed_origins() -> set[str]:
    raw = getattr(settings, "GESTE_CMI5_LMS_ORIGINS", [])
    raw = raw.split() if isinstance(raw, str) else raw
    return {o for o in (safe_origin(str(v).rstrip("/")) for v in raw) if o}


def _clean(value: str | None, limit: int = 2000) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit or any(c.isspace() or ord(c) < 32 for c in value):
        return ""
    return value


def _lms_url(raw: str | None, what: str) -> tuple[str, str]:
    url, problem = checked_endpoint(_clean(raw))
    parts = urlsplit(url) if url else None
    if not url or problem or parts.username or parts.password or parts.fragment:
        raise LaunchRefused(f"Lancement cmi5 refusé : l'adresse « {what} » fournie par la plateforme n'est pas "
                            "une adresse http(s) valide.")
    origin = safe_origin(f"{parts.scheme}://{parts.netloc}")
    if origin not in allowed_origins():
        raise LaunchRefused("Lancement cmi5 refusé : cette plateforme de formation n'est pas déclarée dans Geste "
                            "(GESTE_CMI5_LMS_ORIGINS). Prévenez l'administrateur de Geste.")
    return url, origin


def _actor(raw: str | None) -> dict:
    refused = LaunchRefused("Lancement cmi5 refusé : l'apprenant (actor) transmis par la plateforme est invalide.")
    if not raw or len(raw) > 4000:
        raise refused
    try:
        actor = json.loads(raw)
    except ValueError:
        raise refused from None
    account = actor.get("account") if isinstance(actor, dict) else None
    if not isinstance(account, dict) or actor.get("objectType", "Agent") != "Agent":
        raise refused
    home_page, name = account.get("homePage"), account.get("name")
    if not isinstance(home_page, str) or not isinstance(name, str):
        raise refused
    home, problem = checked_endpoint(_clean(home_page, 500))
    name = name.strip()
    if not home or problem or not name or len(name) > 255 or any(ord(c) < 32 for c in name):
        raise refused
    # Only the identifier travels back in statements: a display name typed in the LMS is not needed.
    return {"objectType": "Agent", "account": {"homePage": home_page.strip(), "name": name}}


def _iri(raw: str | None) -> str:
    value = _clean(raw)
    parts = urlsplit(value) if value else None
    if not value or not parts.scheme or not (parts.netloc or parts.path) or parts.scheme.lower() in {
            "javascript", "data", "file", "vbscript"}:
        raise LaunchRefused("Lancement cmi5 refusé : l'identifiant d'activité (activityId) est invalide.")
    return value


def parse(query) -> LaunchParams:
    """The launch URL's parameters, checked; LaunchRefused otherwise."""
    endpoint, origin = _lms_url(query.get("endpoint"), "endpoint")
    fetch, fetch_origin = _lms_url(query.get("fetch"), "fetch")
    if fetch_origin != origin:
        raise LaunchRefused("Lancement cmi5 refusé : les adresses endpoint et fetch ne viennent pas de la même "
                            "plateforme.")
    try:
        registration = uuid.UUID(_clean(query.get("registration"), 64))
    except ValueError:
        raise LaunchRefused("Lancement cmi5 refusé : l'inscription (registration) est invalide.") from None
    return LaunchParams(endpoint, fetch, _actor(query.get("actor")), registration, _iri(query.get("activityId")),
                        origin, _display_name(query.get("actor")))


def _display_name(raw: str | None) -> str:
    """The learner's name for Geste's pages: tags stripped, control characters gone, 150 characters."""
    from django.utils.html import strip_tags

    try:
        name = json.loads(raw or "").get("name")
    except (ValueError, AttributeError):
        return ""
    if not isinstance(name, str):
        return ""
    return " ".join("".join(c for c in strip_tags(name) if ord(c) >= 32).split())[:150]


def fetch_token(params: LaunchParams) -> str:
    """POST to the one-time fetch URL; the LMS answers ``{"auth-token": …}`` once, then an error."""
    used = LaunchRefused("Ce lien de lancement a déjà servi : la plateforme ne délivre son jeton qu'une fois. "
                         "Relancez l'activité depuis votre cours.")
    try:
        response = requests.post(params.fetch, timeout=TIMEOUT_S, allow_redirects=False)
    except requests.RequestException:
        raise LaunchRefused("La plateforme de formation ne répond pas : relancez l'activité dans un instant.") from None
    try:
        body = response.json() if len(response.content) <= MAX_DOCUMENT else {}
    except ValueError:
        body = {}
    token = body.get("auth-token") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(token, str) or not token or len(token) > 2000:
        if isinstance(body, dict) and str(body.get("error-code", "")) in {"1", "2", "3"}:
            raise used
        raise LaunchRefused("La plateforme de formation n'a pas délivré de jeton pour ce lancement. "
                            "Relancez l'activité depuis votre cours.")
    return token


USED = ("Ce lien de lancement a déjà servi : un lien cmi5 ne s'utilise qu'une fois. Relancez l'activité depuis "
        "votre cours.")


def _digest(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def already_used(params: LaunchParams) -> bool:
    from capsules.models import Cmi5LaunchUse

    return Cmi5LaunchUse.objects.filter(digest=_digest("fetch", params.fetch)).exists()


def claim(kind: str, value: str) -> None:
    """Record that this launch's fetch URL (``kind="fetch"``) or token (``"token"``) is used now;
    LaunchRefused if it was before (also when two requests race for it: the unique index decides)."""
    from capsules.models import Cmi5LaunchUse

    try:
        with transaction.atomic():
            Cmi5LaunchUse.objects.create(digest=_digest(kind, value))
    except IntegrityError:
        raise LaunchRefused(USED) from None
    forget_old_uses()


_last_forget = 0.0


def forget_old_uses(*, every: float = 3600.0, force: bool = False) -> int:
    """Delete the used-launch records older than ``GESTE_CMI5_LAUNCH_MEMORY_DAYS``, at most once per ``every``
    seconds per process (one or two rows per launch would otherwise pile up forever); how many went."""
    global _last_forget
    from capsules.models import Cmi5LaunchUse

    if not force and _last_forget and time.monotonic() - _last_forget < every:
        return 0
    _last_forget = time.monotonic()
    cutoff = timezone.now() - timedelta(days=settings.GESTE_CMI5_LAUNCH_MEMORY_DAYS)
    deleted, _ = Cmi5LaunchUse.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def launch_owner(params: LaunchParams):
    """The Geste account this launch's actor already has (None on a first launch): who it signs in."""
    from capsules.models import Cmi5Learner

    account = params.actor["account"]
    link = (Cmi5Learner.objects.select_related("user")
            .filter(lms_origin=params.lms_origin, home_page=account["homePage"], name=account["name"]).first())
    return link.user if link else None


def xapi_headers(token: str) -> dict:
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": XAPI_VERSION}


def launch_data(params: LaunchParams, token: str) -> LaunchData:
    """The ``LMS.LaunchData`` state document, checked (unknown values fall back to cmi5's defaults)."""
    missing = LaunchRefused("La plateforme n'a pas fourni les données de lancement cmi5 (LMS.LaunchData).")
    try:
        response = requests.get(f"{params.endpoint}/activities/state", timeout=TIMEOUT_S, allow_redirects=False,
                                headers=xapi_headers(token), params={
                                    "stateId": "LMS.LaunchData", "activityId": params.activity_id,
                                    "agent": json.dumps(params.actor), "registration": str(params.registration)})
        document = response.json() if response.status_code == 200 and len(response.content) <= MAX_DOCUMENT else None
    except (requests.RequestException, ValueError):
        document = None
    if not isinstance(document, dict):
        raise missing
    template = document.get("contextTemplate")
    if not isinstance(template, dict):
        raise missing
    mode = document.get("launchMode") if document.get("launchMode") in LAUNCH_MODES else "Normal"
    move_on = document.get("moveOn") if document.get("moveOn") in MOVE_ON else "NotApplicable"
    mastery = document.get("masteryScore")
    if isinstance(mastery, bool) or not isinstance(mastery, int | float) or not 0 <= mastery <= 1:
        mastery = None
    return_url, problem = checked_endpoint(_clean(document.get("returnURL")
                                                  if isinstance(document.get("returnURL"), str) else ""))
    return LaunchData(template, mode, move_on, float(mastery) if mastery is not None else None,
                      "" if problem else return_url)


def username_for(params: LaunchParams) -> str:
    account = params.actor["account"]
    digest = hashlib.sha256(f"{params.lms_origin}|{account['homePage']}|{account['name']}".encode()).hexdigest()
    return f"cmi5-{digest[:20]}"


@transaction.atomic
def account_for(params: LaunchParams):
    """The Geste account of this cmi5 actor, created on first launch: no password, Learners group.
    Like LTI (``lti.accounts``): never staff or superuser, never an inactive account."""
    from capsules.models import Cmi5Learner

    account = params.actor["account"]
    key = {"lms_origin": params.lms_origin, "home_page": account["homePage"], "name": account["name"]}
    link = Cmi5Learner.objects.select_for_update().select_related("user").filter(**key).first()
    if link is None:
        User = get_user_model()
        username = username_for(params)
        if User.objects.filter(username=username).exists():  # taken by someone else: never reused
            username = f"{username}-{uuid.uuid4().hex[:8]}"
        user = User(username=username)
        user.set_unusable_password()
        user.save()
        try:
            with transaction.atomic():
                link = Cmi5Learner.objects.create(user=user, **key)
        except IntegrityError:  # a concurrent first launch won
            user.delete()
            link = Cmi5Learner.objects.select_related("user").get(**key)
    user = link.user
    if user.is_superuser or user.is_staff:
        raise AccountRefused("Ce compte Geste ne peut pas être ouvert depuis une plateforme de formation.")
    if not user.is_active:
        raise AccountRefused("Ce compte Geste est désactivé.")
    if params.display_name and user.first_name != params.display_name:
        user.first_name = params.display_name  # one field: names are not split the LMS's way
        user.save(update_fields=["first_name"])
    user.groups.add(Group.objects.get_or_create(name=LEARNERS_GROUP)[0])
    return user
