"""Domain models, named as in DESIGN.md.

Business rules live in ``capsules/actions`` and ``capsules/workflow.py``; models hold
data and small derived properties only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.formats import get_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from media_pipeline.timecode import clock_tenths


def _local_tenths(seconds: float) -> str:
    """m:ss,d in French, m:ss.d in English (the templates' ``|clock_tenths``)."""
    return clock_tenths(seconds).replace(",", get_format("DECIMAL_SEPARATOR"))


class Certification(models.Model):
    """A professional title registered in the RNCP."""

    title = models.CharField(_("intitulé"), max_length=255)
    rncp_code = models.CharField(
        _("code RNCP"), max_length=20, unique=True,
        validators=[RegexValidator(r"^RNCP\d{3,6}$", _("Format attendu : RNCP suivi de chiffres, ex. RNCP37274."))],
    )
    vocabulary = models.TextField(
        _("vocabulaire du métier"), blank=True,
        help_text=_("Termes techniques séparés par des virgules, pour aider la transcription "
                    "(ex. clé dynamométrique, newton-mètre)."),
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.rncp_code})"

    @property
    def vocabulary_terms(self) -> list[str]:
        return [t.strip() for t in self.vocabulary.split(",") if t.strip()]


class SkillsBlock(models.Model):
    """A bloc de compétences: the unit a learner completes."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="skills_blocks",
                                      verbose_name=_("certification"))
    code = models.CharField(
        _("code"), max_length=32, unique=True,
        validators=[RegexValidator(r"^RNCP\d{3,6}BC\d{2}$", _("Format attendu : ex. RNCP37274BC01."))],
    )
    title = models.CharField(_("intitulé"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("bloc de compétences")
        verbose_name_plural = _("blocs de compétences")
        ordering = ["certification", "order", "code"]

    def __str__(self):
        return f"{self.code} — {self.title}"


# Under this many images a second, the steps' proposed boundaries are less precise (``Footage.low_frame_rate``).
LOW_FRAME_RATE = 10.0


class Footage(models.Model):
    """An uploaded source video (immutable original) and what the pipeline derived from it."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Téléversée")
        PROCESSING = "processing", _("En traitement")
        FAILED = "failed", _("Échec du traitement")
        IN_REVIEW = "in_review", _("En relecture par l'expert")
        CHANGES_REQUESTED = "changes_requested", _("Renvoyée avec commentaire")
        APPROVED = "approved", _("Étapes approuvées")

    title = models.CharField(_("titre"), max_length=255)
    skills_block = models.ForeignKey(SkillsBlock, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="footages", verbose_name=_("bloc de compétences"))
    original = models.FileField(_("vidéo originale"), max_length=500, blank=True)
    original_name = models.CharField(_("nom du fichier d'origine"), max_length=255, blank=True)
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True, blank=True)
    size_bytes = models.BigIntegerField(_("taille (octets)"), default=0)
    probe = models.JSONField(_("analyse technique"), default=dict, blank=True)
    flags = models.JSONField(_("signalements"), default=list, blank=True)
    duration = models.FloatField(_("durée (s)"), default=0)
    language = models.CharField(_("langue du commentaire"), max_length=8, default="fr",
                                help_text=_("Code de langue (fr, en…) ou « auto » pour la détection."))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="assigned_footages", verbose_name=_("expert relecteur"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="uploaded_footages", verbose_name=_("téléversée par"))
    status = models.CharField(_("statut"), max_length=24, choices=Status.choices, default=Status.UPLOADED)
    review_comment = models.TextField(_("commentaire de relecture"), blank=True)
    # Steps the expert sent back, sent to them again by a designer (« Renvoyer à l'expert »): when, and the
    # designer's note (also a review comment). Cleared when the expert decides again.
    resubmitted_at = models.DateTimeField(_("renvoyée à l'expert le"), null=True, blank=True)
    resubmit_note = models.TextField(_("note du concepteur à l'expert"), blank=True)
    motion_curve = models.JSONField(_("courbe de mouvement"), default=dict, blank=True)
    renditions = models.JSONField(_("rendus"), default=dict, blank=True,
                                  help_text=_("Clés de stockage des fichiers dérivés (HLS, MP4, vignettes…)."))
    review_version = models.PositiveIntegerField(default=1)
    # The steps and key points as the expert last approved them: what learners see, kept while a
    # reopened review changes the steps, replaced at the next approval (``capsules.learner_steps``).
    approved_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("vidéo source")
        verbose_name_plural = _("vidéos sources")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_status_display(self) -> str:
        """The status as people read it. Footage waiting for review with no expert assigned says
        « Expert à choisir »: nobody can review it yet (a walk saw « En relecture par l'expert » on footage
        uploaded with « À choisir plus tard », which no expert could see)."""
        if self.waiting_for_an_expert:
            return str(_("Expert à choisir"))
        return str(self._get_FIELD_display(self._meta.get_field("status")))

    @property
    def waiting_for_an_expert(self) -> bool:
        """Steps ready for review, but no expert is assigned to review them."""
        return self.status == self.Status.IN_REVIEW and self.expert_id is None

    @property
    def few_hands_at_work(self) -> bool:
        """The motion stage saw no hands working (``media_pipeline.handwork``): the footage does not look
        like hand work filmed from the head, and the proposed steps need a close look. ``False`` when
        unknown (analysed before the verdict existed, or without the palm detector)."""
        verdict = (self.motion_curve or {}).get("handwork") or {}
        return verdict.get("hands_seen_working") is False

    @property
    def no_hands_at_work(self) -> bool:
        """The motion stage is confident that no hands work in the footage (``HandworkVerdict.no_hands``):
        no step was proposed, and the expert is told why and how to add steps by hand."""
        verdict = (self.motion_curve or {}).get("handwork") or {}
        return verdict.get("no_hands") is True

    @property
    def low_frame_rate(self) -> float | None:
        """The footage's frame rate (the probe's, to a tenth) when under ``LOW_FRAME_RATE`` images a second,
        else None. Its repeated pictures are filled before the motion analysis (media_pipeline/repeated_frames.py),
        but a boundary can only fall on one of its few real pictures: the footage page and the review screen say
        the proposed boundaries are less precise (walk 30: footage at 4 and 2 i/s said nothing)."""
        fps = (self.probe or {}).get("fps") or 0
        return round(fps, 1) if 0 < fps < LOW_FRAME_RATE else None

    @property
    def latest_run(self) -> PipelineRun | None:
        return self.runs.order_by("-created_at").first()

    def machine_translated_captions(self) -> set[str]:
        """The caption languages whose text is Whisper's translation of the audio (the translate stage's
        track) that no person corrected: labelled « (traduction automatique) » wherever a track is offered
        (walk 30: « robinet » read "cabinet" under a plain « Anglais »). A language the audio is heard in
        (the transcribe task's) is a transcription, not a translation."""
        rows = list(self.transcripts.values_list("language", "task", "edited"))  # one query (the learner API's bound)
        heard = {language for language, task, _edited in rows if task == "transcribe"}
        return {language for language, task, edited in rows
                if task == "translate" and not edited and language not in heard}


