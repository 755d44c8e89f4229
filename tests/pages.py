"""Build the Wagtail page tree for a capsule: home -> certification -> skills block -> capsule."""

from __future__ import annotations

from cms.models import CapsulePage, CertificationPage, HomePage, SkillsBlockPage


def home() -> HomePage:
    return HomePage.objects.get()


def certification_page(certification, publish=True) -> CertificationPage:
    existing = CertificationPage.objects.filter(certification=certification).first()
    if existing:
        return existing
    page = CertificationPage(title=certification.title, certification=certification, live=publish)
    home().add_child(instance=page)
    return page


def skills_block_page(block, publish=True) -> SkillsBlockPage:
    existing = SkillsBlockPage.objects.filter(skills_block=block).first()
    if existing:
        return existing
    page = SkillsBlockPage(title=block.title, skills_block=block, live=publish)
    certification_page(block.certification).add_child(instance=page)
    return page


def capsule_page(capsule, publish=True) -> CapsulePage:
    page = CapsulePage(title=capsule.title, capsule=capsule, live=publish)
    skills_block_page(capsule.skills_block).add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page
