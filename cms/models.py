"""Public page tree: HomePage -> CertificationPage -> SkillsBlockPage -> CapsulePage.

Pages present domain objects from ``capsules``; the page tree gives Wagtail's
drafts, publishing, workflows and URLs. Learners only ever reach live pages.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The catalogue of certifications."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.CertificationPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil (catalogue)")


class CertificationPage(Page):
    certification = models.OneToOneField("capsules.Certification", on_delete=models.PROTECT,
                                         related_name="page", verbose_name=_("certification"))
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("certification"), FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.SkillsBlockPage"]

    class Meta:
        verbose_name = _("page de certification")


class SkillsBlockPage(Page):
    skills_block = models.OneToOneField("capsules.SkillsBlock", on_delete=models.PROTECT,
                                        related_name="page", verbose_name=_("bloc de compétences"))
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("skills_block"), FieldPanel("intro")]
    parent_page_types = ["cms.CertificationPage"]
    subpage_types = ["cms.CapsulePage"]

    class Meta:
        verbose_name = _("page de bloc de compétences")


class CapsulePage(Page):
    capsule = models.OneToOneField("capsules.Capsule", on_delete=models.PROTECT,
                                   related_name="page", verbose_name=_("capsule"))
    intro = RichTextField(_("présentation"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("capsule"), FieldPanel("intro")]
    parent_page_types = ["cms.SkillsBlockPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page de capsule")
