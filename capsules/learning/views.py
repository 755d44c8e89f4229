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
import math
import re
import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Window
from django.db.models.functions import FirstValue
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from capsules import clock, storage
from capsules.learner_steps import display_title
from capsules.learning import content_cache, delivery, guest, page_privacy
from capsules.learning.answer_store import store_answer
from capsules.learning.grading import UNGRADED_KINDS, grade
from capsules.learning.progress import completion_after_answer, record_progress
from capsules.learning.shared_content import (  # noqa: F401  (live_capsule_pages, next_capsule: used from here)
    capsule_is_live,
    capsule_steps,
    live_capsule_pages,
    next_capsule,
    owning_step,
    pick_next,
    public_choices,
    public_interaction,
    shared_manifest,
)
from capsules.models import Attempt, Capsule, Interaction, LearnerEvent, Progress
from media_pipeline.vtt import timestamp as vtt_timestamp

CLIENT_VERBS = {"initialized", "played", "paused", "seeked", "interacted", "downloaded"}
MAX_EVENTS_PER_POST = 200
MAX_EVENT_DATA_BYTES = 4096
MAX_ANSWER_BYTES = 32 * 1024
LOGIN_MESSAGE = "Connectez-vous pour enregistrer vos réponses et votre progression."


# --- lookups ------------------------------------------------------------------------------


def live_capsule_or_404(capsule_id: int, request=None) -> Capsule:
    """The capsule if its page and every ancestor page are live; 404 otherwise (drafts never leak). With
    ``request``, also 404 when the request does not pass the page's view restrictions (``page_privacy``)."""
    found = content_cache.live_capsule(capsule_id)
    if found is None or (request is not None and not page_privacy.passes(request, capsule_id)):
        raise Http404("Capsule introuvable.")
    return found[0]


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
    return _error(LOGIN_MESSAGE, 401, login_url=f"{resolve_url(settings.LOGIN_URL)}?{back}")


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


MAX_RUN = 999  # passes through one capsule: beyond, the answer counts in the last one


