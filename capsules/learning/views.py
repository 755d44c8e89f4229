"""Learner API: the player's manifest, answers graded here, progress, xAPI-shaped events,
the offline bundle and the service worker.

Only capsules whose CapsulePage is live (and whose ancestors are) exist for learners: every
other id answers 404. Anonymous visitors may watch; answering and recording progress need a
visitor who has not signed in answers and progresses too: graded here the same way, kept in their
session (``capsules.learning.guest``) and merged into their account when they sign in. Only the
xAPI-shaped events need an account (401 otherwise).
Nothing here ever serialises ``Interaction.answer_key`` or which choice is right before an attempt.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capsules import clock, storage
from capsules.learning import delivery, guest
from capsules.learning.grading import grade
from capsules.learning.progress import completion_after_answer, mandatory_ids, record_progress
from capsules.models import Attempt, Capsule, Interaction, LearnerEvent, Progress, Transcript
from capsules.pages import PAGES_GENERATION_KEY, page_model, pages_generation
from media_pipeline.vtt import timestamp as vtt_timestamp

CLIENT_VERBS = {"initialized", "played", "paused", "seeked", "interacted", "downloaded"}
MAX_EVENTS_PER_POST = 200
MAX_EVENT_DATA_BYTES = 4096
MAX_ANSWER_BYTES = 32 * 1024
LOGIN_MESSAGE = "Connectez-vous pour enregistrer vos réponses et votre progression."


# --- lookups ------------------------------------------------------------------------------


def live_capsule_pages():
    """CapsulePages learners may reach: live, and every ancestor live. The one rule for the learner
    API and the catalogue search, for a whole set at once.

    An ancestor's tree path is a prefix of the page's: the few non-live pages that have children are
    read first, and pages under them left out with indexed prefix matches.
    """
    from wagtail.models import Page

    CapsulePage = page_model("CapsulePage")

    hidden_parents = Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True)
    under_hidden = Q()
    for path in hidden_parents:
        under_hidden |= Q(path__startswith=path)
    pages = CapsulePage.objects.live()
    return pages.exclude(under_hidden) if under_hidden else pages


def capsule_is_live(capsule_id: int) -> bool:
    """``live_capsule_pages()`` for one capsule, remembered in the cache under the pages generation
    (a new one on every publish, unpublish, move, save or deletion of a page): one cache round trip
    instead of two queries on every learner API call."""
    key = f"geste:live-capsule:{capsule_id}"
    found = cache.get_many([PAGES_GENERATION_KEY, key])
    gen = found.get(PAGES_GENERATION_KEY) or pages_generation()
    hit = found.get(key)
    if hit is not None and hit[0] == gen:
        return hit[1]
    live = live_capsule_pages().filter(capsule_id=capsule_id).exists()
    cache.set(key, (gen, live), 3600)
    return live


def live_capsule_or_404(capsule_id: int) -> Capsule:
    """The capsule if its page and every ancestor page are live; 404 otherwise (drafts never leak)."""
    if not capsule_is_live(capsule_id):
        raise Http404("Capsule introuvable.")
    capsule = (
        Capsule.objects.select_related("footage", "skills_block", "page").filter(pk=capsule_id).order_by("pk").first()
    )
    if capsule is None:
        raise Http404("Capsule introuvable.")
    return capsule


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ValueError("Requête illisible.")
    return data


def _error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _login_required_response(request) -> JsonResponse:
    back = urlencode({"next": request.headers.get("Referer", "/")})
    return _error(LOGIN_MESSAGE, 401, login_url=f"{settings.LOGIN_URL}?{back}")


def _client_time(value) -> datetime | None:
    """A client timestamp, never later than now (clocks drift)."""
    if not value:
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.utc)
    return min(parsed, clock.now())


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _progress_dict(progress: Progress) -> dict:
    return {
        "position": progress.position,
        "watched": progress.watched,
        "watched_fraction": progress.watched_fraction,
        "completed": progress.completed,
        "updated_at": progress.updated_at.isoformat() if progress.updated_at else None,
    }


# --- manifest -----------------------------------------------------------------------------


def public_choices(interaction: Interaction, audience: str = delivery.GUEST) -> list[dict]:
    """Choices without feedback or correctness, under opaque per-learner ids; ordering items shuffled
    per learner (their stored order, and their stored ids, are the key)."""
    tokens = delivery.ChoiceTokens.build(interaction, audience)
    items = [
        {
            "id": tokens.to_public(c.get("id")),
            "text": c.get("text", ""),
            **({"image": storage.url(c["image"])} if c.get("image") else {}),
        }
        for c in (interaction.choices or [])
    ]
    if interaction.kind == Interaction.Kind.ORDERING:
        items = delivery.shuffled(interaction, audience, items)
    return items


def public_interaction(interaction: Interaction, step_ranges: list[tuple[float, float, int]],
                       audience: str = delivery.GUEST) -> dict:
    step = next(((a, b) for a, b, pk in step_ranges if pk == interaction.step_id), None) or next(
        ((a, b) for a, b, _ in step_ranges if a <= interaction.time <= b + 0.01), None
    )
    data = {
        "id": interaction.pk,
        "time": interaction.time,
        "kind": interaction.kind,
        "prompt": interaction.prompt,
        "choices": public_choices(interaction, audience),
        "mandatory": interaction.mandatory,
        "replay_step_on_wrong": interaction.replay_step_on_wrong,
        "step": {"start": step[0], "end": step[1]} if step else None,
        "answer_url": reverse("learner-answer", args=[interaction.pk]),
    }
    if interaction.image:
        data["image"] = storage.url(interaction.image)
    if interaction.kind == Interaction.Kind.CLOZE:
        data["blanks"] = len((interaction.answer_key or {}).get("blanks", []))
    return data


def _transcript_words(capsule: Capsule) -> list[dict]:
    """Segments with word times inside the capsule range, for the interactive transcript."""
    transcript = Transcript.objects.filter(footage=capsule.footage, task="transcribe").first()
    if not transcript:
        return []
    lo, hi = capsule.start, capsule.effective_end
    out = []
    for seg in transcript.segments or []:
        if seg.get("end", 0) < lo or seg.get("start", 0) > hi:
            continue
        words = [
            {
                "start": round(w["start"], 2),
                "end": round(w["end"], 2),
                "text": w.get("word", w.get("text", "")),
            }
            for w in seg.get("words") or []
            if "start" in w
        ]
        out.append(
            {
                "start": seg.get("start", 0),
                "end": seg.get("end", 0),
                "text": seg.get("text", "").strip(),
                "words": words,
            }
        )
    return out


def _attempt_state(user, capsule: Capsule) -> dict:
    """The learner's last attempt per interaction (resume: answered questions are not asked again).

    One row per question on PostgreSQL (a learner may retry a question many times), each graded once."""
    rows = Attempt.objects.filter(user=user, interaction__capsule=capsule).select_related("interaction")
    if connection.vendor == "postgresql":
        rows = rows.order_by("interaction_id", "-answered_at", "-pk").distinct("interaction_id")
    else:
        rows = rows.order_by("answered_at", "pk")
    last = {att.interaction_id: att for att in rows}  # the latest wins
    state: dict[str, dict] = {}
    audience = delivery.audience_for(user)
    for att in last.values():
        result = grade(att.interaction, att.response).to_dict() if att.response else {}
        result = delivery.result_to_public(att.interaction, result, audience) if result else {}
        state[str(att.interaction_id)] = {
            "correct": att.correct,
            "score": att.score,
            "response": delivery.response_to_public(att.interaction, att.response, audience),
            "feedback": result.get("feedback", ""),
            "solution": result.get("solution", {}),
        }
    return state


def next_capsule(capsule: Capsule):
    """The next live capsule of the same skills block (by order), or None."""
    CapsulePage = page_model("CapsulePage")

    siblings = (
        CapsulePage.objects.live()
        .sibling_of(capsule.page, inclusive=False)
        .select_related("capsule")
        .order_by("capsule__order", "capsule__pk")
    )
    for page in siblings:
        if (page.capsule.order, page.capsule.pk) > (capsule.order, capsule.pk):
            return page
    return None


def _guest_attempt_state(session, capsule: Capsule) -> dict:
    """As ``_attempt_state``, from the answers a visitor gave before signing in (the last one counts)."""
    state: dict[str, dict] = {}
    by_id = {i.pk: i for i in capsule.interactions.all()}
    for att in guest.attempts(session, capsule):
        inter = by_id.get(att.interaction)
        if inter is None:
            continue
        result = delivery.result_to_public(inter, grade(inter, att.response).to_dict(), delivery.GUEST)
        state[str(att.interaction)] = {
            "correct": att.correct,
            "score": att.score,
            "response": delivery.response_to_public(inter, att.response, delivery.GUEST),
            "feedback": result.get("feedback", ""),
            "solution": result.get("solution", {}),
        }
    return state


def device_scope(user) -> str:
    """A name for the account on this device (localStorage keys): never the user id in clear."""
    if not (user and user.is_authenticated):
        return "invite"
    from django.utils.crypto import salted_hmac

    return salted_hmac("geste.learning.device_scope", str(user.pk)).hexdigest()[:16]


def build_manifest(capsule: Capsule, user, session=None) -> dict:
    """Everything the player needs, in one JSON document (answer keys excluded).

    ``session``: a visitor's session, whose answers and progress (kept before signing in) are resumed.
    """
    footage = capsule.footage
    rend = footage.renditions or {}
    steps = list(capsule.steps().prefetch_related("key_points"))
    step_ranges = [(s.start, s.end, s.pk) for s in steps]
    captions = [
        {"lang": lang, "label": {"fr": "Français", "en": "Anglais"}.get(lang, lang), "src": storage.url(key)}
        for lang, key in sorted(storage.captions_with_cues(rend.get("captions")).items(), key=lambda kv: kv[0] != "fr")
    ]
    interactions = capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED).order_by("time")
    key_points = footage.key_points.filter(time__gte=capsule.start, time__lte=capsule.effective_end)
    nxt = next_capsule(capsule)
    authenticated = bool(user and user.is_authenticated)
    progress = Progress.objects.filter(user=user, capsule=capsule).first() if authenticated else None
    if authenticated:
        progress_data = _progress_dict(progress) if progress else None
        attempts = _attempt_state(user, capsule)
    else:
        progress_data = guest.progress(session, capsule) if session is not None else None
        attempts = _guest_attempt_state(session, capsule) if session is not None else {}
    return {
        "id": capsule.pk,
        "title": capsule.title,
        "start": capsule.start,
        "end": capsule.effective_end,
        "page_url": capsule.page.url,
        "sources": {
            "hls": storage.url(rend.get("master_playlist", "")),
            "mp4": storage.url(rend.get("mp4", "")),
            "poster": storage.url(rend.get("poster", "")),
            "variants": [
                {"name": v.get("name"), "height": v.get("height"), "bandwidth": v.get("bandwidth")}
                for v in rend.get("variants") or []
            ],
        },
        "captions": captions,
        "chapters": reverse("learner-chapters", args=[capsule.pk]),
        "steps": [
            {
                "id": s.pk,
                "title": s.title or f"Étape {i + 1}",
                "start": s.start,
                "end": s.end,
                "keyframe": storage.url(s.keyframe),
                "key_points": [kp.text for kp in s.key_points.all()],
            }
            for i, s in enumerate(steps)
        ],
        "key_points": [{"time": kp.time, "kind": kp.kind, "text": kp.text} for kp in key_points],
        "interactions": [public_interaction(i, step_ranges, delivery.audience_for(user)) for i in interactions],
        "transcript": _transcript_words(capsule),
        "next": {"title": nxt.title, "url": nxt.url} if nxt else None,
        "user": {
            "authenticated": authenticated,
            "scope": device_scope(user),
            "login_url": f"{reverse('learner-login')}?{urlencode({'next': capsule.page.url or '/'})}",
            "signup_url": f"{reverse('learner-signup')}?{urlencode({'next': capsule.page.url or '/'})}",
        },
        "progress": progress_data,
        "attempts": attempts,
        "api": {
            "progress": reverse("learner-progress", args=[capsule.pk]),
            "events": reverse("learner-events", args=[capsule.pk]),
            "offline": reverse("learner-offline", args=[capsule.pk]),
        },
    }


@require_GET
@never_cache
def manifest(request, capsule_id: int):
    get_token(request)  # the csrftoken cookie for the player's POSTs (cached page HTML carries no token)
    return JsonResponse(build_manifest(live_capsule_or_404(capsule_id), request.user, request.session))


def chapters_vtt_text(capsule: Capsule) -> str:
    """The steps as a WebVTT chapters track."""
    lines = ["WEBVTT", ""]
    for i, step in enumerate(capsule.steps(), start=1):
        title = re.sub(r"\s+", " ", step.title or f"Étape {i}").replace("-->", "→")
        lines += [f"step-{step.pk}", f"{vtt_timestamp(step.start)} --> {vtt_timestamp(step.end)}", title, ""]
    return "\n".join(lines)


@require_GET
def chapters(request, capsule_id: int):
    return HttpResponse(
        chapters_vtt_text(live_capsule_or_404(capsule_id)), content_type="text/vtt; charset=utf-8"
    )


# --- answers ------------------------------------------------------------------------------


def submit_answer(
    user, interaction: Interaction, response: dict, client_id: uuid.UUID | None, answered_at: datetime | None
) -> tuple[Attempt, dict, bool]:
    """Grade and store one attempt; the same client_id twice returns the first one (offline replays):
    the unique (user, client_id) constraint tells, so a first answer costs no extra read."""
    result = grade(interaction, response)
    when = answered_at or clock.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                interaction=interaction,
                response=response,
                correct=result.correct,
                score=result.score,
                client_id=client_id or uuid.uuid4(),
                answered_at=when,
            )
            LearnerEvent.objects.create(
                user=user,
                capsule=interaction.capsule,
                verb="answered",
                timestamp=when,
                client_id=attempt.client_id,
                data={
                    "interaction": interaction.pk,
                    "kind": interaction.kind,
                    "response": response,
                    "result": {"success": result.correct, "score": {"scaled": result.score}},
                },
            )
    except IntegrityError:  # a replay, or the same client_id raced in from another request
        attempt = Attempt.objects.select_related("interaction").get(user=user, client_id=client_id)
        return attempt, grade(attempt.interaction, attempt.response).to_dict(), True
    return attempt, result.to_dict(), False


@require_POST
def answer(request, interaction_id: int):
    interaction = (
        Interaction.objects.select_related("capsule")
        .filter(pk=interaction_id, draft_status=Interaction.DraftStatus.ACCEPTED)
        .first()
    )
    if interaction is None or not capsule_is_live(interaction.capsule_id):
        raise Http404("Question introuvable.")
    capsule = interaction.capsule
    if len(request.body) > MAX_ANSWER_BYTES:
        return _error("Réponse trop longue.", 413)
    if not request.user.is_authenticated:
        return _guest_answer(request, interaction, capsule)
    try:
        body = _json_body(request)
        audience = delivery.audience_for(request.user)
        with transaction.atomic():  # one transaction: the attempt, its event and the completion check
            attempt, result, duplicate = submit_answer(
                request.user,
                interaction,
                delivery.response_to_stored(interaction, body.get("response"), audience),
                _uuid(body.get("client_id")),
                _client_time(body.get("answered_at")),
            )
            progress, mandatory_left = completion_after_answer(request.user, capsule)
    except ValueError as exc:
        return _error(getattr(exc, "message", str(exc)), 400)
    return JsonResponse(
        {
            **delivery.result_to_public(interaction, result, audience),
            "interaction": interaction.pk,
            "client_id": str(attempt.client_id),
            "duplicate": duplicate,
            "completed": progress.completed,
            "mandatory_left": mandatory_left,
        }
    )


def _guest_answer(request, interaction: Interaction, capsule: Capsule) -> JsonResponse:
    """A visitor's answer: graded the same way, kept in their session until they sign in."""
    try:
        body = _json_body(request)
        client_id = _uuid(body.get("client_id"))
        response = delivery.response_to_stored(interaction, body.get("response"), delivery.GUEST)
        result, duplicate = guest.answer(
            request.session, interaction, response, client_id, _client_time(body.get("answered_at"))
        )
    except ValueError as exc:
        return _error(getattr(exc, "message", str(exc)), 400)
    progress = guest.progress(request.session, capsule)
    return JsonResponse(
        {
            **delivery.result_to_public(interaction, result, delivery.GUEST),
            "interaction": interaction.pk,
            "client_id": str(client_id) if client_id else "",
            "duplicate": duplicate,
            "completed": bool(progress and progress["completed"]),
            "mandatory_left": sorted(mandatory_ids(capsule) - guest.answered_ids(request.session, capsule)),
            "guest": True,
        }
    )


