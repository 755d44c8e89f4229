"""Admin screens for designers: upload footage, follow its processing, re-run or cancel stages,
correct the transcript. Registered in capsules/wagtail_hooks.py."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from capsules import experts, storage
from capsules.learner_steps import display_title, is_default_title
from capsules.models import Footage, PipelineRun, SkillsBlock, StageRun, Transcript
from capsules.permissions import can_author, can_see
from capsules.pipeline import uploads
from capsules.pipeline.cleanup import purge_now_and_then
from capsules.pipeline.ingest import earlier_upload, ingest_file, sha256_file
from capsules.pipeline.messages import shown
from capsules.pipeline.workflow import FINISHED, STAGE_BY_NAME, STAGES, cancel_run, downstream, rerun_stage, start_run
from media_pipeline.errors import MediaError
from media_pipeline.timecode import typed_seconds


def _designer_required(request):
    if not can_author(request.user):
        raise PermissionDenied


def footage_for(request, pk: int) -> Footage:
    """The footage if this user may see it: designers see all, experts only theirs."""
    footage = get_object_or_404(Footage.objects.select_related("skills_block"), pk=pk)
    if can_see(request.user, footage):
        return footage
    raise Http404


def _stale_before():
    return timezone.now() - timezone.timedelta(seconds=settings.GESTE_STALE_HEARTBEAT_S)


def _stuck(stage: StageRun, stale_before) -> bool:
    """Running, but no worker has shown it alive lately (the worker died): waiting will not help."""
    return (stage.status == StageRun.Status.RUNNING
            and (stage.heartbeat_at is None or stage.heartbeat_at <= stale_before))


def retryable(stage: StageRun, stale_before=None) -> bool:
    """« Relancer » makes sense on a stage that failed, was cancelled or is stuck, and on a finished one
    (recomputed after a correction: the English captions after the transcript, the steps after checking
    the video). Not on a stage that only waits for its turn (walk: it was offered on "En attente"), nor
    on a stage with nothing to do ("Sans objet"), nor on one a live worker is computing."""
    if stage.status in {StageRun.Status.FAILED, StageRun.Status.CANCELLED, StageRun.Status.SUCCEEDED}:
        return True
    return _stuck(stage, stale_before or _stale_before())


def _busy(stages, stale_before) -> bool:
    """A worker is computing a stage of the run right now (a fresh heartbeat)."""
    return any(s.status == StageRun.Status.RUNNING and not _stuck(s, stale_before) for s in stages)


def _finishing(stage: StageRun) -> bool:
    """Running with its bar full (shown « 100 % »): the work is computed, its files are being stored
    (a walk read « En cours 100 % » beside the next stage starting). It reads « Finalisation », not
    « En cours », and stays running for every other rule (cancel, retry)."""
    return stage.status == StageRun.Status.RUNNING and stage.progress >= 99.5


def stage_rows(run: PipelineRun | None) -> list[dict]:
    if run is None:
        return []
    by_name = {s.name: s for s in run.stages.all()}
    stale_before = _stale_before()
    busy = run.status == PipelineRun.Status.RUNNING and _busy(by_name.values(), stale_before)
    rows = []
    for spec in STAGES:
        stage = by_name.get(spec.name)
        if stage is None:
            continue
        finishing = _finishing(stage)
        rows.append({
            "name": spec.name, "label": str(spec.label), "status": stage.status,
            "status_label": _("Finalisation") if finishing else stage.get_status_display(),
            "progress": 100 if finishing else round(stage.progress, 1),
            "attempts": stage.attempts, "duration": stage.duration_seconds,
            # A skipped stage's message is information ("no audio track"), not an error.
            # Stored in French as written; shown in the reader's language (capsules/pipeline/messages.py).
            "error": shown(stage.error_message) if stage.status != StageRun.Status.SKIPPED else "",
            # A running stage says what it is doing (« Chargement du modèle de transcription… »).
            "note": shown(stage.error_message) if stage.status == StageRun.Status.SKIPPED
            else _("Enregistrement des résultats…") if finishing
            else shown(stage.phase) if stage.status == StageRun.Status.RUNNING else "",
            "retryable": not busy and retryable(stage, stale_before),
        })
    return rows


def run_payload(footage: Footage) -> dict:
    run = footage.latest_run
    return {
        "footage": footage.pk, "status": footage.status, "status_label": footage.get_status_display(),
        "run": None if run is None else {"id": run.pk, "status": run.status, "status_label": run.get_status_display(),
                                         "error": shown(run.error_message), "cancellable": _cancellable(run)},
        "stages": stage_rows(run),
    }


def _cancellable(run: PipelineRun) -> bool:
    """« Annuler le traitement » only while something is left to do: not once the run is over (succeeded,
    failed, cancelled), nor in the moment every stage reads « Terminé » before the run is closed (a walk
    saw the red button beside eight stages at 100 %)."""
    return run.status == PipelineRun.Status.RUNNING and run.stages.exclude(status__in=FINISHED).exists()


def footage_status(request, pk: int):
    """JSON polled by the footage page and list to animate progress bars."""
    return JsonResponse(run_payload(footage_for(request, pk)))


def footage_capsules(user, footage: Footage) -> dict:
    """The capsules made from this footage and « Créer une capsule », as the footage page and the review
    screen show them (``capsules/admin/_footage_capsules.html``). The approved footage leads on to authoring
    (a walk: the designer had to go through « Capsules (conception) » to find « Créer une capsule »; walk 27:
    the review screen, where the steps were just approved, had no way forward). Designers only: an expert
    who may not create capsules sees neither. ``may_create_capsule`` is the permission alone, for the review
    screen, which shows the section once the steps are approved there without a reload; ``can_create_capsule``
    adds the approval that ``authoring.create_capsule`` requires."""
    may = can_author(user)
    return {
        "capsules": list(footage.capsules.order_by("start", "pk")) if may else [],
        "may_create_capsule": may,
        "can_create_capsule": may and footage.status == Footage.Status.APPROVED,
    }


def caption_label(lang: str, machine: bool, stale: bool) -> str:
    """A caption track's name on the footage page: « Anglais (traduction automatique, avant correction) »."""
    name = {"fr": pgettext("langue des sous-titres", "Français"),
            "en": pgettext("langue des sous-titres", "Anglais")}.get(lang, lang)
    notes = ([_("traduction automatique")] if machine else []) + ([_("avant correction")] if stale else [])
    return f"{name} ({', '.join(notes)})" if notes else name


# Whisper's guess must be this sure before the page says the commentary is in another language (the English
# washer take of walk 34, transcribed as French: 0.89).
HEARD_LANGUAGE_MIN = 0.7


def language_name(code: str) -> str:
    """« anglais » in French, "English" in English; the code itself for a language Django does not name."""
    try:
        name = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    return name.lower() if get_language().startswith("fr") else name


def heard_mismatch(transcript: Transcript | None, footage: Footage | None = None) -> dict | None:
    """The language Whisper heard, when it is not the one the commentary was transcribed in and Whisper is sure;
    nothing once the footage's language was changed to it (the transcription is being redone: walk 34b saw the
    warning and its button stay up, clickable, while it ran)."""
    if transcript is None or transcript.task != "transcribe" or not transcript.heard_language:
        return None
    if footage is not None and footage.language == transcript.heard_language:
        return None
    if transcript.heard_language == transcript.language or (transcript.heard_probability or 0) < HEARD_LANGUAGE_MIN:
        return None
    return {"code": transcript.heard_language, "heard": language_name(transcript.heard_language),
            "chosen": language_name(transcript.language), "percent": round(100 * transcript.heard_probability)}


def steps_as_shown(footage: Footage) -> list:
    """The footage's steps, each with ``shown_title``: a default the pipeline gave (« Étape 2 ») in the page's
    language (« Step 2 », as the review screen says it; walk 34), a typed title as typed, "" for none."""
    steps = list(footage.steps.all())
    for position, step in enumerate(steps, start=1):
        step.shown_title = display_title(step.title, position) if (step.title or "").strip() else ""
    return steps


def review_is_next(user, footage: Footage, can_manage: bool) -> bool:
    """Whether the review is this person's next thing to do here, so its link is the page's main button.

    Walk 45: the designer's page offered « Ouvrir la relecture des étapes » as its main button while the chosen
    expert had the steps; it stays there, plain, for the designer to look at them. The review is the next thing
    for the expert who has it, and for the designer when nobody else will do it (no expert chosen) or when the
    expert sent the steps back."""
    if footage.expert_id and footage.expert_id == user.pk and footage.status == Footage.Status.IN_REVIEW:
        return True
    if not can_manage:
        return False
    return footage.status == Footage.Status.CHANGES_REQUESTED or (
        footage.status == Footage.Status.IN_REVIEW and not footage.expert_id)


def comments_as_shown(footage: Footage) -> list:
    """The review's comments, each with the number and title of its step as the review names them (walk 46: an
    expert's « Montrer le geste de plus près » lived only inside the review; once the steps were approved the
    designer, who goes on to the capsule, never saw it)."""
    numbers = {step.pk: (position, step) for position, step in enumerate(footage.steps.all(), start=1)}
    out = []
    for comment in footage.review_comments.select_related("author", "step"):
        position, step = numbers.get(comment.step_id, (None, None))
        # Walk 47: « Étape 3 « Étape 3 » »: a step with no title of its own is named by its number alone.
        typed = step is not None and (step.title or "").strip() and not is_default_title(step.title, position)
        comment.step_label = display_title(step.title, position) if typed else ""
        comment.step_number = position
        author = comment.author
        comment.author_name = (author.get_full_name() or author.get_username()) if author else ""
        out.append(comment)
    return out


def footage_detail(request, pk: int):
    footage = footage_for(request, pk)
    r = footage.renditions or {}
    # French first (the default track); a header-only track is not offered.
    captions = sorted(storage.captions_with_cues(r.get("captions")).items(), key=lambda kv: kv[0] != "fr")
    machine, stale = footage.machine_translated_captions(), set(r.get("captions_stale") or [])
    can_manage = can_author(request.user)
    transcript = footage.transcripts.filter(task="transcribe").first()
    payload = run_payload(footage)
    running = payload["run"] is not None and payload["run"]["status"] == PipelineRun.Status.RUNNING
    context = {
        "footage": footage, "payload": payload, "stage_names": [s.name for s in STAGES],
        # Walk 48: on a phone the steps' review was offered at the top (« rien d'autre à faire ») while a stage ran
        # far below: the top says which one, and links to it (footage_detail.js keeps it live).
        "running_stage": next((row for row in payload["stages"] if row["status"] == StageRun.Status.RUNNING), None)
        if running else None,
        "can_manage": can_manage, "experts": expert_choices() if can_manage else [],
        "review_open": footage.status in (Footage.Status.IN_REVIEW, Footage.Status.CHANGES_REQUESTED,
                                          Footage.Status.APPROVED),
        "review_primary": review_is_next(request.user, footage, can_manage),
        "video_url": storage.url(r.get("mp4", "")), "poster_url": storage.url(r.get("poster", "")),
        "captions": [{"lang": lang, "url": storage.url(key),
                      "label": caption_label(lang, lang in machine, lang in stale)}
                     for lang, key in captions if key],
        "stale_captions": bool(r.get("captions_stale")),
        "steps": steps_as_shown(footage), "transcript": transcript, "comments": comments_as_shown(footage),
        "heard": heard_mismatch(transcript, footage) if can_manage else None,
        **footage_capsules(request.user, footage),
    }
    return render(request, "capsules/admin/footage_detail.html", context)


def rerun_consequences(footage: Footage, stage_names) -> list[str]:
    """What a rerun of these stages would undo of people's work, in French; empty when nothing.

    Redoing the steps (segmentation, or any stage it depends on) sends an approved footage back to
    the expert (a walk: one click on « Relancer » silently turned « Étapes approuvées » into « En
    relecture par l'expert »). The other stages keep people's work: an edited transcript or English
    captions are never overwritten (transcribe/translate ``apply``), the expert's steps are never
    replaced, and quiz proposals never touch the questions a designer accepted."""
    if footage.status != Footage.Status.APPROVED or "segment" not in stage_names:
        return []
    said = [_("L'approbation des étapes par l'expert sera retirée : il devra les relire à nouveau.")]
    said.append(_("Tant qu'il ne les a pas approuvées, aucune capsule ne peut être créée depuis cette vidéo."))
    said.append(_("Les titres et les limites des étapes fixés par l'expert sont conservés : il les retrouvera "
                  "tels quels pour les relire."))
    made = footage.capsules.count()
    if made:
        said.append(ngettext("La capsule déjà créée depuis cette vidéo reste inchangée.",
                             "Les %(count)d capsules déjà créées depuis cette vidéo restent inchangées.",
                             made) % {"count": made})
    return said


def _confirmed(request) -> bool:
    return request.POST.get("confirm") == "1"


def _confirm_page(request, footage: Footage, title: str, consequences: list[str], action: str, button: str,
                  extra: dict | None = None):
    """Wagtail-style confirmation page: the rerun is only done when posted again with confirm=1 (and ``extra``,
    the fields of the first post that must come back with it)."""
    return render(request, "capsules/admin/footage_rerun_confirm.html", {
        "footage": footage, "title": title, "consequences": consequences, "action": action, "button": button,
        "extra": extra or {}})


@require_POST
def footage_rerun(request, pk: int, stage: str):
    _designer_required(request)
    footage = footage_for(request, pk)
    if stage not in STAGE_BY_NAME:
        raise Http404
    run = footage.latest_run
    target = run.stages.filter(name=stage).first() if run is not None else None
    stale_before = _stale_before()
    # « Retranscrire en anglais » (the footage page, when Whisper hears another language): the commentary's
    # language changes with the rerun, never before it is done.
    language = request.POST.get("language", "") if stage == "transcribe" else ""
    extra = {"language": language} if language else {}
    if language and not (re.fullmatch(r"[a-z]{2,3}", language) and language in LANG_INFO):
        messages.error(request, _("Langue non prise en charge."))
    elif run is None or target is None:
        messages.error(request, _("Cette étape n'a pas encore été lancée : il n'y a rien à relancer."))
    elif run.status == PipelineRun.Status.RUNNING and _busy(run.stages.all(), stale_before):
        messages.error(request, _("Un traitement est en cours : annulez-le avant de relancer une étape."))
    elif not retryable(target, stale_before):
        messages.error(request, _("L'étape « %(stage)s » est « %(status)s » : elle n'a pas échoué et n'est pas "
                                  "bloquée, il n'y a rien à relancer.")
                       % {"stage": STAGE_BY_NAME[stage].label, "status": target.get_status_display()})
    elif (consequences := rerun_consequences(footage, downstream(stage))) and not _confirmed(request):
        label = STAGE_BY_NAME[stage].label
        return _confirm_page(request, footage, _("Relancer l'étape « %s » ?") % label, consequences,
                             reverse("geste_footage_rerun", args=[pk, stage]), _("Relancer « %s »") % label, extra)
    else:
        if language:
            Footage.objects.filter(pk=footage.pk).update(language=language)
        rerun_stage(run, stage)
        if language:
            messages.success(request, _("La transcription est relancée en %(language)s, et les étapes qui en "
                                        "dépendent avec elle.") % {"language": language_name(language)})
        else:
            messages.success(request, _("L'étape « %s » et les suivantes sont relancées.") % STAGE_BY_NAME[stage].label)
    return redirect("geste_footage_detail", pk=pk)


