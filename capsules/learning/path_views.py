"""Learner pages of individual paths: placement per skills block and daily practice (server-rendered forms)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from capsules import clock
from capsules.learning import placement, practice
from capsules.learning.grading import InvalidResponse
from capsules.learning.question_forms import question_view, response_from_form
from capsules.learning.views import device_scope
from capsules.models import PracticeCard, SkillsBlock


def _block_url(block: SkillsBlock) -> str:
    page = getattr(block, "page", None)
    return page.url if page is not None and page.live else "/"


def _live_block_or_404(request, block_id: int) -> SkillsBlock:
    """The block, live, and its page's view restrictions (« Confidentialité », on it or above) passed: the
    placement test answers outside Wagtail's routing, which guards only the page (session 37: a block kept
    for one group gave its questions to any signed-in learner)."""
    block = get_object_or_404(SkillsBlock.objects.select_related("page"), pk=block_id)
    page = getattr(block, "page", None)
    if page is None or not page.live:
        raise Http404(gettext("Bloc introuvable."))
    if not all(r.accept_request(request) for r in page.get_view_restrictions()):
        raise Http404(gettext("Bloc introuvable."))
    return block


@never_cache
@require_http_methods(["GET", "POST"])
def placement_view(request, block_id: int):
    """One question at a time; the last answer closes the session and shows the path."""
    block = _live_block_or_404(request, block_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    ctx = {"skills_block": block, "block_url": _block_url(block)}  # "block" is a template keyword (block.super)
    questions = placement.placement_questions(block)
    if not questions:
        return TemplateResponse(request, "learning/placement.html", {**ctx, "empty": True})
    session = placement.current_session(request.user, block)
    if session is None:
        return TemplateResponse(request, "learning/placement.html",
                                {**ctx, "wait_until": placement.next_retake_at(request.user, block)})
    error, posted = "", None
    if request.method == "POST":
        question = next((q for q in questions if str(q.interaction_id) == request.POST.get("interaction")), None)
        if question is None:
            return redirect(request.path)
        try:
            placement.answer(session, question.interaction, response_from_form(question.interaction, request.POST))
            return redirect(request.path)
        except InvalidResponse as exc:
            error, posted = exc.message, request.POST
    question = placement.next_question(session)
    if question is None:
        placement.finish(session)
        return redirect(_block_url(block) + "#parcours")
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    return TemplateResponse(request, "learning/placement.html", {
        **ctx, "question": question_view(question.interaction,
                                         posted if posted and str(question.interaction_id) == posted.get("interaction")
                                         else None),
        "error": error,
        "number": index + 1, "total": len(questions),
        "unassessed_titles": [c.title for c in placement.unassessed_capsules(block, questions)],
    })


@never_cache
@require_http_methods(["GET", "POST"])
def practice_view(request):
    """The items due today, one at a time; after an answer, its feedback and a link to replay its step."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    now = clock.now()
    practice.ensure_cards(request.user, now)
    ctx: dict = {}
    if request.method == "POST":
        askable = practice.askable_cards(request.user).select_related("interaction", "interaction__capsule")
        card = get_object_or_404(askable, pk=request.POST.get("card") or 0)
        try:
            client_id = uuid.UUID(request.POST.get("client_id", ""))
        except ValueError:
            client_id = None
        try:
            outcome = practice.review(card, response_from_form(card.interaction, request.POST), now, client_id)
            ctx["answered"] = {"card": outcome.card, "result": outcome.result,
                               "replay_url": _replay_url(card)}
        except InvalidResponse as exc:
            ctx["error"] = exc.message
            ctx["retry_card"] = card
    due = list(practice.due_cards(request.user, now))
    shown = [ctx["retry_card"]] if ctx.get("retry_card") else [] if "answered" in ctx else due[:MAX_PAGE_ITEMS]
    # Every due item is on the page (the first one shown): offline, practice.js shows the next one
    # after queueing an answer, so a page cached by the service worker serves the whole day.
    retry = ctx.get("retry_card")
    ctx["items"] = [{"card": c, "question": question_view(c.interaction, request.POST if c == retry else None),
                     "replay_url": _replay_url(c),
                     "client_id": uuid.uuid4(), "offline_url": _offline_url(c)} for c in shown]
    if ctx["items"]:
        first = ctx["items"][0]
        ctx.update({"card": first["card"], "question": first["question"], "replay_url": first["replay_url"]})
    ctx.update({"due_count": len(due), "retention": practice.retention(request.user, now),
                "practice_url": reverse("learner-practice"), "sync_url": reverse("learner-practice-sync"),
                "sw_url": reverse("learner-sw"), "scope": device_scope(request.user),
                "rendered_at": int(now.timestamp() * 1000)})
    return TemplateResponse(request, "learning/practice.html", ctx)


MAX_PAGE_ITEMS = 50


def _offline_url(card: PracticeCard) -> str:
    """The capsule's offline bundle, so that 'revoir l'étape' plays offline too (MP4 renditions only)."""
    capsule = card.interaction.capsule
    page = getattr(capsule, "page", None)
    if page is None or not page.live or not (capsule.footage.renditions or {}).get("mp4"):
        return ""
    return reverse("learner-offline", args=[capsule.pk])


def _replay_url(card: PracticeCard) -> str:
    page = getattr(card.interaction.capsule, "page", None)
    if page is None or not page.live:
        return ""
    return page.url + practice.step_replay_fragment(card.interaction)


MAX_SYNC_ITEMS = 100
SYNC_LOGIN_MESSAGE = gettext_lazy("Connectez-vous pour enregistrer votre entraînement.")


@require_http_methods(["POST"])
def practice_sync(request):
    """Reviews answered while offline, queued by practice.js: graded here, scheduled at their answer time."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": str(SYNC_LOGIN_MESSAGE)}, status=401)
    try:
        data = json.loads(request.body or b"{}")
        raw = data["reviews"]
        assert isinstance(raw, list) and len(raw) <= MAX_SYNC_ITEMS
    except (ValueError, KeyError, TypeError, AssertionError, UnicodeDecodeError):
        return JsonResponse({"error": gettext("Requête illisible.")}, status=400)
    cards = {c.pk: c for c in practice.askable_cards(request.user).filter(
        pk__in=[r.get("card") for r in raw if isinstance(r, dict) and isinstance(r.get("card"), int)]
    ).select_related("interaction")}
    items = []
    for r in raw:
        if not isinstance(r, dict):
            continue
        fields = QueryDict(mutable=True)
        for pair in r.get("fields") or []:
            if isinstance(pair, list) and len(pair) == 2:
                fields.appendlist(str(pair[0]), str(pair[1]))
        card = cards.get(r.get("card")) if isinstance(r.get("card"), int) else None
        response = {}
        if card is not None:
            try:
                response = response_from_form(card.interaction, fields)
            except InvalidResponse:
                response = {}
        items.append((card, response, _uuid(r.get("client_id")), _when(r.get("answered_at"))))
    results = practice.sync_reviews(request.user, items)
    return JsonResponse({"results": [
        {"client_id": s.client_id, "ok": s.ok, "correct": s.correct, "duplicate": s.duplicate,
         "due": s.due.isoformat() if s.due else None, "error": s.error} for s in results]})


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _when(value):
    parsed = parse_datetime(str(value)) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed
