"""Public recognition URLs: issuer keys, status list, achievements, credential verification and
download; the learner's portfolio and its share links."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from capsules.learning.views import live_capsule_or_404
from capsules.models import Achievement, BadgeCredential
from capsules.recognition import baking, credentials, did, export, keys, portfolio
from capsules.recognition.issuance import signed_status_list
from capsules.recognition.site import public_url
from capsules.recognition.verification import verify_credential

LD_JSON = "application/ld+json"
# The portfolio is a learner's page: an anonymous visitor signs in on the learners' page, not the admin's.
learner_login_required = login_required(login_url="learner-login")


def _json(data: dict, *, download: str = "") -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type=LD_JSON)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch these from anywhere
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


@require_GET
def issuer(request):
    """The controller document: the issuer's keys as Multikeys (retired keys included)."""
    keys.active_key()
    return _json(keys.controller_document())


@require_GET
def status_list_view(request, name: str):
    if name != "revocation":
        raise Http404
    return _json(signed_status_list())


@require_GET
def achievement(request, code: str):
    item = get_object_or_404(Achievement.objects.select_related("skills_block__certification"),
                             skills_block__code=code)
    return _json({"@context": [credentials.CREDENTIALS_V2, credentials.OB_V3P0],
                  **credentials.achievement_json(item)})


@require_GET
@never_cache
def credential_page(request, uuid):
    """Public verification page: the proof, the dates and the status, re-checked on every view."""
    credential = get_object_or_404(BadgeCredential.objects.select_related("achievement__skills_block"), uuid=uuid)
    report = verify_credential(credential.document)
    achievement = credential.document["credentialSubject"]["achievement"]
    # Words 28: the page never showed the badge. The designer's picture (the credential's Open Badges
    # image), else the drawn medal of the baked SVG.
    image = achievement.get("image")
    picture = (image.get("id") if isinstance(image, dict) else image if isinstance(image, str) else "") \
        or reverse("recognition-credential-baked", args=[uuid, "svg"])
    block_page = getattr(credential.achievement.skills_block, "page", None)
    return render(request, "recognition/credential.html", {
        "picture": picture,
        "block_url": block_page.url if block_page is not None and block_page.live else "",
        "credential": credential, "document": credential.document, "report": report,
        "achievement": credential.document["credentialSubject"]["achievement"],
        "json_url": reverse("recognition-credential-json", args=[uuid]),
        "is_owner": request.user.is_authenticated and request.user.pk == credential.user_id,
    })


@require_GET
def credential_json(request, uuid):
    credential = get_object_or_404(BadgeCredential, uuid=uuid)
    code = credential.achievement.skills_block.code
    return _json(credential.document, download=f"badge-{code}-{credential.uuid}.jsonld")