def _run(value) -> int:
    """The pass through the capsule an answer belongs to (« Refaire la capsule » starts the next one):
    a positive integer, 1 when absent or malformed. Only this learner's own mastery reads it."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 1
    return max(1, min(value, MAX_RUN))


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


def _attempt_state(user, capsule: Capsule, interactions: dict[int, Interaction] | None = None) -> dict:
    """The learner's last attempt per interaction (resume: answered questions are not asked again).

    One row per question on PostgreSQL (a learner may retry a question many times), each graded once."""
    if interactions is None:
        rows = Attempt.objects.filter(user=user, interaction__capsule=capsule).select_related("interaction")
    else:  # the capsule's questions are known: no join
        rows = Attempt.objects.filter(user=user, interaction_id__in=list(interactions))
    # The first answer per question rides along (a window over the same rows, no second query):
    # the end screen's score is the first-try one, like the portfolio's and the badge's.
    rows = rows.annotate(first_correct=Window(
        FirstValue("correct"), partition_by=[F("interaction_id")], order_by=[F("answered_at").asc(), F("pk").asc()]),
        # and the first in the pass of the latest answer (« Refaire la capsule »: Attempt.run)
        run_first_correct=Window(FirstValue("correct"), partition_by=[F("interaction_id"), F("run")],
                                 order_by=[F("answered_at").asc(), F("pk").asc()]))
    if connection.vendor == "postgresql":
        rows = rows.order_by("interaction_id", "-answered_at", "-pk").distinct("interaction_id")
    else:
        rows = rows.order_by("answered_at", "pk")
    last = {att.interaction_id: att for att in rows}  # the latest wins
    first = {pk: att.first_correct for pk, att in last.items()}
    state: dict[str, dict] = {}
    audience = delivery.audience_for(user)
    for att in last.values():
        if interactions is not None:
            if att.interaction_id not in interactions:  # a question no longer offered
                continue
            att.interaction = interactions[att.interaction_id]
        result = grade(att.interaction, att.response).to_dict() if att.response else {}
        result = delivery.result_to_public(att.interaction, result, audience) if result else {}
        state[str(att.interaction_id)] = {
            "correct": att.correct,
            "run": att.run,
            "run_first_correct": att.run_first_correct,
            "first_correct": first.get(att.interaction_id),
            "score": att.score,
            # « Continuer » after this wrong answer (``went_on``): the player lets playback past the
            # question, on any device, and keeps it « à reprendre ».
            "went_on": att.went_on_at is not None,
            "response": delivery.response_to_public(att.interaction, att.response, audience),
            "feedback": result.get("feedback", ""),
            "solution": result.get("solution", {}),
        }
    return state


def _guest_attempt_state(session, capsule: Capsule) -> dict:
    """As ``_attempt_state``, from the answers a visitor gave before signing in (the last one counts)."""
    state: dict[str, dict] = {}
    by_id = {i.pk: i for i in capsule.interactions.all()}
    first: dict[int, bool | None] = {}
    for att in guest.attempts(session, capsule):
        first.setdefault(att.interaction, att.correct)
    for att in guest.attempts(session, capsule):
        inter = by_id.get(att.interaction)
        if inter is None:
            continue
        result = delivery.result_to_public(inter, grade(inter, att.response).to_dict(), delivery.GUEST)
        state[str(att.interaction)] = {
            "correct": att.correct,
            "first_correct": first[att.interaction],
            "score": att.score,
            "went_on": bool(att.went_on_at),
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


def _hide_key_points_before_questions(data: dict, content, attempts: dict) -> None:
    """A step's points of vigilance are often the answer to its question (walk 29: « Plier les genoux pour
    soulever la boîte, dos droit. » under step 1, the answer to the question at 0:03): for a step with a
    question this learner has not answered yet, they are not sent (``key_points_after_question`` says
    some wait); the player asks for the manifest again once the step's questions are answered. The
    marks on the seek bar keep their time and kind, not their text. The page's HTML never holds them
    (cms/templates/cms/capsule_page.html)."""
    answered = {int(pk) for pk in attempts}
    owned: dict[int, set[int]] = {}
    for inter in content.interactions:
        owner = owning_step(inter.time, content.step_ranges, inter.step_id)
        if owner is not None:
            owned.setdefault(owner[2], set()).add(inter.pk)
    waiting = {step_id for step_id, ids in owned.items() if not ids <= answered}
    if not waiting:
        return
    hidden_ranges = []
    steps = []
    for s in data["steps"]:
        if s["id"] in waiting and s["key_points"]:
            hidden_ranges.append((s["start"], s["end"]))
            s = {**s, "key_points": [], "key_points_after_question": True}
        steps.append(s)
    data["steps"] = steps
    data["key_points"] = [{**kp, "text": ""} if any(a <= kp["time"] <= b for a, b in hidden_ranges) else kp
                          for kp in data["key_points"]]


def learner_manifest(content, user, session=None, hide_key_points: bool = True) -> dict:
    """The shared content with this learner's part: opaque choice ids, progress and last attempts."""
    capsule = content.capsule
    authenticated = bool(user and user.is_authenticated)
    siblings = getattr(content, "siblings", ())
    done: set[int] = set()
    if authenticated:
        # This capsule's progress and which of the block's other capsules are completed, in one read.
        rows = list(Progress.objects.filter(user=user, capsule_id__in=[capsule.pk, *(c.capsule_id for c in siblings)]))
        progress = next((p for p in rows if p.capsule_id == capsule.pk), None)
        done = {p.capsule_id for p in rows if p.completed}
        progress_data = _progress_dict(progress) if progress else None
        attempts = _attempt_state(user, capsule, {i.pk: i for i in content.interactions})
    else:
        progress_data = guest.progress(session, capsule) if session is not None else None
        attempts = _guest_attempt_state(session, capsule) if session is not None else {}
    data = dict(content.shared)
    # The shared part is cached for every learner: a default step title (« Étape 2 ») is put in this
    # request's language here, on a copy; a typed title stays as typed.
    data["steps"] = [{**s, "title": display_title(s["title"], n)} for n, s in enumerate(data["steps"], start=1)]
    login_url, signup_url = data.pop("login_url"), data.pop("signup_url")
    audience = delivery.audience_for(user)
    key_points, titles = [kp["text"] for kp in data["key_points"]], [s["title"] for s in data["steps"]]
    data["interactions"] = [public_interaction(i, content.step_ranges, audience, key_points, titles)
                            for i in content.interactions]
    if hide_key_points:
        _hide_key_points_before_questions(data, content, attempts)
    data["user"] = {"authenticated": authenticated, "scope": device_scope(user),
                    "login_url": login_url, "signup_url": signup_url}
    data["progress"] = progress_data
    data["attempts"] = attempts
    # The pass the learner is in (their latest answer's): answers of earlier passes are asked again.
    data["run"] = max((a.get("run", 1) for a in attempts.values()), default=1)
    if authenticated and siblings:  # the next capsule this learner has not completed (shared: the plain next)
        data["next"] = pick_next(capsule, siblings, done)
    return data