class PipelineRun(models.Model):
    """One processing of a footage; its stages are StageRuns."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminé")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Annulé")

    footage = models.ForeignKey(Footage, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("traitement")
        verbose_name_plural = _("traitements")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.footage} #{self.pk}"


class StageRun(models.Model):
    """One stage of a PipelineRun, with progress, timings, errors and output keys."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        QUEUED = "queued", _("Dans la file")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminé")
        SKIPPED = "skipped", _("Sans objet")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Annulé")

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.FloatField(default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    attempts = models.PositiveIntegerField(default=0)
    executions = models.PositiveIntegerField(
        default=0, help_text="Times the stage's pipeline function actually ran (reuse does not count).")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True)
    task_id = models.CharField(max_length=255, blank=True)
    input_key = models.CharField(max_length=128, blank=True,
                                 help_text="Checksum of inputs and settings: same key, same outputs.")
    output_keys = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True)
    error_detail = models.TextField(blank=True)
    phase = models.CharField(
        max_length=200, blank=True,
        help_text="What the running stage is doing now, in French as the worker wrote it (shown translated).")

    class Meta:
        verbose_name = _("étape de traitement")
        verbose_name_plural = _("étapes de traitement")
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="unique_stage_per_run")]

    def __str__(self):
        return f"{self.run} · {self.name}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.SKIPPED}

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Transcript(models.Model):
    """Whisper output for a footage: segments with word times and probabilities."""

    footage = models.ForeignKey(Footage, on_delete=models.CASCADE, related_name="transcripts")
    task = models.CharField(max_length=16, default="transcribe")  # or "translate" (English track)
    language = models.CharField(max_length=8, blank=True)
    duration = models.FloatField(default=0)
    model = models.CharField(max_length=255, blank=True)
    segments = models.JSONField(default=list)
    # With a chosen language, what Whisper hears in the commentary and how sure it is (walk 34: English speech
    # transcribed as French gave French nonsense and nothing said so); the footage page warns on a mismatch.
    heard_language = models.CharField(max_length=8, blank=True)
    heard_probability = models.FloatField(null=True, blank=True)
    edited = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("transcription")
        verbose_name_plural = _("transcriptions")
        constraints = [models.UniqueConstraint(fields=["footage", "task"], name="unique_transcript_task")]

    def __str__(self):
        return f"{self.footage} ({self.language})"

    def as_dict(self) -> dict:
        return {"language": self.language, "duration": self.duration, "segments": self.segments}


class Step(models.Model):
    """A gesture segment of a footage."""

    footage = models.ForeignKey(Footage, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(default=0)
    start = models.FloatField(_("début (s)"))
    end = models.FloatField(_("fin (s)"))
    title = models.CharField(_("titre"), max_length=255, blank=True)
    keyframe = models.CharField(_("image clé"), max_length=500, blank=True, help_text="Storage key")
    keyframe_time = models.FloatField(null=True, blank=True)
    # Where the hands work on the keyframe, [x, y, w, h] in fractions of the picture (hotspot drafts).
    keyframe_region = models.JSONField(null=True, blank=True)
    # The segmentation's confidence in this step; none (null) for a step a person made (a split, a new
    # step in the review): it has no machine confidence to show.
    confidence = models.FloatField(null=True, blank=True, default=None)
    key_terms = models.JSONField(default=list, blank=True)
    approved = models.BooleanField(_("approuvée"), default=False)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["footage", "start"]
        # The experts' permission (``capsules.permissions.REVIEW_PERMISSION``) sits here, not on Footage:
        # Wagtail's « Historique du site » shows a model's log entries to anyone with a permission on it,
        # and every expert read every footage's history (audit 37). Which footage an expert may review is
        # decided per footage (``permissions.visible_footage``).
        permissions = [("review_footage", _("Peut relire les étapes d'une vidéo"))]

    def __str__(self):
        return self.title or f"{_local_tenths(self.start)} – {_local_tenths(self.end)}"


class KeyPoint(models.Model):
    """A point of vigilance (safety, quality) pinned to a time of the footage."""

    class Kind(models.TextChoices):
        SAFETY = "safety", _("Sécurité")
        QUALITY = "quality", _("Qualité")

    footage = models.ForeignKey(Footage, on_delete=models.CASCADE, related_name="key_points")
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="key_points")
    time = models.FloatField(_("instant (s)"))
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.SAFETY)
    text = models.TextField(_("texte"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("point de vigilance")
        verbose_name_plural = _("points de vigilance")
        ordering = ["footage", "time"]

    def __str__(self):
        return self.text[:60]


class ReviewComment(models.Model):
    """An expert's or designer's comment on a step or on the whole footage."""

    footage = models.ForeignKey(Footage, on_delete=models.CASCADE, related_name="review_comments")
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class Capsule(models.Model):
    """One micro-learning unit: a range of a footage, its steps, captions and interactions."""

    title = models.CharField(_("titre"), max_length=255)
    footage = models.ForeignKey(Footage, on_delete=models.PROTECT, related_name="capsules")
    skills_block = models.ForeignKey(SkillsBlock, on_delete=models.PROTECT, related_name="capsules",
                                     verbose_name=_("bloc de compétences"))
    start = models.FloatField(_("début (s)"), default=0)
    end = models.FloatField(_("fin (s)"), null=True, blank=True)
    summary = models.TextField(_("résumé"), blank=True)
    order = models.PositiveIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # « Modifiée après validation : à revoir par l'expert »: questions added, changed or deleted on the
    # published capsule (live for learners at once) since the expert last approved it; the expert's next
    # approval clears it (cms/notifications.py). Who changed last, when, and how many changes.
    revalidation_changes = models.PositiveIntegerField(_("modifications à revoir par l'expert"), default=0)
    revalidation_changed_at = models.DateTimeField(_("modifiée après validation le"), null=True, blank=True)
    revalidation_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                on_delete=models.SET_NULL, related_name="+",
                                                verbose_name=_("modifiée après validation par"))

    class Meta:
        verbose_name = _("capsule")
        verbose_name_plural = _("capsules")
        ordering = ["skills_block", "order", "pk"]

    def __str__(self):
        return self.title

    @property
    def effective_end(self) -> float:
        return self.end if self.end is not None else self.footage.duration

    @property
    def needs_revalidation(self) -> bool:
        return self.revalidation_changes > 0

    def mark_changed_after_validation(self, user) -> None:
        """One more change to the questions of the published capsule for the expert to check again."""
        from django.db.models import F
        from django.utils import timezone

        Capsule.objects.filter(pk=self.pk).update(revalidation_changes=F("revalidation_changes") + 1,
                                                  revalidation_changed_at=timezone.now(),
                                                  revalidation_changed_by=user if getattr(user, "pk", None) else None)
        self.refresh_from_db(fields=["revalidation_changes", "revalidation_changed_at", "revalidation_changed_by"])

    def clear_revalidation(self) -> None:
        """The expert approved the capsule again: nothing left to check."""
        Capsule.objects.filter(pk=self.pk).update(revalidation_changes=0, revalidation_changed_at=None,
                                                  revalidation_changed_by=None)
        self.revalidation_changes, self.revalidation_changed_at, self.revalidation_changed_by = 0, None, None

    def steps(self):
        return self.footage.steps.filter(start__gte=self.start - 0.01, end__lte=self.effective_end + 0.01)


# A question the designer attached to a step but timed at most this long after that step's end still
# belongs to it for the learner (its loop runs to it, the step list counts it there).
STEP_GRACE_AFTER_END_S = 2.0


class Interaction(models.Model):
    """Something that happens at a time of the capsule: a question or a pause-and-observe prompt.

    ``answer_key`` never leaves the server before the learner has answered.
    """

    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("Choix unique")
        MULTIPLE_CHOICE = "multiple_choice", _("Choix multiples")
        TRUE_FALSE = "true_false", _("Vrai / faux")
        ORDERING = "ordering", _("Remettre les étapes dans l'ordre")
        HOTSPOT = "hotspot", _("Zone à cliquer")
        CLOZE = "cloze", _("Texte à trous")
        FREE_RECALL = "free_recall", _("Rappel libre (auto-évalué)")
        OBSERVE = "observe", _("Pause pour observer")

    class Origin(models.TextChoices):
        DESIGNER = "designer", _("Concepteur")
        DRAFTED = "drafted", _("Proposée par Geste")

    class DraftStatus(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        ACCEPTED = "accepted", _("Acceptée")
        DISCARDED = "discarded", _("Écartée")

    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="interactions")
    time = models.FloatField(_("instant (s)"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    prompt = models.TextField(_("question ou consigne"))
    choices = models.JSONField(_("choix"), default=list, blank=True,
                               help_text="[{'id': 'a', 'text': '...', 'feedback': '...', 'image': key}]")
    answer_key = models.JSONField(_("réponse attendue"), default=dict, blank=True)
    image = models.CharField(max_length=500, blank=True, help_text="Storage key of the frame (hotspot)")
    feedback_correct = models.TextField(_("retour si juste"), blank=True)
    feedback_wrong = models.TextField(_("retour si faux"), blank=True)
    mandatory = models.BooleanField(_("obligatoire"), default=True)
    replay_step_on_wrong = models.BooleanField(_("rejouer l'étape en cas d'erreur"), default=False)
    # Single/multiple choice: the options come in a per-learner order (the right one is often written
    # first); off, the learner reads them in the authored order (« Toutes les réponses ci-dessus », a scale).
    shuffle_choices = models.BooleanField(_("Mélanger les choix"), default=True)
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.DESIGNER)
    draft_status = models.CharField(max_length=16, choices=DraftStatus.choices, default=DraftStatus.ACCEPTED)
    # The step as the question's author last saw it ({"id", "title", "start", "end"}, the approved version
    # when there is one), set when the designer saves or accepts the question: compared with the approved
    # steps, it flags questions whose step was renamed, moved, split or merged away since
    # (capsules.authoring.step_changes).
    step_seen = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["capsule", "time"]

    def __str__(self):
        # The admin's history, delete confirmations and choosers show it in the user's language.
        return gettext("%(kind)s à %(time)s") % {"kind": self.get_kind_display(), "time": _local_tenths(self.time)}


class Attempt(models.Model):
    """A learner's answer to an interaction, graded on the server."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="attempts")
    response = models.JSONField(default=dict)
    correct = models.BooleanField(null=True)
    score = models.FloatField(default=0)
    client_id = models.UUIDField(default=uuid.uuid4, help_text="Set by the browser so offline replays dedupe.")
    # Which pass through the capsule this answer belongs to: 1 the first, n+1 after « Refaire la capsule »
    # (the player sends it). A complete pass at or above the block's minimum makes the capsule « maîtrisée ».
    run = models.PositiveSmallIntegerField(default=1, help_text="Pass through the capsule (1 = the first).")
    answered_at = models.DateTimeField()
    # A wrong answer to a mandatory question that the learner chose to leave « à reprendre » (« Continuer »):
    # when they did (capsules.learning.views.went_on). The player, on any device, then lets playback past the
    # question and still lists it in its reminder. A new answer is a new attempt, so it starts afresh.
    went_on_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the learner went on (Continuer) after this wrong answer, leaving it to retake.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at"]
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="unique_attempt_client_id")]


class Progress(models.Model):
    """Where a learner is in a capsule: position, watched ranges, completion."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capsule_progress")
    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="progress_records")
    position = models.FloatField(default=0)
    watched = models.JSONField(default=list, help_text="Merged [start, end] ranges actually played.")
    watched_fraction = models.FloatField(default=0)
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The capsule's steps as the learner saw them when they completed it ([{title, start, end, keyframe}],
    # ``capsules.learner_steps``): the portfolio lists these, not the steps of a later approval. None: a
    # completion recorded before this field existed (the portfolio reads the capsule's current steps).
    completed_steps = models.JSONField(null=True, blank=True, default=None, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "capsule"], name="unique_progress")]


class LearnerEvent(models.Model):
    """An xAPI-shaped statement (initialized, played, paused, seeked, answered, completed)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_events")
    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=32)
    timestamp = models.DateTimeField()
    client_id = models.UUIDField(default=uuid.uuid4)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["timestamp"]
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="unique_event_client_id")]


# --- Recognition: Open Badges 3.0 per skills block (code in capsules/recognition/) ----------------


class Achievement(models.Model):
    """The badge of a skills block: what it says, and the rule that earns it."""

    skills_block = models.OneToOneField(SkillsBlock, on_delete=models.PROTECT, related_name="achievement",
                                        verbose_name=_("bloc de compétences"))
    name = models.CharField(_("nom du badge"), max_length=255)
    description = models.TextField(_("description"))
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("image"))
    criteria_narrative = models.TextField(
        _("critères d'obtention"), help_text=_("Ce que l'apprenant a démontré pour obtenir ce badge."))
    require_all_capsules = models.BooleanField(
        _("toutes les capsules du bloc terminées"), default=True)
    min_first_try_score = models.PositiveSmallIntegerField(
        _("score minimum au premier essai (%)"), default=0, validators=[MaxValueValidator(100)],
        help_text=_("Moyenne des scores obtenus au premier essai sur les questions du bloc. Le même minimum, "
                    "atteint sur une tentative complète d'une capsule (la première ou une suivante), la rend "
                    "« maîtrisée » dans le parcours de l'apprenant."))
    require_mandatory_correct = models.BooleanField(
        _("questions obligatoires réussies"), default=True,
        help_text=_("Chaque question obligatoire du bloc a reçu au moins une réponse juste."))
    auto_award = models.BooleanField(
        _("délivrance automatique"), default=True,
        help_text=_("Délivrer le badge dès que la règle est remplie (sinon, attribution manuelle seulement)."))

    class Meta:
        verbose_name = _("badge de bloc")
        verbose_name_plural = _("badges de blocs")
        ordering = ["skills_block"]
        permissions = [("award_badge", _("Peut attribuer et révoquer un badge"))]

    def __str__(self):
        return f"{self.name} ({self.skills_block.code})"


class IssuerKey(models.Model):
    """An Ed25519 signing key of the organisation; retired keys stay published for verification."""

    public_key_multibase = models.CharField(max_length=64, unique=True)
    private_key_encrypted = models.TextField(help_text="Fernet token (key derived from SECRET_KEY).")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clé de signature")
        verbose_name_plural = _("clés de signature")
        ordering = ["-created_at"]

    def __str__(self):
        return self.public_key_multibase


class BadgeCredential(models.Model):
    """An issued OpenBadgeCredential (signed JSON-LD kept as issued), with its revocation state."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="credentials")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_credentials")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("attribué par"))
    evidence_narrative = models.TextField(_("preuve (commentaire, observation)"), blank=True)
    status_index = models.PositiveIntegerField(unique=True)
    document = models.JSONField()
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revocation_reason = models.TextField(_("motif de révocation"), blank=True)
    # The block's live capsules when the badge was issued: a capsule published since does not undo
    # the badge (an issued credential stays valid), but the pages say so. None: not recorded.
    block_capsule_ids = models.JSONField(_("capsules du bloc à la délivrance"), null=True, blank=True)

    class Meta:
        verbose_name = _("badge délivré")
        verbose_name_plural = _("badges délivrés")
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["achievement", "user"], condition=models.Q(revoked_at=None),
                                               name="one_live_badge_per_block")]

    def __str__(self):
        return f"{self.achievement} → {self.user}"

    def capsules_then_and_since(self, live_ids) -> tuple[int | None, list[int]]:
        """(how many capsules the block had when the badge was issued, the live capsules published in it
        since, in ``live_ids`` order); (None, []) when the issuance did not record the block's capsules."""
        if self.block_capsule_ids is None:
            return None, []
        then = set(self.block_capsule_ids)
        return len(then), [pk for pk in live_ids if pk not in then]


class PortfolioShare(models.Model):
    """A link a learner gives a trainer or employer to see their portfolio, until it expires or is revoked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_shares")
    token = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("pour qui"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class LearnerDid(models.Model):
    """The DID a learner gives to be named in their future badges instead of a hashed identity."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_did")
    did = models.CharField(_("identifiant décentralisé (DID)"), max_length=512)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.did


@register_setting(icon="openquote")
class IssuerProfile(BaseSiteSetting):
    """The organisation named as issuer in every badge (Wagtail settings, one per site)."""

    name = models.CharField(_("nom de l'organisme"), max_length=255, default="Organisme de formation Geste")
    url = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("courriel de contact"), blank=True)
    description = models.TextField(_("présentation"), blank=True)

    class Meta:
        verbose_name = _("émetteur des badges")


# --- Individual paths: placement, practice, cohorts (code in capsules/learning/, capsules/analytics/) --------


class PlacementQuestion(models.Model):
    """An interaction chosen for the placement test of its capsule's skills block.

    Geste drafts a selection (1–3 per capsule, gesture order and hotspot first); a designer
    accepts it or picks others. Only accepted ones are asked.
    """

    interaction = models.OneToOneField(Interaction, on_delete=models.CASCADE, related_name="placement",
                                       verbose_name=_("question"))
    accepted = models.BooleanField(_("retenue"), default=False)
    order = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("question de positionnement")
        verbose_name_plural = _("questions de positionnement")
        ordering = ["interaction__capsule__order", "interaction__capsule_id", "order", "interaction__time"]

    def __str__(self):
        return str(self.interaction)


class PlacementSession(models.Model):
    """One sitting of a learner's placement test for a skills block (one a week)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="placements")
    skills_block = models.ForeignKey(SkillsBlock, on_delete=models.CASCADE, related_name="placements")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Capsules whose every placement question was answered right ("acquis au positionnement").
    acquired_capsule_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("positionnement")
        verbose_name_plural = _("positionnements")
        ordering = ["-started_at"]


class PlacementAnswer(models.Model):
    """A graded answer given during placement (kept apart from Attempt: it is not training)."""

    session = models.ForeignKey(PlacementSession, on_delete=models.CASCADE, related_name="answers")
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="placement_answers")
    response = models.JSONField(default=dict)
    correct = models.BooleanField(default=False)
    score = models.FloatField(default=0)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "interaction"], name="one_placement_answer")]


class PracticeCard(models.Model):
    """A question of a completed capsule, scheduled for practice with FSRS (state as the library keeps it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_cards")
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="practice_cards")
    state = models.PositiveSmallIntegerField(default=1)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "interaction"], name="one_practice_card")]


class PracticeReview(models.Model):
    """One practice answer; ``client_id`` makes a replayed offline review count once."""

    card = models.ForeignKey(PracticeCard, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_reviews")
    rating = models.PositiveSmallIntegerField()
    correct = models.BooleanField()
    retrievability = models.FloatField(null=True, blank=True, help_text="Predicted recall just before answering.")
    elapsed_days = models.FloatField(null=True, blank=True, help_text="Days since the card's previous review.")
    reviewed_at = models.DateTimeField()
    client_id = models.UUIDField(default=uuid.uuid4)

    class Meta:
        ordering = ["reviewed_at"]
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="unique_practice_client_id")]


