"""Public page tree: HomePage -> CertificationPage -> SkillsBlockPage -> CapsulePage.

Pages present domain objects from ``capsules``; the page tree gives Wagtail's
drafts, publishing, workflows and URLs. Learners only ever reach live pages.
"""

from dataclasses import dataclass

from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.models.workflows import AbstractGroupApprovalTask


class LiveBranchMixin:
    """Wagtail routes through unpublished parents to a live child; Geste does not: a capsule
    under an unpublished skills block (or certification) is not public either."""

    def route(self, request, path_components):
        if path_components and not self.live:
            raise Http404
        return super().route(request, path_components)


class HomePage(LiveBranchMixin, Page):
    """The catalogue of certifications."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.CertificationPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil (catalogue)")

    def get_context(self, request, *args, **kwargs):
        """The catalogue: live certifications, each with its live skills blocks and the learner's progress."""
        from capsules.learning.progress import blocks_progress

        context = super().get_context(request, *args, **kwargs)
        cert_pages = list(CertificationPage.objects.child_of(self).live().select_related("certification"))
        block_pages = list(
            SkillsBlockPage.objects.live().filter(depth=self.depth + 2, path__startswith=self.path)
            .select_related("skills_block").order_by("path")
        )
        progress = blocks_progress(request.user, [b.skills_block_id for b in block_pages])
        context["certifications"] = [
            (cert_page, [(b, progress[b.skills_block_id]) for b in block_pages if b.path.startswith(cert_page.path)])
            for cert_page in cert_pages
        ]
        # Walk 36: signed in as an expert, the home page said nothing of the footage waiting for their review (the
        # dashboard did): its count, and the one's title. Signed-in pages are never cached (cms/page_cache.py).
        if request.user.is_authenticated:
            from capsules import experts
            from capsules.learning.home_resume import resume_card

            waiting = experts.waiting_for_review(request.user)
            context["review_waiting"] = {"count": waiting.count(), "first": waiting.first()}
            # Walk 37: « Reprendre », the capsule this learner was watching and has not finished (live, one they
            # may see), where they stopped; a link to its page, where the player resumes.
            context["resume"] = resume_card(request, self)
        return context


class CertificationPage(LiveBranchMixin, Page):
    certification = models.OneToOneField("capsules.Certification", on_delete=models.PROTECT,
                                         related_name="page", verbose_name=_("certification"))
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("certification"), FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.SkillsBlockPage"]

    class Meta:
        verbose_name = _("page de certification")

    def get_context(self, request, *args, **kwargs):
        """The certification's live skills blocks with the learner's progress in each."""
        from capsules.learning.progress import blocks_progress

        context = super().get_context(request, *args, **kwargs)
        block_pages = list(SkillsBlockPage.objects.child_of(self).live().select_related("skills_block"))
        progress = blocks_progress(request.user, [b.skills_block_id for b in block_pages])
        context["blocks"] = [(b, progress[b.skills_block_id]) for b in block_pages]
        return context


class SkillsBlockPage(LiveBranchMixin, Page):
    skills_block = models.OneToOneField("capsules.SkillsBlock", on_delete=models.PROTECT,
                                        related_name="page", verbose_name=_("bloc de compétences"))
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("skills_block"), FieldPanel("intro")]
    parent_page_types = ["cms.CertificationPage"]
    subpage_types = ["cms.CapsulePage"]

    class Meta:
        verbose_name = _("page de bloc de compétences")

    def serve(self, request, *args, **kwargs):
        """``?fragment=progress``: the page again, never stored (geste/block.js reads its progress from it
        after Back from a capsule, and updates the page in place; walk 24c). Served through Wagtail's
        routing, so with the page's own view restrictions."""
        response = super().serve(request, *args, **kwargs)
        if request.GET.get("fragment") == "progress":
            from django.utils.cache import add_never_cache_headers

            add_never_cache_headers(response)
        return response

    def get_context(self, request, *args, **kwargs):
        """The block's live capsules in order, each with the learner's completion, when completed the
        mandatory questions of it the block's badge still needs right, and when started the share watched."""
        from capsules.learning.placement import learner_path, with_badge_to_follow
        from capsules.learning.practice import with_practice
        from capsules.learning.progress import skills_block_progress
        from capsules.models import Progress
        from capsules.recognition.portfolio import block_badge

        context = super().get_context(request, *args, **kwargs)
        pages = list(CapsulePage.objects.child_of(self).live().select_related("capsule")
                     .order_by("capsule__order", "capsule__pk"))
        done: dict[int, Progress] = {}
        if request.user.is_authenticated:
            rows = Progress.objects.filter(user=request.user, capsule__in=[pg.capsule for pg in pages])
            done = {p.capsule_id: p for p in rows}
        badge = block_badge(request.user, self.skills_block)
        outcome = badge.outcome if badge is not None else None

        def to_get_right(pg):
            """A completed capsule's mandatory questions the badge still needs right (completion only needs
            them answered): said under the capsule, with a way back to each."""
            p = done.get(pg.capsule_id)
            return outcome.to_get_right(pg.capsule_id) if outcome is not None and p and p.completed else []

        path = with_practice(learner_path(request.user, self.skills_block), request.user)
        # Capsules acquired at placement the badge still asks followed in full: the path names them (walk 26).
        not_completed = {r.capsule_id for r in outcome.capsules if r.completed_at is None} \
            if outcome is not None and any(r.code == "capsules" for r in outcome.reasons) else set()
        path = with_badge_to_follow(path, not_completed)
        # A started capsule's share watched (« Commencée — 40 % regardé »), as the path says it.
        watched = {i.capsule.pk: i.watched_percent for i in path.remaining}
        context["capsules"] = [(pg, done.get(pg.capsule_id), to_get_right(pg), watched.get(pg.capsule_id))
                               for pg in pages]
        context["block_progress"] = skills_block_progress(
            request.user, self.skills_block, badge_held=badge is not None and badge.credential is not None)
        context["learner_path"] = path
        context["block_badge"] = badge
        if request.user.is_authenticated:
            from capsules.learning.views import device_scope

            context["device_scope"] = device_scope(request.user)  # geste/block.js: this account's queue
        return context


@dataclass(frozen=True)
class PageStep:
    """A step as the capsule page lists it: the approved version (``capsules.learner_steps``)."""

    start: float
    end: float
    title: str
    key_points: tuple  # of ``LearnerKeyPoint``
    keyframe_url: str
    clock: str  # from the capsule's start, like the player's
    questions: int  # the questions it owns, as the player's loop counts them


class CapsulePage(Page):
    capsule = models.OneToOneField("capsules.Capsule", on_delete=models.PROTECT,
                                   related_name="page", verbose_name=_("capsule"))
    intro = RichTextField(_("présentation"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("capsule"), FieldPanel("intro")]
    parent_page_types = ["cms.SkillsBlockPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page de capsule")

    def block_page(self):
        """The live skills block page this capsule's page sits in (the end panel's way back), or None."""
        parent = self.get_parent() if self.path else None
        return parent if parent is not None and parent.live and parent.specific_class is SkillsBlockPage else None

    def get_context(self, request, *args, **kwargs):
        """Steps, key points, transcript and next capsule, rendered server-side; the player adds the rest.

        Interactions are NOT rendered here: the player fetches them (without answer keys) from the manifest.
        """
        from capsules import storage
        from capsules.learner_steps import display_title
        from capsules.learning.shared_content import capsule_steps, next_for_learner, owning_step, spoken_passages
        from capsules.learning.timecode import clock
        from capsules.models import Interaction, Progress, Transcript

        context = super().get_context(request, *args, **kwargs)
        capsule = self.capsule
        # The approved version of the steps (``capsules.learner_steps``); a preview shows them as saved now.
        approved, _ = capsule_steps(capsule, live_steps=getattr(request, "is_preview", False))
        ranges = [(step.start, step.end, step.pk) for step in approved]
        # Each question under the step it belongs to (one in a gap goes with the step before it), as
        # the player's loop counts it.
        owners = [owning_step(t, ranges, step_id) for t, step_id in capsule.interactions.filter(
            draft_status=Interaction.DraftStatus.ACCEPTED).values_list("time", "step_id")]
        steps = [
            PageStep(
                # A default « Étape N » in the page's language; a typed title as typed.
                start=step.start, end=step.end, title=display_title(step.title, n), key_points=step.key_points,
                keyframe_url=storage.url(step.keyframe),
                # One clock for the learner: times count from the capsule's start, like the player's.
                clock=clock(step.start - capsule.start),
                questions=sum(1 for o in owners if o and o[2] == step.pk),
            )
            for n, step in enumerate(approved, start=1)
        ]
        transcript = Transcript.objects.filter(footage=capsule.footage, task="transcribe").first()
        # One paragraph per sentence, each with its own time (not one per Whisper segment).
        segments = spoken_passages(transcript.segments if transcript else [], capsule.start, capsule.effective_end)
        rend = capsule.footage.renditions or {}
        if getattr(request, "is_preview", False):
            # Wagtail's preview (and the workflow's): the draft, for whoever may validate it.
            from capsules.learning.preview import answer_sheet, may_preview

            if may_preview(request.user, capsule):
                context.update({"preview": True, "manifest_url": reverse("preview-manifest", args=[capsule.pk]),
                                "answer_sheet": answer_sheet(capsule)})
        context.setdefault("manifest_url", reverse("learner-manifest", args=[capsule.pk]))
        context.update({
            "capsule": capsule, "steps": steps, "segments": segments,
            # Per learner for a signed-in one (whose pages are never cached: cms/page_cache.py), the plain next
            # one for a visitor.
            "next_capsule": next_for_learner(capsule, request.user),
            "block_page": self.block_page(),
            # A step whose picture is not made yet (approved, or split in a preview, before the worker made it)
            # keeps the list aligned.
            "steps_have_pictures": any(step.keyframe_url for step in steps),
            "poster_url": storage.url(rend.get("poster", "")),
            "progress": Progress.objects.filter(user=request.user, capsule=capsule).first()
            if request.user.is_authenticated else None,
        })
        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            from capsules.interop.cmi5_views import open_session

            context["cmi5_session"] = open_session(request, capsule)  # launched from an LMS through cmi5
        return context


class AssignedExpertApprovalTask(AbstractGroupApprovalTask):
    """Expert validation of a capsule: only the expert assigned to its footage may approve it.

    Belonging to the Experts group is not enough (an expert reviews only their own gestures);
    pages that are not capsules fall back to the group rule. Wagtail checks ``get_actions`` on the
    server before any approve/reject, so this is enforced, not just hidden.
    """

    def _capsule_page(self, obj):
        specific = getattr(obj, "specific", obj)
        return specific if isinstance(specific, CapsulePage) else None

    def _may_moderate(self, obj, user) -> bool:
        if user.is_superuser:
            return True
        if not self._user_in_groups(user):
            return False
        page = self._capsule_page(obj)
        return page is None or page.capsule.footage.expert_id == user.pk

    def user_can_access_editor(self, obj, user):
        """Never opens the page editor: an expert checks the capsule on « Vérifier » (cms/expert_check.py)
        and does not edit its fields; designers edit through their page permissions."""
        return user.is_superuser

    def locked_for_user(self, obj, user):
        return not self._may_moderate(obj, user)

    def get_actions(self, obj, user):
        return super().get_actions(obj, user) if self._may_moderate(obj, user) else []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser or not states.exists():
            return states
        others = CapsulePage.objects.exclude(capsule__footage__expert=user).values_list("pk", flat=True)
        return states.exclude(workflow_state__object_id__in=[str(pk) for pk in others])

    @classmethod
    def get_description(cls):
        return _("L'expert à qui la vidéo source est confiée valide la capsule")

    class Meta:
        verbose_name = _("validation par l'expert assigné")
        verbose_name_plural = _("validations par l'expert assigné")

