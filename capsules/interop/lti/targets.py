"""What an LTI link launches: a capsule or a skills block, named by its target link URI.

The platform registers one redirect URI (the launch URL); each deep-linked resource carries its own
target link URI, ``/lti/cible/capsules/<id>/`` or ``/lti/cible/blocs/<id>/``, which the platform sends
back in the id_token. Only what learners may reach (live pages, live ancestors) is ever a target, and
the URI is parsed, never followed: its host is ignored, only our own path shapes are accepted.

The deep-linking catalogue and the deep-link answer offer only public contents: published, and with no
Wagtail view restriction (« Confidentialité »: password, signed-in users, groups) on the page or any
ancestor (audit 38: the catalogue listed restricted capsules' titles to any course teacher of any
platform, and placed them on request). ``placeable`` is the one rule for both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from capsules.learning.views import live_capsule_pages
from capsules.models import Capsule, SkillsBlock

TARGET_RE = re.compile(r"^/lti/cible/(capsules|blocs)/(\d{1,12})/$")
CUSTOM_KEY = "geste_cible"  # custom parameter "capsule:12" / "bloc:3" for links made by hand


@dataclass(frozen=True)
class Target:
    kind: str  # "capsule" or "block"
    pk: int

    @property
    def key(self) -> str:
        return f"{'capsule' if self.kind == 'capsule' else 'bloc'}:{self.pk}"


@dataclass(frozen=True)
class CatalogueEntry:
    target: Target
    title: str
    subtitle: str


@dataclass(frozen=True)
class CatalogueBlock:
    entry: CatalogueEntry
    capsules: tuple[CatalogueEntry, ...]


def parse_uri(uri: str | None) -> Target | None:
    if not uri or len(uri) > 2000:
        return None
    try:
        path = urlsplit(uri).path
    except ValueError:
        return None
    match = TARGET_RE.match(path)
    if not match:
        return None
    return Target("capsule" if match.group(1) == "capsules" else "block", int(match.group(2)))


def parse_key(value: str | None) -> Target | None:
    """``capsule:12`` or ``bloc:3`` (the deep-linking form, the custom parameter)."""
    match = re.fullmatch(r"(capsule|bloc):(\d{1,12})", (value or "").strip())
    if not match:
        return None
    return Target("capsule" if match.group(1) == "capsule" else "block", int(match.group(2)))


def target_path(target: Target) -> str:
    name = "lti-target-capsule" if target.kind == "capsule" else "lti-target-block"
    return reverse(name, args=[target.pk])


def _block_page_live(block: SkillsBlock) -> Page | None:
    page = getattr(block, "page", None)
    if page is None or not page.live:
        return None
    if Page.objects.ancestor_of(page).filter(live=False, depth__gt=1).exists():
        return None
    return page


def live_capsule(pk: int) -> Capsule | None:
    return (Capsule.objects.filter(pk=pk, page__in=live_capsule_pages()).select_related("page", "skills_block")
            .first())


def live_block(pk: int) -> SkillsBlock | None:
    block = SkillsBlock.objects.filter(pk=pk).select_related("page").first()
    return block if block is not None and _block_page_live(block) is not None else None


def page_url(target: Target, request=None) -> str | None:
    """The learner page of a target that learners may reach, else None."""
    if target.kind == "capsule":
        capsule = live_capsule(target.pk)
        return capsule.page.get_url(request) if capsule else None
    block = live_block(target.pk)
    return block.page.get_url(request) if block else None


def _restricted_paths() -> tuple[str, ...]:
    """The tree paths of pages that carry a view restriction: a page under one of them is restricted too."""
    return tuple(PageViewRestriction.objects.values_list("page__path", flat=True).distinct())


def _public(path: str, restricted: tuple[str, ...]) -> bool:
    return not any(path.startswith(p) for p in restricted)


def placeable(target: Target) -> bool:
    """Whether a deep link may place this target: learners may reach it and it is not restricted."""
    if target.kind == "capsule":
        capsule = live_capsule(target.pk)
        page = capsule.page if capsule else None
    else:
        block = live_block(target.pk)
        page = block.page if block else None
    return page is not None and _public(page.path, _restricted_paths())


def title_of(target: Target) -> str:
    if target.kind == "capsule":
        capsule = Capsule.objects.filter(pk=target.pk).first()
        return capsule.title if capsule else ""
    block = SkillsBlock.objects.filter(pk=target.pk).first()
    return f"{block.code} — {block.title}" if block else ""


def catalogue() -> list[CatalogueBlock]:
    """Published, unrestricted blocks with their published, unrestricted capsules, in their order."""
    restricted = _restricted_paths()
    capsules = list(Capsule.objects.filter(page__in=live_capsule_pages())
                    .select_related("page", "skills_block__certification")
                    .order_by("skills_block__certification__title", "skills_block__order", "skills_block__code",
                              "order", "pk"))
    blocks: dict[int, list[Capsule]] = {}
    for capsule in capsules:
        if _public(capsule.page.path, restricted):
            blocks.setdefault(capsule.skills_block_id, []).append(capsule)
    result = []
    for block_capsules in blocks.values():
        block = block_capsules[0].skills_block
        page = _block_page_live(block)
        if page is None or not _public(page.path, restricted):
            continue
        entry = CatalogueEntry(Target("block", block.pk), f"{block.code} — {block.title}", block.certification.title)
        result.append(CatalogueBlock(entry, tuple(
            CatalogueEntry(Target("capsule", c.pk), c.title, block.code) for c in block_capsules)))
    return result


def block_of(target: Target) -> SkillsBlock | None:
    if target.kind == "block":
        return SkillsBlock.objects.filter(pk=target.pk).first()
    capsule = Capsule.objects.select_related("skills_block").filter(pk=target.pk).first()
    return capsule.skills_block if capsule else None