@require_POST
def footage_cancel(request, pk: int):
    _designer_required(request)
    footage = footage_for(request, pk)
    run = footage.latest_run
    if run and run.status == PipelineRun.Status.RUNNING:
        cancel_run(run)
        messages.success(request, _("Traitement annulé."))
    return redirect("geste_footage_detail", pk=pk)


@require_POST
def footage_restart(request, pk: int):
    _designer_required(request)
    footage = footage_for(request, pk)
    consequences = rerun_consequences(footage, STAGE_BY_NAME)
    if consequences and not _confirmed(request):
        return _confirm_page(request, footage, _("Relancer tout le traitement ?"), consequences,
                             reverse("geste_footage_restart", args=[pk]), _("Relancer le traitement"))
    start_run(footage)
    messages.success(request, _("Nouveau traitement lancé ; les étapes déjà calculées seront réutilisées."))
    return redirect("geste_footage_detail", pk=pk)


def _expert_from(value):
    """The user chosen as expert (None for none), refused unless an active member of Experts."""
    if value in (None, ""):
        return None
    try:
        user = get_user_model().objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        user = None
    if user is None:
        raise ValidationError(_("Expert inconnu."))
    experts.check_expert(user)
    return user


def expert_choices() -> list[dict]:
    return [{"id": u.pk, "label": experts.expert_label(u)} for u in experts.eligible_experts()]


def upload_page(request):
    _designer_required(request)
    blocks = SkillsBlock.objects.select_related("certification")
    return render(request, "capsules/admin/upload.html", {
        "blocks": blocks, "experts": expert_choices(), "chunk_size": uploads.CHUNK_SIZE,
        "max_bytes": settings.GESTE_MAX_UPLOAD_BYTES})


@require_POST
def footage_assign(request, pk: int):
    """The processing page's "Expert relecteur" form: only members of Experts can be chosen."""
    _designer_required(request)
    footage = footage_for(request, pk)
    try:
        expert = _expert_from(request.POST.get("expert"))
        changed = experts.assign_expert(footage, expert)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if changed and expert is not None:
            messages.success(request, _("%(name)s est l'expert relecteur de cette vidéo ; un e-mail le prévient.")
                             % {"name": experts.expert_label(expert)})
        elif changed:
            messages.success(request, _("Aucun expert n'est plus assigné à cette vidéo."))
    return redirect("geste_footage_detail", pk=pk)


