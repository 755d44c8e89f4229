"""JSON API of the review screen: read the state, save steps, key points, comments, approve, send back.

Every write that changes the steps or the status carries the ``version`` the client read
(``Footage.review_version``); a stale version gets 409 with the current state, so two reviewers
never silently overwrite each other. Status codes: 401 anonymous, 403 no review role (or not
allowed to sign off), 404 footage unknown or not assigned to this expert, 400 invalid, 409 conflict.
"""

from __future__ import annotations

import json
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from capsules import permissions, storage
from capsules.learner_steps import build_snapshot, steps_approved
from capsules.models import Footage, Interaction, KeyPoint, ReviewComment, Step
from capsules.pages import new_pages_generation
from capsules.pipeline.step_keyframes import can_make_keyframes, request_step_keyframes
from capsules.review.truth_export import NotApproved, filename_for, may_export, truth_for
from capsules.review.validation import (
    MIN_STEP_SECONDS,
    FieldError,
    ReviewValidationError,
    StepInput,
    ValidationSettings,
    validate_key_point,
    validate_steps,
    validate_text,
    validate_titles_for_approval,
    validate_version,
)

EDITABLE = {Footage.Status.IN_REVIEW, Footage.Status.CHANGES_REQUESTED}


class Conflict(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _error(status: int, detail: str, **extra) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


def admin_language(user) -> str:
    """The admin's language rule (``cms.language.AdminLanguageMiddleware``) for this API, which lives
    outside /admin/: the language the user chose in their Wagtail account, else French. A walk saw
    « Statut : Steps approved » on a French review screen: the API followed the browser's English."""
    profile = getattr(user, "wagtail_userprofile", None)
    chosen = getattr(profile, "preferred_language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def review_endpoint(view):
    """Authenticate, find the footage the user may see (404 otherwise), map errors to status codes;
    texts in the admin's language (``admin_language``)."""

    @wraps(view)
    def wrapper(request, footage_id: int, *args, **kwargs):
        with translation.override(admin_language(request.user)):
            return _endpoint(view, request, footage_id, *args, **kwargs)

    return wrapper


def _endpoint(view, request, footage_id: int, *args, **kwargs):
    user = request.user
    if not user.is_authenticated:
        return _error(401, _("Connexion requise."))
    if not (permissions.can_author(user) or permissions.is_reviewer(user)):
        return _error(403, _("Vous n'avez pas accès à la relecture des vidéos."))
    footage = permissions.visible_footage(user).filter(pk=footage_id).first()
    if footage is None:
        return _error(404, _("Vidéo introuvable."))
    try:
        return view(request, footage, *args, **kwargs)
    except ReviewValidationError as exc:
        return JsonResponse(exc.to_dict(), status=400)
    except Conflict as exc:
        footage.refresh_from_db()
        return JsonResponse(
            {"detail": exc.message, "code": exc.code, "state": review_state(footage, user)}, status=409
        )


def _body(request) -> dict:
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ReviewValidationError([FieldError(_("Le corps de la requête n'est pas du JSON valide."))])
    if not isinstance(data, dict):
        raise ReviewValidationError([FieldError(_("Un objet JSON est attendu."))])
    return data


def _locked(footage: Footage, version: int | None) -> Footage:
    """Lock the footage row for this transaction and check the version the client read."""
    locked = Footage.objects.select_for_update().get(pk=footage.pk)
    if version is not None and locked.review_version != version:
        raise Conflict(
            "stale",
            _("Quelqu'un d'autre a modifié cette relecture entre-temps. "
              "La version actuelle est affichée ; refaites vos changements."),
        )
    return locked


def with_designer(footage: Footage, user) -> bool:
    """Sent back by the expert: the designer's turn. The expert (anyone who does not author) waits until
    the designer sends the steps back to them (``resubmit``); designers still edit them."""
    return footage.status == Footage.Status.CHANGES_REQUESTED and not permissions.can_author(user)


def _require_editable(footage: Footage, user=None) -> None:
    if user is not None and with_designer(footage, user):
        raise Conflict(
            "with_designer",
            _("Vous avez renvoyé ces étapes au concepteur : c'est à lui de les reprendre. Vous recevrez un "
              "e-mail quand il vous les renverra ; vous pourrez alors de nouveau les modifier, les valider "
              "ou les renvoyer."),
        )
    if footage.status == Footage.Status.APPROVED:
        raise Conflict(
            "approved",
            "Les étapes sont déjà approuvées : étapes, points de vigilance et commentaires sont verrouillés ; "
            "un concepteur doit rouvrir la relecture.",
        )
    if footage.status not in EDITABLE:
        raise Conflict("not_ready", _("Cette vidéo n'est pas encore prête pour la relecture."))


def _bump(footage: Footage) -> None:
    Footage.objects.filter(pk=footage.pk).update(review_version=F("review_version") + 1)
    footage.refresh_from_db()


def _step_for_time(steps: list[Step], time: float) -> Step | None:
    """The step a moment belongs to. Steps are half-open: a point on the boundary between two steps
    is the next one's start (the expert paused at a step's beginning), not the previous one's end;
    only a step's end with no step after it takes the point itself."""
    for step in steps:
        if step.start <= time < step.end:
            return step
    for step in steps:
        if step.start <= time <= step.end:
            return step
    return None


def review_state(footage: Footage, user) -> dict:
    """Everything the review screen shows, as JSON."""
    r = footage.renditions or {}
    steps = list(footage.steps.order_by("start"))
    makes_keyframes = can_make_keyframes(footage)
    return {
        "version": footage.review_version,
        "footage": {
            "id": footage.pk,
            "title": footage.title,
            "duration": footage.duration,
            # Images a second of the upload (ffprobe): « , » and « . » step the review's video by one image.
            "fps": round(float((footage.probe or {}).get("fps") or 0), 3),
            "status": footage.status,
            "status_label": str(footage.get_status_display()),
            "review_comment": footage.review_comment,
            # Sent back by the expert, then to them again by a designer: when, and the designer's note.
            "resubmitted": {"at": footage.resubmitted_at.isoformat(), "note": footage.resubmit_note}
            if footage.resubmitted_at and footage.status == Footage.Status.IN_REVIEW else None,
            "expert": footage.expert.get_full_name() or footage.expert.get_username()
            if footage.expert
            else None,
        },
        "video": {
            # Until the renditions are ready the expert reviews on the original upload.
            "mp4": storage.url(r.get("mp4", "") or (footage.original.name if footage.original else "")),
            "renditions_ready": bool(r.get("mp4")),
            "hls": storage.url(r.get("master_playlist", "")),
            "poster": storage.url(r.get("poster", "")),
            "sprite": storage.url(r.get("sprite", "")),
            "thumbnails_vtt": storage.url(r.get("thumbnails_vtt", "")),
            "captions": {lang: storage.url(key) for lang, key in (r.get("captions") or {}).items()},
        },
        "motion_curve": footage.motion_curve or {},
        "min_step": MIN_STEP_SECONDS,
        "steps": [
            {
                "id": s.pk,
                "order": s.order,
                "start": s.start,
                "end": s.end,
                "title": s.title,
                "keyframe_url": storage.url(s.keyframe),
                "keyframe_time": s.keyframe_time,
                # No picture yet, one is being made: the screen shows a placeholder and asks again.
                "keyframe_pending": not s.keyframe and makes_keyframes,
                "confidence": s.confidence,
                "key_terms": s.key_terms,
                "approved": s.approved,
            }
            for s in steps
        ],
        "key_points": [
            {
                "id": k.pk,
                "time": k.time,
                "kind": k.kind,
                "kind_label": str(k.get_kind_display()),
                "text": k.text,
                "step": k.step_id,
            }
            for k in footage.key_points.order_by("time")
        ],
        "comments": [
            {
                "id": c.pk,
                "step": c.step_id,
                "text": c.text,
                "created_at": c.created_at.isoformat(),
                "author": (c.author.get_full_name() or c.author.get_username()) if c.author else "",
            }
            for c in footage.review_comments.select_related("author").order_by("created_at")
        ],
        # The last save was a merge, nothing saved since: it may be undone (after a reload too).
        "undo_merge": {"at": undo["at"]} if (undo := undo_merge_for(footage)) else None,
        # Approved: the next footage awaiting this user's decision, to go on to (walk 35).
        "next_review": next_review(footage, user) if footage.status == Footage.Status.APPROVED else None,
        # Published capsules built on these steps: their learners will see the next approved version (walk 19).
        "live_capsules": live_capsule_titles(footage)
        if permissions.can_author(user) and footage.status == Footage.Status.APPROVED else [],
        "permissions": {
            "can_edit": permissions.can_review(user, footage) and footage.status in EDITABLE
            and not with_designer(footage, user),
            "can_approve": permissions.can_approve(user, footage) and footage.status in EDITABLE
            and not with_designer(footage, user),
            # Sent back: the expert waits for the designer, who sends the steps back to them (walk 28).
            "with_designer": with_designer(footage, user),
            "can_resubmit": permissions.can_author(user) and footage.status == Footage.Status.CHANGES_REQUESTED,
            "can_reopen": permissions.can_author(user) and footage.status == Footage.Status.APPROVED,
        },
    }


def next_review(footage: Footage, user) -> dict | None:
    """The footage awaiting this user's decision (in review, theirs to approve), other than this one, first as the
    review list orders them (latest change first): its title and review screen, and how many wait in all. None
    when no other waits. Walk 35: once the steps were approved the expert had no way on."""
    waiting = [f for f in permissions.visible_footage(user).filter(status=Footage.Status.IN_REVIEW)
               .exclude(pk=footage.pk).only("pk", "title", "expert_id").order_by("-updated_at", "-pk")
               if permissions.can_approve(user, f)]
    if not waiting:
        return None
    first = waiting[0]
    return {"id": first.pk, "title": first.title, "url": reverse("geste_review", args=[first.pk]),
            "waiting": len(waiting)}


def live_capsule_titles(footage: Footage) -> list[str]:
    """Titles of the published capsules cut from this footage (their pages are live)."""
    return list(footage.capsules.filter(page__live=True).order_by("title").values_list("title", flat=True))


# A default title the pipeline gave ("Étape 3"), or its continuation after a split ("Étape 3 (suite)").
DEFAULT_TITLE = re.compile(r"^\s*(?:Étape|Etape)\s+\d+(?:\s*\(suite\))*\s*$", re.IGNORECASE)


def renumbered_title(title: str, position: int) -> str:
    """A default "Étape N" title follows the step's place after a split or merge (no gap, no
    "(suite)"); a title the expert typed stays as it is."""
    return f"Étape {position}" if DEFAULT_TITLE.match(title or "") else title


def _absorber(kept: list[Step], gone: Step) -> Step | None:
    """The kept step whose times cover most of a removed step's (the one a merge made), if any."""
    def overlap(s: Step) -> float:
        return min(s.end, gone.end) - max(s.start, gone.start)
    best = max(kept, key=overlap, default=None)
    return best if best is not None and overlap(best) > 0 else None


def _shows(step: Step) -> bool:
    """Whether the step's keyframe picture is one of its own moments (a picture of unknown time is kept)."""
    return bool(step.keyframe) and (step.keyframe_time is None or step.start <= step.keyframe_time <= step.end)


# A step a save removed (a merge's second step) is kept whole for this long, under the review
# version that save made: undoing the merge (the next save, same version) brings it back as it was.
REMOVED_STEPS_TTL_S = 6 * 3600


def _removed_key(footage_id: int, version: int) -> str:
    return f"review:removed-steps:{footage_id}:{version}"


def _snapshot(step: Step) -> dict:
    """All a step is, and what hangs on it: picture, key terms, confidence, comments, questions, key points."""
    return {
        "id": step.pk,
        "title": step.title,
        "keyframe": step.keyframe,
        "keyframe_time": step.keyframe_time,
        "keyframe_region": step.keyframe_region,
        "confidence": step.confidence,
        "key_terms": step.key_terms,
        "comments": list(step.comments.values_list("pk", flat=True)),
        "interactions": list(step.interactions.values_list("pk", flat=True)),
        "key_points": list(step.key_points.values_list("pk", flat=True)),
    }


def _undo_merge_key(footage_id: int, version: int) -> str:
    return f"review:undo-merge:{footage_id}:{version}"


def undo_merge_for(footage: Footage) -> dict | None:
    """The merge the last save made, if that save was a merge and nothing was saved since (same
    version): ``{"at": index of the merged step, "steps": the steps before it}``. Kept on the server,
    so « Annuler la fusion » is still offered after a reload."""
    return cache.get(_undo_merge_key(footage.pk, footage.review_version))


def remember_merge(footage: Footage, version: int, before: list[dict], at: int) -> None:
    cache.set(_undo_merge_key(footage.pk, version), {"at": at, "steps": before}, REMOVED_STEPS_TTL_S)


# An undo from the review screen's history (walk 35: split, merge, move, then undo them one by one) may bring
# back a step removed a few saves ago: the removals of this many saves before are looked up too.
UNDO_LOOKBACK = 50


def removed_steps(footage: Footage, version: int, lookback: int = 0) -> dict[int, dict]:
    """The steps the save that made ``version`` removed, by their old id (empty once expired); with
    ``lookback``, also those the saves before it removed (the latest snapshot of a step removed twice)."""
    keys = [_removed_key(footage.pk, v) for v in range(max(0, version - lookback), version + 1)]
    found = cache.get_many(keys)
    return {s["id"]: s for key in keys for s in found.get(key) or []}


def remember_removed_steps(footage: Footage, version: int, snapshots: list[dict]) -> None:
    if snapshots:
        cache.set(_removed_key(footage.pk, version), snapshots, REMOVED_STEPS_TTL_S)


def save_steps(footage: Footage, items: list[StepInput], restorable: dict[int, dict] | None = None,
               removed: list[dict] | None = None) -> bool:
    """Replace the footage's steps by ``items``: known ids are updated (keyframe, key terms kept),
    new ones created, missing ones deleted; key points are re-attached to the step containing them.

    An unknown id found in ``restorable`` (the steps the previous save removed: undoing a merge)
    comes back whole, under its old id: picture, key terms, confidence, and the comments, questions
    and key points it had. The snapshots of the steps this save removes are appended to ``removed``.

    A step left without a picture of its own (a split's second half, a step moved away from its
    keyframe) takes a picture another step gave up if one lies inside it (splitting after the
    keyframe: the second half keeps it), else waits for one: returns whether any step waits
    (``request_step_keyframes`` extracts them in the background)."""
    restorable = restorable or {}
    existing = {s.pk: s for s in footage.steps.all()}
    kept: list[Step] = []
    restored: list[tuple[Step, dict]] = []
    for order, item in enumerate(items, start=1):
        step = existing.pop(item.id, None) if item.id is not None else None
        if step is None:
            step = Step(footage=footage)
            snap = restorable.get(item.id) if item.id is not None else None
            if snap is not None:
                step.pk = snap["id"]
                step.keyframe, step.keyframe_time = snap["keyframe"], snap["keyframe_time"]
                step.keyframe_region = snap["keyframe_region"]
                step.confidence, step.key_terms = snap["confidence"], snap["key_terms"]
                restored.append((step, snap))
        step.order, step.start, step.end = order, item.start, item.end
        step.title = renumbered_title(item.title, order)
        step.approved = False
        kept.append(step)
    snapshots = {s.pk: _snapshot(s) for s in existing.values()}
    if removed is not None:
        removed.extend(snapshots.values())
    # Pictures given up: the deleted steps' and those of steps moved away from them.
    freed = [(s.keyframe_time, s.keyframe, s.keyframe_region) for s in existing.values() if s.keyframe]
    freed += [(s.keyframe_time, s.keyframe, s.keyframe_region) for s in kept
              if s.keyframe and not _shows(s) and s.keyframe_time is not None]
    waiting = False
    for step in kept:
        if not _shows(step):
            middle = (step.start + step.end) / 2
            inside = [f for f in freed if f[0] is not None and step.start <= f[0] <= step.end]
            if inside:
                best = min(inside, key=lambda f: abs(f[0] - middle))
                freed.remove(best)
                step.keyframe_time, step.keyframe, step.keyframe_region = best
            else:
                step.keyframe, step.keyframe_region = "", None
                step.keyframe_time = round(middle, 3)  # until the picture is made
        waiting = waiting or not step.keyframe
        if any(step is r for r, _ in restored):
            step.save(force_insert=True)  # its old id: nothing else took it (ids are never reused)
        else:
            step.save()
    # A removed step's comments and questions follow the step that absorbed it (a merge: the kept
    # step whose times now cover it most), instead of being left on no step when it is deleted.
    # The snapshot keeps which step that is: undoing the merge takes them back from it.
    for gone in existing.values():
        absorber = _absorber(kept, gone)
        if absorber is not None:
            snapshots[gone.pk]["absorbed_by"] = absorber.pk
            ReviewComment.objects.filter(step=gone).update(step=absorber)
            Interaction.objects.filter(step=gone).update(step=absorber)
    Step.objects.filter(pk__in=list(existing)).delete()
    for kp in footage.key_points.all():
        step = _step_for_time(kept, kp.time)
        if kp.step_id != (step.pk if step else None):
            kp.step = step
            kp.save(update_fields=["step"])
    for step, snap in restored:
        # What hung on it and is still on the step that absorbed it, or on none (a question the
        # designer moved since to another step stays where it is).
        still = Q(step__isnull=True)
        if snap.get("absorbed_by") is not None:
            still |= Q(step_id=snap["absorbed_by"])
        ReviewComment.objects.filter(still, footage=footage, pk__in=snap["comments"]).update(step=step)
        Interaction.objects.filter(still, capsule__footage=footage, pk__in=snap["interactions"]).update(step=step)
        # A key point at the limit shared with its neighbour goes back to the step it was on.
        footage.key_points.filter(pk__in=snap["key_points"], time__gte=step.start,
                                  time__lte=step.end).update(step=step)
    return waiting


@require_http_methods(["GET"])
@review_endpoint
def state(request, footage: Footage):
    data = review_state(footage, request.user)
    if any(s["keyframe_pending"] for s in data["steps"]):
        request_step_keyframes(footage, throttle=True)  # a task lost (broker down, worker killed): again
    return JsonResponse(data)


@require_http_methods(["PUT"])
@review_endpoint
def steps(request, footage: Footage):
    data = _body(request)
    version = validate_version(data.get("version"))
    undo = data.get("undo") == "merge"
    if not undo:
        items = validate_steps(data.get("steps"), ValidationSettings(duration=footage.duration))
    with transaction.atomic():
        locked = _locked(footage, version)
        _require_editable(locked, request.user)
        if undo:
            # Undoing a merge: the steps the server kept from before it, only if nothing was saved since.
            merge = undo_merge_for(locked)
            if merge is None:
                raise Conflict(
                    "undo_stale",
                    _("La fusion ne peut plus être annulée : une autre modification a été enregistrée depuis. "
                      "Scindez l'étape (touche S) pour la reprendre."),
                )
            items = [StepInput(**s) for s in merge["steps"]]
        before = [StepInput(start=s.start, end=s.end, title=s.title, id=s.pk).to_dict()
                  for s in locked.steps.order_by("start")]
        removed: list[dict] = []
        # The screen's « Annuler » (action "undo") may bring back a step removed a few saves ago; any other
        # save only one the previous save removed (an old id is otherwise a new step).
        lookback = UNDO_LOOKBACK if data.get("action") == "undo" else 0
        waiting = save_steps(locked, items, restorable=removed_steps(locked, locked.review_version, lookback),
                             removed=removed)
        _bump(locked)
        # Kept under the version this save made: the next save (an undo) may bring them back.
        snapshots, new_version = removed, locked.review_version
        transaction.on_commit(lambda: remember_removed_steps(locked, new_version, snapshots))
        # A merge (one step fewer, absorbed by its previous one): kept to be undone, even after a reload.
        if data.get("action") == "merge" and len(removed) == 1 and len(items) == len(before) - 1:
            at = next((i for i, s in enumerate(before) if s["id"] == removed[0]["id"]), 0) - 1
            if 0 <= at < len(items):
                transaction.on_commit(lambda: remember_merge(locked, new_version, before, at))
        if waiting:
            request_step_keyframes(locked)  # sent once this transaction commits
    return JsonResponse(review_state(locked, request.user))


@require_http_methods(["POST"])
@review_endpoint
def key_points(request, footage: Footage):
    data = _body(request)
    item = validate_key_point(data, ValidationSettings(duration=footage.duration))
    with transaction.atomic():
        locked = _locked(footage, None)
        _require_editable(locked, request.user)  # an approved review is what learners see: reopen it first
        steps_ = list(locked.steps.order_by("start"))
        KeyPoint.objects.create(
            footage=locked,
            time=item.time,
            kind=item.kind,
            text=item.text,
            step=_step_for_time(steps_, item.time),
            created_by=request.user,
        )
    return JsonResponse(review_state(locked, request.user), status=201)


@require_http_methods(["DELETE"])
@review_endpoint
def key_point_detail(request, footage: Footage, key_point_id: int):
    with transaction.atomic():
        locked = _locked(footage, None)
        _require_editable(locked, request.user)
        deleted, _ = locked.key_points.filter(pk=key_point_id).delete()
    if not deleted:
        return _error(404, _("Point de vigilance introuvable."))
    return JsonResponse(review_state(locked, request.user))


@require_http_methods(["POST"])
@review_endpoint
def comments(request, footage: Footage):
    data = _body(request)
    text = validate_text(data.get("text"))
    step = None
    if data.get("step") is not None:
        step = footage.steps.filter(pk=data["step"]).first() if isinstance(data["step"], int) else None
        if step is None:
            raise ReviewValidationError([FieldError(_("Étape introuvable pour ce commentaire."), None, "step")])
    with transaction.atomic():
        locked = _locked(footage, None)
        _require_editable(locked, request.user)
        ReviewComment.objects.create(footage=locked, step=step, author=request.user, text=text)
    return JsonResponse(review_state(locked, request.user), status=201)


@require_http_methods(["POST"])
@review_endpoint
def approve(request, footage: Footage):
    if not permissions.can_approve(request.user, footage):
        return _error(403, _("Seul l'expert relecteur de cette vidéo peut approuver ses étapes."))
    version = validate_version(_body(request).get("version"))
    with transaction.atomic():
        locked = _locked(footage, version)
        _require_editable(locked, request.user)
        if not locked.steps.exists():
            raise ReviewValidationError([FieldError(_("Il n'y a aucune étape à approuver."))])
        validate_titles_for_approval(list(locked.steps.order_by("start").values_list("title", flat=True)))
        locked.steps.update(approved=True)
        locked.status = Footage.Status.APPROVED
        locked.review_comment = ""
        locked.resubmitted_at, locked.resubmit_note = None, ""
        # What learners see from now on, until the next approval (a reopened review keeps it).
        before = locked.approved_snapshot
        locked.approved_snapshot = build_snapshot(locked)
        locked.save(update_fields=["status", "review_comment", "resubmitted_at", "resubmit_note",
                                   "approved_snapshot", "updated_at"])
        # The designer's pending proposals built from the old steps are drafted again (authoring).
        steps_approved.send(sender=Footage, footage=locked, before=before, after=locked.approved_snapshot)
        _bump(locked)
        new_pages_generation()  # cached capsule pages show the new approved steps (now and at commit)
        transaction.on_commit(new_pages_generation)
    return JsonResponse(review_state(locked, request.user))


@require_http_methods(["POST"])
@review_endpoint
def send_back(request, footage: Footage):
    if not permissions.can_approve(request.user, footage):
        return _error(403, _("Seul l'expert relecteur de cette vidéo peut la renvoyer."))
    data = _body(request)
    version = validate_version(data.get("version"))
    text = validate_text(data.get("comment"), label="comment")
    with transaction.atomic():
        locked = _locked(footage, version)
        _require_editable(locked, request.user)
        ReviewComment.objects.create(footage=locked, author=request.user, text=text)
        locked.status = Footage.Status.CHANGES_REQUESTED
        locked.review_comment = text
        locked.resubmitted_at, locked.resubmit_note = None, ""
        locked.save(update_fields=["status", "review_comment", "resubmitted_at", "resubmit_note", "updated_at"])
        _bump(locked)
    return JsonResponse(review_state(locked, request.user))


@require_http_methods(["POST"])
@review_endpoint
def resubmit(request, footage: Footage):
    """A designer sends steps the expert sent back to them to the expert again, who is told by e-mail;
    with an optional note (walk 28b), kept as a review comment, sent in the e-mail and shown to the expert."""
    if not permissions.can_author(request.user):
        return _error(403, _("Seul un concepteur peut renvoyer les étapes à l'expert."))
    data = _body(request)
    version = validate_version(data.get("version"))
    note = data.get("note")
    note = validate_text(note, label="note") if isinstance(note, str) and note.strip() else ""
    with transaction.atomic():
        locked = _locked(footage, version)
        if locked.status != Footage.Status.CHANGES_REQUESTED:
            raise Conflict("not_sent_back", _("Ces étapes ne sont pas renvoyées au concepteur."))
        if note:
            ReviewComment.objects.create(footage=locked, author=request.user, text=note)
        locked.status = Footage.Status.IN_REVIEW
        locked.resubmitted_at, locked.resubmit_note = timezone.now(), note
        locked.save(update_fields=["status", "resubmitted_at", "resubmit_note", "updated_at"])
        _bump(locked)
        if locked.expert_id:
            from capsules.experts import notify_footage

            footage_id = locked.pk
            transaction.on_commit(lambda: notify_footage(footage_id))
    return JsonResponse(review_state(locked, request.user))


@require_http_methods(["POST"])
@review_endpoint
def reopen(request, footage: Footage):
    """A designer reopens an approved review (for example after re-filming a step)."""
    if not permissions.can_author(request.user):
        return _error(403, _("Seul un concepteur peut rouvrir une relecture approuvée."))
    version = validate_version(_body(request).get("version"))
    with transaction.atomic():
        locked = _locked(footage, version)
        if locked.status != Footage.Status.APPROVED:
            raise Conflict("not_approved", _("Cette relecture n'est pas approuvée."))
        # Learners keep the approved version (``Footage.approved_snapshot``) until the next approval; with
        # published capsules on these steps the designer still confirms, knowing which capsules will show
        # the changes once approved (a walk reopened with one click, not knowing the pages depended on it).
        if live_capsule_titles(locked) and _body(request).get("confirm_live") is not True:
            raise Conflict("live_capsules", _("Des capsules publiées utilisent ces étapes : confirmez la réouverture."))
        locked.steps.update(approved=False)
        locked.status = Footage.Status.IN_REVIEW
        locked.resubmitted_at, locked.resubmit_note = None, ""
        locked.save(update_fields=["status", "resubmitted_at", "resubmit_note", "updated_at"])
        _bump(locked)
    return JsonResponse(review_state(locked, request.user))


@require_http_methods(["GET"])
@review_endpoint
def truth(request, footage: Footage):
    """The approved steps as a truth JSON file (download), for designers and administrators who may see this
    footage (``truth_export.may_export``): the assigned expert gets 403."""
    if not may_export(request.user):
        return _error(403, _("L'export des étapes validées est réservé aux concepteurs et aux administrateurs."))
    try:
        body = truth_for(footage).to_json()
    except NotApproved as exc:
        raise Conflict("not_approved", str(exc))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename_for(footage)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