def build_manifest(capsule: Capsule, user, session=None, live_steps: bool = False) -> dict:
    """Everything the player needs, in one JSON document (answer keys excluded).

    ``session``: a visitor's session, whose answers and progress (kept before signing in) are resumed.
    ``live_steps``: the steps as saved now instead of the approved version (previews).
    """
    # A preview (its authors and the expert, who see every answer) keeps the points of vigilance.
    return learner_manifest(shared_manifest(capsule, live_steps), user, session, hide_key_points=not live_steps)


@require_GET
@never_cache
def manifest(request, capsule_id: int):
    get_token(request)  # the csrftoken cookie for the player's POSTs (cached page HTML carries no token)
    content = content_cache.capsule_content(capsule_id)
    if content is None or not page_privacy.passes(request, capsule_id):
        raise Http404("Capsule introuvable.")
    return JsonResponse(learner_manifest(content, request.user, request.session))


def chapters_vtt_text(capsule: Capsule, live_steps: bool = False) -> str:
    """The steps (the approved version, or as saved now with ``live_steps``) as a WebVTT chapters track."""
    lines = ["WEBVTT", ""]
    for i, step in enumerate(capsule_steps(capsule, live_steps)[0], start=1):
        title = re.sub(r"\s+", " ", display_title(step.title, i)).replace("-->", "→")
        lines += [f"step-{step.pk}", f"{vtt_timestamp(step.start)} --> {vtt_timestamp(step.end)}", title, ""]
    return "\n".join(lines)


@require_GET
def chapters(request, capsule_id: int):
    return HttpResponse(
        chapters_vtt_text(live_capsule_or_404(capsule_id, request)), content_type="text/vtt; charset=utf-8"
    )


# --- answers ------------------------------------------------------------------------------


def _store_attempt(user, interaction: Interaction, response: dict, result, client_id: uuid.UUID | None,
                   answered_at: datetime | None) -> Attempt:
    """The attempt and its "answered" event (the caller's transaction holds both); never before the learner's
    latest attempt at the question (``answer_store.store_answer``: the first try is the earliest)."""
    when = answered_at or clock.now()
    latest = Attempt.objects.filter(user=user, interaction=interaction).aggregate(latest=Max("answered_at"))["latest"]
    when = max(when, latest) if latest else when
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
    return attempt


def _replayed(user, client_id: uuid.UUID | None) -> tuple[Attempt, dict] | None:
    """The attempt already stored under this client_id (an offline replay), graded again."""
    attempt = (Attempt.objects.select_related("interaction").filter(user=user, client_id=client_id).first()
               if client_id else None)
    return (attempt, grade(attempt.interaction, attempt.response).to_dict()) if attempt else None


def submit_answer(
    user, interaction: Interaction, response: dict, client_id: uuid.UUID | None, answered_at: datetime | None
) -> tuple[Attempt, dict, bool]:
    """Grade and store one attempt; the same client_id twice returns the first one (offline replays):
    the unique (user, client_id) constraint tells, so a first answer costs no extra read."""
    result = grade(interaction, response)
    try:
        with transaction.atomic():
            attempt = _store_attempt(user, interaction, response, result, client_id, answered_at)
    except IntegrityError:  # a replay, or the same client_id raced in from another request
        replay = _replayed(user, client_id)
        if replay is None:
            raise
        return *replay, True
    return attempt, result.to_dict(), False


@require_POST
def answer(request, interaction_id: int):
    target = content_cache.answer_target(interaction_id)
    if target is None or not page_privacy.passes(request, target[0].capsule_id):
        raise Http404("Question introuvable.")
    interaction, mandatory = target
    capsule = interaction.capsule
    if len(request.body) > MAX_ANSWER_BYTES:
        return _error("Réponse trop longue.", 413)
    if not request.user.is_authenticated:
        return _guest_answer(request, interaction, capsule, mandatory)
    user = request.user
    try:
        body = _json_body(request)
        audience = delivery.audience_for(user)
        response = delivery.response_to_stored(interaction, body.get("response"), audience)
        client_id = _uuid(body.get("client_id"))
        answered_at = _client_time(body.get("answered_at"))
        result = grade(interaction, response)
    except ValueError as exc:
        return _error(getattr(exc, "message", str(exc)), 400)
    try:
        # One statement on PostgreSQL: the attempt, its event and what the completion check reads.
        stored = store_answer(user, interaction, response, result, client_id, answered_at, mandatory,
                              run=_run(body.get("run")))
        attempt, duplicate = stored.attempt, False
        completed, mandatory_left = completion_after_answer(
            user, capsule, mandatory, known=(set(stored.answered), stored.progress))
        result = result.to_dict()
    except IntegrityError:  # the same client_id again: an offline queue flushed twice, or a race
        replay = _replayed(user, client_id)
        if replay is None:
            raise
        (attempt, result), duplicate = replay, True
        completed, mandatory_left = completion_after_answer(user, capsule, mandatory)
    return JsonResponse(
        {
            **delivery.result_to_public(interaction, result, audience),
            "interaction": interaction.pk,
            "client_id": str(attempt.client_id),
            "duplicate": duplicate,
            "completed": completed,
            "mandatory_left": mandatory_left,
        }
    )


MAX_WENT_ON_BYTES = 1024


@require_POST
def went_on(request, interaction_id: int):
    """« Continuer » after a wrong answer to a mandatory question: the learner leaves it « à reprendre »
    and goes on. Kept on that answer (``Attempt.went_on_at``; a visitor's, in their session), so that the
    manifest tells the player on any device: playback is not stopped at the question again (a question at
    the capsule's last second is not asked again on each arrival), and the reminder still lists it. A new
    answer is a new attempt: it starts afresh.

    Body: ``{"client_id": <the answer's client_id>}``, or ``{}`` for the learner's latest answer to the
    question. Only the learner's own answer to an accepted question of a live capsule (else 404), only a
    wrong one (409) to a mandatory graded question (400). Sent twice, the first time stays."""
    target = content_cache.answer_target(interaction_id)
    if target is None or not page_privacy.passes(request, target[0].capsule_id):
        raise Http404("Question introuvable.")
    interaction, mandatory = target
    if len(request.body) > MAX_WENT_ON_BYTES:
        return _error(_("Requête trop longue."), 413)
    try:
        body = _json_body(request)
    except ValueError:
        return _error(_("Requête illisible."), 400)
    raw = body.get("client_id")
    client_id = _uuid(raw) if raw not in (None, "") else None
    if raw not in (None, "") and (client_id is None or not isinstance(raw, str)):
        return _error(_("Identifiant de réponse illisible."), 400)
    if interaction.pk not in mandatory or interaction.kind in UNGRADED_KINDS:
        return _error(_("Seule une question obligatoire notée peut rester « à reprendre »."), 400)
    unknown = _("Aucune réponse de votre part à cette question.")
    right = _("Cette réponse est juste : rien à reprendre.")
    if not request.user.is_authenticated:
        row = guest.went_on(request.session, interaction, str(client_id) if client_id else None)
        if row is None:
            return _error(unknown, 404)
        if row.get("correct") is not False:
            return _error(right, 409)
        return JsonResponse({"interaction": interaction.pk, "client_id": row.get("client_id", ""), "went_on": True,
                             "guest": True})
    mine = Attempt.objects.filter(user=request.user, interaction=interaction)
    attempt = (mine.filter(client_id=client_id) if client_id else mine.order_by("-answered_at", "-pk")).first()
    if attempt is None:  # none, or another learner's: the same answer
        return _error(unknown, 404)
    if attempt.correct is not False:
        return _error(right, 409)
    if attempt.went_on_at is None:
        Attempt.objects.filter(pk=attempt.pk, went_on_at__isnull=True).update(went_on_at=clock.now())
    return JsonResponse({"interaction": interaction.pk, "client_id": str(attempt.client_id), "went_on": True})


MAX_REVEAL_TEXT = 4000


@require_POST
def reveal(request, interaction_id: int):
    """« Voir la réponse attendue » of a free recall: the designer's model answer, sent only now (never in
    the manifest), and the reveal recorded for a signed-in learner (an ``interacted`` event with what they
    had written, if anything; the rating comes with their attempt). A visitor sees it too, unrecorded."""
    target = content_cache.answer_target(interaction_id)
    if target is None or target[0].kind != Interaction.Kind.FREE_RECALL or not page_privacy.passes(
            request, target[0].capsule_id):
        raise Http404("Question introuvable.")
    interaction = target[0]
    if len(request.body) > MAX_ANSWER_BYTES:
        return _error("Réponse trop longue.", 413)
    try:
        body = _json_body(request)
    except ValueError as exc:
        return _error(str(exc), 400)
    text = body.get("text") if isinstance(body.get("text"), str) else ""
    if request.user.is_authenticated:
        LearnerEvent.objects.bulk_create([LearnerEvent(
            user=request.user, capsule_id=interaction.capsule_id, verb="interacted", timestamp=clock.now(),
            client_id=_uuid(body.get("client_id")) or uuid.uuid4(),
            data={"interaction": interaction.pk, "revealed": "model_answer", "text": text[:MAX_REVEAL_TEXT]},
        )], ignore_conflicts=True)  # the same client_id again: one reveal
    model = str((interaction.answer_key or {}).get("model_answer") or "")
    return JsonResponse({"interaction": interaction.pk, "model_answer": model})