@require_POST
def upload_create(request):
    _designer_required(request)
    try:
        body = json.loads(request.body)
        size = int(body["size"])
        filename = str(body["filename"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": _("Requête de téléversement invalide.")}, status=400)
    if size <= 0:
        return JsonResponse({"error": _("Le fichier est vide.")}, status=400)
    if size > settings.GESTE_MAX_UPLOAD_BYTES:
        return JsonResponse({"error": _("Fichier trop volumineux (%(size)s, maximum %(max)s).")
                             % {"size": uploads.format_size(size),
                                "max": uploads.format_size(settings.GESTE_MAX_UPLOAD_BYTES)}}, status=413)
    block_id = uploads.parse_block_id(body.get("skills_block"))
    if block_id is False:
        return JsonResponse({"error": _("Bloc de compétences invalide.")}, status=400)
    if block_id and not SkillsBlock.objects.filter(pk=block_id).exists():
        return JsonResponse({"error": _("Bloc de compétences inconnu.")}, status=400)
    language = str(body.get("language") or "fr")
    if not re.fullmatch(r"auto|[a-z]{2,3}", language):  # "auto" or a Whisper language code
        return JsonResponse({"error": _("Langue non prise en charge.")}, status=400)
    purge_now_and_then()  # uploads live on the web's disk: expire abandoned ones here
    try:
        expert = _expert_from(body.get("expert"))
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    state = uploads.create(request.user.pk, filename, size, block_id, str(body.get("title") or ""), language,
                           expert_id=expert.pk if expert else None)
    return JsonResponse({"id": state.id, "offset": 0, "chunk_size": uploads.CHUNK_SIZE,
                         "url": reverse("geste_upload_chunk", args=[state.id])}, status=201)


def _offset(value: str | None) -> int | None:
    """The Upload-Offset header as a byte count, or None when it is not a plain decimal number."""
    if value is None or not re.fullmatch(r"[0-9]{1,19}", value.strip()):
        return None
    return int(value)


@require_http_methods(["GET", "PATCH"])
def upload_chunk(request, upload_id: str):
    _designer_required(request)
    state = uploads.load(upload_id)
    if state is None or state.user_id != request.user.pk:
        raise Http404
    if request.method == "GET":
        return JsonResponse({"offset": state.offset, "size": state.size})
    data = request.body  # read first: an early error must not leave the chunk on a kept-alive connection
    offset = _offset(request.headers.get("Upload-Offset"))
    if offset is None:
        return JsonResponse({"error": _("En-tête Upload-Offset absent ou invalide : un nombre d'octets est attendu."),
                             "offset": state.offset}, status=400)
    try:
        checksum = uploads.parse_checksum(request.headers.get("Upload-Checksum"))
    except ValueError:
        return JsonResponse({"error": _("En-tête Upload-Checksum invalide : « sha256 <base64> » est attendu.")},
                            status=400)
    try:
        new_offset = uploads.append(state, offset, data, checksum)
    except uploads.ChecksumMismatch as exc:
        return JsonResponse({"error": _("Morceau altéré pendant l'envoi (somme de contrôle différente) : "
                                        "renvoyez-le."), "offset": exc.args[0]}, status=460)
    except uploads.UploadGone:
        raise Http404 from None
    except ValueError as exc:
        return JsonResponse({"error": _("Décalage inattendu."), "offset": exc.args[0]}, status=409)
    except OverflowError:
        return JsonResponse({"error": _("Plus d'octets que la taille annoncée.")}, status=400)
    return JsonResponse({"offset": new_offset, "size": state.size})


def _expected_sha256(request) -> str | None | bool:
    """The client's optional ``{"sha256": "<hex>"}`` for the whole file; False when malformed."""
    if not request.body or request.content_type != "application/json":
        return None
    try:
        value = json.loads(request.body).get("sha256")
    except (ValueError, AttributeError):
        return False
    if value is None:
        return None
    return value.lower() if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{64}", value) else False


@require_POST
def upload_complete(request, upload_id: str):
    _designer_required(request)
    state = uploads.load(upload_id)
    if state is None or state.user_id != request.user.pk:
        raise Http404
    try:
        with uploads.locked(state):  # no chunk lands while the file is checked and stored, no double ingest
            if state.offset != state.size:
                return JsonResponse({"error": _("Téléversement incomplet."), "offset": state.offset}, status=409)
            expected = _expected_sha256(request)
            if expected is False:
                return JsonResponse({"error": _("Somme de contrôle invalide : 64 chiffres hexadécimaux (SHA-256) "
                                                "sont attendus.")}, status=400)
            if expected and sha256_file(state.part_path) != expected:
                state.delete()
                return JsonResponse({"error": _("Le fichier reçu ne correspond pas au fichier envoyé (somme de "
                                                "contrôle différente) : recommencez le téléversement.")}, status=422)
            block = SkillsBlock.objects.filter(pk=state.skills_block_id).first()
            try:
                expert = _expert_from(state.expert_id)  # checked again: the expert may have left the group
            except ValidationError:
                expert = None
            try:
                footage = ingest_file(state.part_path, original_name=state.filename, skills_block=block,
                                      title=state.title, user=request.user, language=state.language,
                                      expert=expert)
            except MediaError as exc:
                state.delete()
                return JsonResponse({"error": shown(exc.message)}, status=422)
            state.delete()
    except uploads.UploadGone:
        raise Http404 from None
    if expert is not None:
        transaction.on_commit(lambda: experts.notify_footage(footage.pk))
    payload = {"footage": footage.pk, "url": reverse("geste_footage_detail", args=[footage.pk])}
    earlier = earlier_upload(footage)
    if earlier is not None:  # a warning, not a refusal: the new footage is kept and processed
        payload["duplicate_of"] = {"footage": earlier.pk, "title": earlier.title,
                                   "url": reverse("geste_footage_detail", args=[earlier.pk])}
        messages.warning(request, duplicate_warning(earlier))
    return JsonResponse(payload, status=201)


def duplicate_warning(earlier: Footage):
    """« Cette vidéo a déjà été téléversée le 7 mars (« titre ») », the title linking to that footage (escaped)."""
    return format_html(_("Cette vidéo a déjà été téléversée le {date} (« {link} »)."),
                       date=formats.date_format(timezone.localtime(earlier.created_at), "j F"),
                       link=format_html('<a href="{}">{}</a>', reverse("geste_footage_detail", args=[earlier.pk]),
                                        earlier.title))


def transcript_edit(request, pk: int):
    """Designers correct the transcript segment by segment; captions are rebuilt keeping the times."""
    _designer_required(request)
    footage = footage_for(request, pk)
    transcript = get_object_or_404(Transcript, footage=footage, task="transcribe")
    from capsules.pipeline import transcripts

    errors: list[str] = []
    rows = None
    if request.method == "POST":
        if any(k.startswith("text-") for k in request.POST):
            try:
                rows = _segment_rows(request.POST)
                changed = transcripts.save_segments(transcript, rows)
            except transcripts.TranscriptEditError as exc:
                errors = exc.messages
            except ValueError:
                errors = [_("Un temps n'est pas un nombre.")]
        else:  # text-only form (one field per segment)
            corrections = {int(k.split("-", 1)[1]): v for k, v in request.POST.items()
                           if k.startswith("segment-") and k.split("-", 1)[1].isdigit()}
            changed = transcripts.save_corrections(transcript, corrections)
        if not errors:
            footage.refresh_from_db()
            stale = footage.renditions.get("captions_stale") if changed else None
            text = ngettext("%(n)d segment corrigé ; sous-titres français régénérés.",
                            "%(n)d segments corrigés ; sous-titres français régénérés.", changed) % {"n": changed}
            if stale:
                text += " " + _("Les sous-titres anglais, traduits de l'audio, ne reprennent pas ces corrections.")
            messages.success(request, text)
            return redirect("geste_footage_detail", pk=pk)
    r = footage.renditions or {}
    segments = transcript.segments if rows is None else [
        {"start": row.start, "end": row.end, "text": row.text, "source": row.source} for row in rows]
    return render(request, "capsules/admin/transcript_edit.html", {
        "footage": footage, "transcript": transcript, "errors": errors,
        "segments": [{**seg, "source": seg.get("source", i)} for i, seg in enumerate(segments)],
        "video_url": storage.url(r.get("mp4", "") or (footage.original.name if footage.original else "")),
        "captions_url": storage.url((r.get("captions") or {}).get(transcript.language or "fr", "")),
    }, status=400 if errors else 200)


def _segment_rows(post) -> list:
    """The form's rows in screen order (split rows are inserted by the page's script)."""
    from capsules.pipeline.transcripts import SegmentRow

    rows = []
    for key in post:
        if not key.startswith("text-"):
            continue
        n = key.split("-", 1)[1]
        source = post.get(f"source-{n}", "")
        # Seconds or the page's own clock (« 0:19,5 »); « nan », « inf » and exponents raise ValueError (a NaN
        # passed every check of the rows, comparing false, session 40).
        rows.append(SegmentRow(start=typed_seconds(post.get(f"start-{n}", "")),
                               end=typed_seconds(post.get(f"end-{n}", "")),
                               text=post.get(key, ""), source=int(source) if source.isdigit() else None))
    return rows