class Cohort(models.Model):
    """A training session (session de formation): learners following one skills block between two dates."""

    name = models.CharField(_("nom"), max_length=255)
    skills_block = models.ForeignKey(SkillsBlock, on_delete=models.PROTECT, related_name="cohorts",
                                     verbose_name=_("bloc de compétences"))
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="trained_cohorts", blank=True,
                                      verbose_name=_("formateurs"))
    learners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts", blank=True,
                                      verbose_name=_("apprenants"))

    class Meta:
        verbose_name = _("session de formation")
        verbose_name_plural = _("sessions de formation")
        ordering = ["-start_date", "name"]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="cohort_dates_in_order")]

    def __str__(self):
        return f"{self.name} ({self.skills_block.code})"


class LrsStatement(models.Model):
    """The outbox of statements for the LRS: one row per learner event, kept until the LRS accepts it.

    Rows are written before anything is sent, so an LRS that is down loses nothing: a row stays
    pending (with its next try time) until a POST succeeds. "skipped": the event has no xAPI form.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENT = "sent", _("Envoyée")
        REJECTED = "rejected", _("Refusée par le LRS")
        SKIPPED = "skipped", _("Sans équivalent xAPI")

    event = models.OneToOneField(LearnerEvent, on_delete=models.CASCADE, related_name="lrs_statement")
    statement_id = models.UUIDField(null=True, unique=True)
    statement = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="lrs_outbox_due")]


class LtiGradeLink(models.Model):
    """Where a learner's result goes back to: one LMS line item, for one LTI resource link.

    Written at each LTI launch that carries the Assignment and Grade Services claim; the capsule (or
    skills block) is what the link launched. The result is sent by ``capsules.interop.lti.tasks``
    when the learner completes, and sent again if it changes; the row keeps what was last sent.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("En attente d'achèvement")
        PENDING = "pending", _("À envoyer")
        SENT = "sent", _("Envoyée")
        FAILED = "failed", _("Refusée par la plateforme")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_grade_links")
    lti_user = models.ForeignKey("lti_tool.LtiUser", on_delete=models.CASCADE, related_name="geste_grade_links")
    context = models.ForeignKey("lti_tool.LtiContext", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="geste_grade_links")
    resource_link_id = models.CharField(max_length=255)
    capsule = models.ForeignKey(Capsule, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="lti_grade_links")
    skills_block = models.ForeignKey(SkillsBlock, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="lti_grade_links")
    lineitem_url = models.URLField(max_length=1000, blank=True)
    lineitems_url = models.URLField(max_length=1000, blank=True)
    scopes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    score_given = models.FloatField(null=True, blank=True)
    score_maximum = models.FloatField(default=100)
    activity_progress = models.CharField(max_length=16, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note vers la plateforme LTI")
        verbose_name_plural = _("notes vers les plateformes LTI")
        constraints = [
            models.UniqueConstraint(fields=["lti_user", "context", "resource_link_id"], name="lti_grade_link_unique"),
            models.CheckConstraint(condition=models.Q(capsule__isnull=False) | models.Q(skills_block__isnull=False),
                                   name="lti_grade_link_has_target"),
        ]


class LtiCourseCohort(models.Model):
    """The roster of an LMS course (LTI context) for one skills block, kept as a Geste cohort (NRPS)."""

    context = models.ForeignKey("lti_tool.LtiContext", on_delete=models.CASCADE, related_name="geste_cohorts")
    skills_block = models.ForeignKey(SkillsBlock, on_delete=models.CASCADE, related_name="lti_cohorts")
    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="lti_course")
    synced_at = models.DateTimeField(null=True, blank=True)
    members = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("cours LTI synchronisé")
        verbose_name_plural = _("cours LTI synchronisés")
        constraints = [models.UniqueConstraint(fields=["context", "skills_block"], name="lti_course_cohort_unique")]