def _guest_answer(request, interaction: Interaction, capsule: Capsule, mandatory: frozenset[int]) -> JsonResponse:
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
            "mandatory_left": sorted(mandatory - guest.answered_ids(request.session, capsule)),
            "guest": True,
        }
    )


# --- progress and events ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def progress_view(request, capsule_id: int):
    found = content_cache.live_capsule(capsule_id)
    if found is None or not page_privacy.passes(request, capsule_id):
        raise Http404("Capsule introuvable.")
    capsule, mandatory = found
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
            mandatory=mandatory,
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


# What the player sends with each verb (frontend/src/player/player.js, ``event``): nothing else is kept. The
# statements the LRS receives are built from these (``analytics.xapi``): a forged "progress": 1.0 on "paused",
# or a video time past the footage's end, reached the LRS as the learner's (audit 38).
EVENT_TIMES = {"played": ("time",), "paused": ("time",), "seeked": ("from", "to")}
EVENT_SOURCES = {"mp4", "native-hls", "hls.js", "hls"}  # frontend/src/player/source.js ("hls": older players)
MAX_BUNDLE_BYTES = 50 * 1024**3


def _event_number(value, high: float | None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return None
    return float(value) if high is None or value <= high else None


def _event_data(verb: str, data: dict, capsule: Capsule, length: float | None) -> dict:
    """The event's data as the player sends it, checked: known keys only, video times within the footage,
    the capsule the URL names (never another one)."""
    clean: dict = {"capsule": capsule.pk}
    for key in EVENT_TIMES.get(verb, ()):
        if (t := _event_number(data.get(key), length + 1 if length else None)) is not None:
            clean[key] = t
    if verb == "initialized":
        if isinstance(data.get("offline"), bool):
            clean["offline"] = data["offline"]
        if data.get("source") in EVENT_SOURCES:
            clean["source"] = data["source"]
    elif verb == "downloaded" and (size := _event_number(data.get("bytes"), MAX_BUNDLE_BYTES)) is not None:
        clean["bytes"] = int(size)
    return clean


@require_POST
def events(request, capsule_id: int):
    """Record xAPI-shaped statements sent by the player; replays dedupe on client_id."""
    capsule = live_capsule_or_404(capsule_id, request)
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
    length = capsule.footage.duration
    for item in items:
        cid = _uuid(item.get("client_id")) if isinstance(item, dict) else None
        if cid is None or item.get("verb") not in CLIENT_VERBS:
            rejected += 1
            continue
        data = item.get("data") if isinstance(item.get("data"), dict) else {}
        if len(json.dumps(data)) > MAX_EVENT_DATA_BYTES:
            rejected += 1
            continue
        data = _event_data(item["verb"], data, capsule, length)
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
    capsule = live_capsule_or_404(capsule_id, request)
    rend = capsule.footage.renditions or {}
    if not rend.get("mp4"):
        return _error("Cette capsule n'est pas encore disponible hors ligne.", 409)
    parent = capsule.page.get_parent()  # the skills block: the breadcrumb's way back works offline too
    urls = [
        capsule.page.url,
        parent.url if parent is not None and parent.live and parent.depth > 1 else None,
        reverse("learner-manifest", args=[capsule.pk]),
        reverse("learner-chapters", args=[capsule.pk]),
        static("geste/player.js"),
        static("geste/player.css"),
        storage.url(rend["mp4"]),
    ]
    urls += [storage.url(k) for k in (rend.get("captions") or {}).values() if k]
    if rend.get("poster"):
        urls.append(storage.url(rend["poster"]))
    urls += [storage.url(s.keyframe) for s in capsule_steps(capsule)[0] if s.keyframe]
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
        raise Http404("Service worker absent : lancez « npm run build » dans frontend/.")
    with open(found, "rb") as fh:
        return fh.read()


@require_GET
def service_worker(request):
    """The built service worker, served from / so that its scope covers every capsule page."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