@require_GET
def credential_baked(request, uuid, fmt: str):
    """The badge image with the signed credential baked in (OB 3.0 baking), SVG or PNG."""
    if fmt not in ("svg", "png"):
        raise Http404
    credential = get_object_or_404(BadgeCredential.objects.select_related("achievement__skills_block"),
                                   uuid=uuid)
    achievement = credential.achievement
    code = achievement.skills_block.code
    name = f"badge-{code}-{credential.uuid}.{fmt}"
    if fmt == "svg":
        response = HttpResponse(baking.bake_svg(credential.document, achievement.name, code),
                                content_type="image/svg+xml")
    else:
        image = None
        if achievement.image_id:
            with achievement.image.get_rendition("max-512x512|format-png").file.open("rb") as f:
                image = f.read()
        png = baking.badge_png(achievement.name, code, image)
        response = HttpResponse(baking.bake_png(png, credential.document), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _owner_page(request, *, did_value=None, did_error="", status=200):
    current = did.current_did(request.user)
    return render(request, "recognition/portfolio.html", {
        "portfolio": portfolio.build_portfolio(request.user), "owner_view": True,
        "shares": request.user.portfolio_shares.order_by("-created_at")[:20], "now": timezone.now(),
        "did_current": current, "did_value": current if did_value is None else did_value, "did_error": did_error,
        "did_max": did.MAX_LENGTH,
    }, status=status)


@learner_login_required
@never_cache
def my_portfolio(request):
    return _owner_page(request)


@learner_login_required
@require_POST
def did_update(request):
    """Save (or remove) the DID named in the learner's next badges; a refused DID is shown back."""
    if "remove" in request.POST:
        did.clear_did(request.user)
        messages.success(request, _("Votre DID est retiré : vos prochains badges vous identifieront par une "
                                    "empreinte salée."), extra_tags="did")
        return redirect("recognition-portfolio")
    value = request.POST.get("did", "")
    try:
        saved = did.set_did(request.user, value)
    except ValidationError as error:
        return _owner_page(request, did_value=value[:did.MAX_LENGTH + 1], did_error=" ".join(error.messages),
                           status=400)
    messages.success(request,
                     _("DID enregistré : %(did)s. Il sera utilisé pour vos prochains badges.") % {"did": saved},
                     extra_tags="did")
    return redirect("recognition-portfolio")


@learner_login_required
@require_GET
def portfolio_export(request):
    response = HttpResponse(export.export_zip(request.user), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="portfolio-geste.zip"'
    return response


@learner_login_required
@require_POST
def share_create(request):
    try:
        days = int(request.POST.get("days", "30"))
    except ValueError:
        days = 30
    _share, token = portfolio.create_share(request.user, days, request.POST.get("label", "").strip())
    link = public_url(reverse("recognition-shared-portfolio", args=[token]))
    messages.success(request, link, extra_tags="share-link")
    return redirect("recognition-portfolio")


@learner_login_required
@require_POST
def share_revoke(request, share_id: int):
    portfolio.revoke_share(request.user, share_id)
    return redirect("recognition-portfolio")


@never_cache
def shared_portfolio(request, token: str):
    share = portfolio.open_share(token)
    if share is None:
        return render(request, "recognition/share_refused.html", status=410)
    return render(request, "recognition/portfolio.html", {
        "portfolio": portfolio.build_portfolio(share.user), "owner_view": False, "share": share})


def _badge_not_yet(user, capsule) -> dict:
    """When the block has a badge the learner does not hold yet: what is still missing, in the rule's own
    words (a learner who scored 100 % on retries but missed the first-try minimum learns why)."""
    from capsules.models import Achievement, Progress
    from capsules.recognition.achievements import evaluate

    achievement = (Achievement.objects.filter(skills_block_id=capsule.skills_block_id, auto_award=True)
                   .select_related("skills_block").first() if user.is_authenticated else None)
    if achievement is None:
        return {"earned": False}
    outcome = evaluate(user, achievement)
    if outcome.earned or not outcome.unmet:
        return {"earned": False}  # held already (from another capsule), or awarded on the next check
    block_page = getattr(achievement.skills_block, "page", None)
    links = ([{"label": _("Page du bloc de compétences"), "url": block_page.url}]
             if block_page is not None and block_page.live else [])
    # This capsule complete, yet a mandatory question of it not right: the end panel names it with a way back
    # to it (the learner went on with « Continuer » after a wrong answer; completion needs it answered only).
    done = Progress.objects.filter(user=user, capsule=capsule, completed=True).exists()
    retake = [q.to_dict() for q in outcome.to_get_right(capsule.pk)] if done else []
    return {"earned": False, "title": _("Badge du bloc pas encore obtenu :"), "text": " ".join(outcome.unmet),
            "reasons": [r.to_dict() for r in outcome.reasons], "final": outcome.final, "links": links,
            "to_get_right": retake}


def _capsule_scores(user, capsule) -> dict | None:
    """This capsule's graded questions scored twice, from the server's attempts: at the first try (what the
    badge rule counts) and with the last answer (what the end screen's score counts, retries included)."""
    from capsules.models import Attempt, Interaction
    from capsules.recognition.achievements import UNGRADED_KINDS, first_attempts

    if not user.is_authenticated:
        return None
    graded = list(capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED)
                  .exclude(kind__in=UNGRADED_KINDS).values_list("pk", flat=True))
    if not graded:
        return None
    first = first_attempts(user, graded)
    last: dict[int, bool] = {}
    for pk, correct in (Attempt.objects.filter(user=user, interaction_id__in=graded)
                        .order_by("answered_at", "pk").values_list("interaction_id", "correct")):
        last[pk] = bool(correct)
    first_right = sum(1 for a in first.values() if a.correct)
    return {"graded": len(graded), "answered": len(first), "first_try_right": first_right,
            "first_try_percent": round(100 * first_right / len(graded)),
            "last_right": sum(last.values()), "last_percent": round(100 * sum(last.values()) / len(graded))}


def earned_text(name: str, block: str) -> str:
    """The end screen's badge sentence; a badge named as its block is named once (walk 30: « le badge
    « Maintenir les équipements sanitaires » du bloc Maintenir les équipements sanitaires »); non-breaking spaces
    inside « » (walk 30b: the line broke after « on a phone)."""
    if " ".join(name.split()).casefold() == " ".join(block.split()).casefold():
        return _("En terminant cette capsule, vous avez obtenu le badge du bloc « %(block)s ».") % {"block": block}
    return (_("En terminant cette capsule, vous avez obtenu le badge « %(name)s » "
              "du bloc « %(block)s ».") % {"name": name, "block": block})


# A badge issued longer ago than this, or asked for by a player opened on a completed capsule (`revu`), is not news
# at the end of the capsule: the end screen says the learner holds it, and since when (walks 44, 45: « Badge
# obtenu ! » on every re-watch read as a new badge).
FRESH_BADGE = timedelta(minutes=15)


def held_text(name: str, block: str, day: str) -> str:
    if " ".join(name.split()).casefold() == " ".join(block.split()).casefold():
        return _("Vous avez obtenu le badge du bloc « %(block)s » le %(day)s, en terminant cette capsule.") % {
            "block": block, "day": day}
    return _("Vous avez obtenu le badge « %(name)s » du bloc « %(block)s » le %(day)s, en terminant cette "
             "capsule.") % {"name": name, "block": block, "day": day}


@require_GET
@never_cache
def capsule_badge(request, capsule_id: int):
    """For the player's end screen: did completing this capsule earn the block's badge? The server
    decides (``portfolio.badge_earned_by_capsule``); the player only shows the text and links."""
    capsule = live_capsule_or_404(capsule_id, request)
    earned = portfolio.badge_earned_by_capsule(request.user, capsule)
    scores = _capsule_scores(request.user, capsule)
    if earned is None:
        data = _badge_not_yet(request.user, capsule)
        if scores:
            data["scores"] = scores
        return JsonResponse(data)
    block_page = getattr(earned.block, "page", None)
    links = [{"label": _("Voir mon badge"), "url": reverse("recognition-credential", args=[earned.credential.uuid])}]
    if block_page is not None and block_page.live:
        links.append({"label": _("Page du bloc de compétences"), "url": block_page.url})
    issued = earned.credential.issued_at
    # The player says when the capsule was complete before the page opened (`revu`): then nothing is new here.
    fresh = request.GET.get("revu") != "1" and timezone.now() - issued <= FRESH_BADGE
    return JsonResponse({
        "earned": True,
        "title": _("Badge obtenu !") if fresh else _("Badge déjà obtenu"),
        "text": earned_text(earned.name, earned.block.title) if fresh else held_text(
            earned.name, earned.block.title, date_format(timezone.localtime(issued), "j F Y")),
        "links": links,
        **({"scores": scores} if scores else {}),
    })