# --- progress and events ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def progress_view(request, capsule_id: int):
    capsule = live_capsule_or_404(capsule_id)
    if not request.user.is_authenticated:
        return _guest_progress(request, capsule)
    if request.method == "GET":
        progress = Progress.objects.filter(user=request.user, capsule=capsule).first()
        return JsonResponse(
            _progress_dict(progress)
            if progress
            else {"position": capsule.start, "watched": [], "watched_fraction": 0, "completed": False}
        )
    try:
        body = _json_body(request)
        position = body.get("position")
        position = float(position) if position is not None else None
    except (TypeError, ValueError):
        return _error("Requête illisible.", 400)
    try:
        progress = record_progress(
            request.user,
            capsule,
            position=position,
            ranges=body.get("watched") or [],
            client_time=_client_time(body.get("client_time")),
        )
    except IntegrityError:  # the capsule was deleted while its liveness was still cached
        raise Http404("Capsule introuvable.") from None
    return JsonResponse(_progress_dict(progress))


def _guest_progress(request, capsule: Capsule) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse(
            guest.progress(request.session, capsule)
            or {"position": capsule.start, "watched": [], "watched_fraction": 0, "completed": False}
        )
    try:
        body = _json_body(request)
        position = body.get("position")
        position = float(position) if position is not None else None
    except (TypeError, ValueError):
        return _error("Requête illisible.", 400)
    return JsonResponse(
        guest.record_progress(
            request.session,
            capsule,
            position=position,
            ranges=body.get("watched") or [],
            client_time=_client_time(body.get("client_time")),
        )
    )