class Cmi5Learner(models.Model):
    """The Geste account of one cmi5 actor: an LMS (its origin) + the actor's account homePage and name.

    Launches never match an account by anything else (no e-mail, no username typed by the LMS)."""

    lms_origin = models.CharField(max_length=300)
    home_page = models.CharField(max_length=500)
    name = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cmi5_identities")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lms_origin", "home_page", "name"], name="cmi5_learner_unique")]


class Cmi5LaunchUse(models.Model):
    """A cmi5 launch already used: the digest of its fetch URL, and of the token the LMS handed out for it.

    cmi5's fetch URL is one-time, but Geste does not rely on each LMS enforcing it: a launch URL whose fetch
    URL (or whose token) was seen before is refused before anyone is signed in (audit 38: a used launch link
    sent to a victim signed the victim into the sender's account wherever the LMS answered the fetch again)."""

    digest = models.CharField(max_length=80, unique=True)  # "fetch:<sha256>" or "token:<sha256>"
    # Indexed: rows past ``GESTE_CMI5_LAUNCH_MEMORY_DAYS`` are deleted (cmi5_launch.forget_old_uses).
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class Cmi5Session(models.Model):
    """One cmi5 launch of a capsule (an AU session): what the LMS gave and what was sent back.

    ``auth_token`` comes from the one-time fetch URL; it stays server-side (never in a page) and is
    cleared once the session's last statement ("terminated") has reached the LMS."""

    class LaunchMode(models.TextChoices):
        NORMAL = "Normal", "Normal"
        BROWSE = "Browse", "Browse"
        REVIEW = "Review", "Review"

    # the LMS's session id (contextTemplate's sessionid extension), a fresh UUID if it gave none
    session_id = models.CharField(max_length=255, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cmi5_sessions")
    capsule = models.ForeignKey(Capsule, on_delete=models.CASCADE, related_name="cmi5_sessions")
    registration = models.UUIDField()
    activity_id = models.CharField(max_length=2000)
    endpoint = models.CharField(max_length=2000)
    auth_token = models.TextField(blank=True)
    actor = models.JSONField()
    context_template = models.JSONField(default=dict)
    launch_mode = models.CharField(max_length=8, choices=LaunchMode.choices, default=LaunchMode.NORMAL)
    move_on = models.CharField(max_length=24, default="NotApplicable")
    mastery_score = models.FloatField(null=True, blank=True)
    return_url = models.CharField(max_length=2000, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    terminated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "capsule", "terminated_at"], name="cmi5_session_open")]


class Cmi5Statement(models.Model):
    """The outbox of one session's cmi5 "defined" statements, sent in order to the LMS's endpoint."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENT = "sent", _("Envoyée")
        REJECTED = "rejected", _("Refusée par le LMS")

    session = models.ForeignKey(Cmi5Session, on_delete=models.CASCADE, related_name="statements")
    verb = models.CharField(max_length=16)
    statement_id = models.UUIDField(unique=True)
    statement = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "verb"], name="cmi5_statement_once_per_session")]