@require_POST
def events(request, capsule_id: int):
    """Record xAPI-shaped statements sent by the player; replays dedupe on client_id."""
    capsule = live_capsule_or_404(capsule_id)
    if not request.user.is_authenticated:
        return _login_required_response(request)
    try:
        items = _json_body(request).get("events", [])
    except ValueError as exc:
        return _error(str(exc), 400)
    if not isinstance(items, list) or len(items) > MAX_EVENTS_PER_POST:
        return _error("Trop d'évènements dans un seul envoi.", 400)
    rows, rejected = [], 0
    now = clock.now()
    for item in items:
        cid = _uuid(item.get("client_id")) if isinstance(item, dict) else None
        if cid is None or item.get("verb") not in CLIENT_VERBS:
            rejected += 1
            continue
        data = item.get("data") if isinstance(item.get("data"), dict) else {}
        if len(json.dumps(data)) > MAX_EVENT_DATA_BYTES:
            rejected += 1
            continue
        rows.append(
            LearnerEvent(
                user=request.user,
                capsule=capsule,
                verb=item["verb"],
                client_id=cid,
                timestamp=_client_time(item.get("timestamp")) or now,
                data=data,
            )
        )
    created = LearnerEvent.objects.bulk_create(rows, ignore_conflicts=True)
    return JsonResponse({"received": len(created), "rejected": rejected})


# --- offline ------------------------------------------------------------------------------


@require_GET
@never_cache
def offline_bundle(request, capsule_id: int):
    """The URLs the service worker must cache to play this capsule offline (low-rung MP4, not HLS)."""
    capsule = live_capsule_or_404(capsule_id)
    rend = capsule.footage.renditions or {}
    if not rend.get("mp4"):
        return _error("Cette capsule n'est pas encore disponible hors ligne.", 409)
    urls = [
        capsule.page.url,
        reverse("learner-manifest", args=[capsule.pk]),
        reverse("learner-chapters", args=[capsule.pk]),
        static("geste/player.js"),
        static("geste/player.css"),
        storage.url(rend["mp4"]),
    ]
    urls += [storage.url(k) for k in (rend.get("captions") or {}).values() if k]
    if rend.get("poster"):
        urls.append(storage.url(rend["poster"]))
    urls += [storage.url(s.keyframe) for s in capsule.steps() if s.keyframe]
    for inter in capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED):
        if inter.image:
            urls.append(storage.url(inter.image))
        urls += [storage.url(c["image"]) for c in inter.choices or [] if c.get("image")]
    size = 0
    for key in [rend["mp4"], *(rend.get("captions") or {}).values()]:
        try:
            size += default_storage.size(key)
        except (OSError, NotImplementedError):
            pass
    return JsonResponse(
        {
            "capsule": capsule.pk,
            "cache": f"geste-capsule-{capsule.pk}",
            "urls": list(dict.fromkeys(u for u in urls if u)),
            "bytes": size,
        }
    )


def _service_worker_source() -> bytes:
    try:
        with staticfiles_storage.open("geste/sw.js") as fh:
            return fh.read()
    except (FileNotFoundError, OSError, ValueError):
        pass
    found = finders.find("geste/sw.js")
    if not found:
        raise Http404("Service worker absent : lancez « npm run build » dans frontend/.")
    with open(found, "rb") as fh:
        return fh.read()


@require_GET
def service_worker(request):
    """The built service worker, served from / so that its scope covers every capsule page."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
