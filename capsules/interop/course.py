"""What a course package holds: a skills block (or one capsule) as a course of launchable units.

cmi5 and SCORM packages are two spellings of the same ``PackageCourse``; building it once keeps
them in step. Only capsules learners may reach (live page, live ancestors) become units: a package
must never point an LMS at a draft. Launch URLs are absolute and go back to Geste: the packages
carry no video, the capsule page stays the one place a learner watches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from capsules.learning.views import live_capsule_pages
from capsules.models import Capsule, SkillsBlock

# Stable IRIs for cmi5 course/block ids when no page exists: never guessed from a changing title.
IRI_ROOT = "xapi/geste"


class EmptyPackage(ValueError):
    """Nothing publishable to package (French message for the designer)."""


@dataclass(frozen=True)
class PackageUnit:
    """One capsule as an assignable unit: cmi5 AU, SCORM SCO."""

    capsule_pk: int
    identifier: str  # IRI, stable across exports
    title: str
    description: str
    launch_url: str  # the capsule page on Geste
    relay_url: str  # the Geste page the SCORM launcher embeds (reports progress by postMessage)
    cmi5_url: str = ""  # the cmi5 AU launch URL (capsules/interop/cmi5_views.py)


@dataclass(frozen=True)
class PackageCourse:
    identifier: str
    code: str
    title: str
    description: str
    units: tuple[PackageUnit, ...]


def site_root(request=None) -> str:
    """The public root URL: the request's Wagtail site, else the default site, else the admin base URL."""
    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def _unit(capsule: Capsule, root: str) -> PackageUnit:
    page = capsule.page
    parts = page.get_url_parts()
    url = f"{root}{parts[2] if parts else page.url_path}"
    relay = f"{root}{reverse('interop-scorm-relay', args=[capsule.pk])}"
    description = _plain(page.search_description) or _text_of_html(getattr(page, "intro", "")) or capsule.title
    cmi5_url = f"{root}{reverse('interop-cmi5-launch', args=[capsule.pk])}"
    return PackageUnit(capsule.pk, f"{root}/{IRI_ROOT}/capsules/{capsule.pk}", capsule.title,
                       description, url, relay, cmi5_url)


def _plain(text) -> str:
    """Plain text as typed (a TextField), on one line: kept as is, ``<`` and ``&`` included. The XML
    serializer escapes it, once."""
    return " ".join(str(text or "").split())[:1000]


def _text_of_html(html) -> str:
    """The text a rich-text field (stored HTML) reads as: tags stripped *and* entities decoded, so
    « d&#x27;un » becomes « d'un » before the XML serializer escapes it (walk 29: escaped twice)."""
    from html import unescape

    from django.utils.html import strip_tags

    return _plain(unescape(strip_tags(str(html or ""))))


def _live(capsules) -> list[Capsule]:
    return list(capsules.filter(page__in=live_capsule_pages()).select_related("page", "skills_block")
                .order_by("order", "pk"))


def skills_block_course(block: SkillsBlock, root: str | None = None) -> PackageCourse:
    """Every live capsule of the block, in the block's order."""
    root = (root or site_root()).rstrip("/")
    capsules = _live(Capsule.objects.filter(skills_block=block))
    if not capsules:
        raise EmptyPackage(f"Le bloc {block.code} n'a aucune capsule publiée : rien à exporter.")
    title = f"{block.code} — {block.title}".strip(" —")
    description = _plain(block.description) or f"{block.certification.title} : {block.title}"
    return PackageCourse(f"{root}/{IRI_ROOT}/blocs/{block.code or block.pk}", block.code or str(block.pk), title,
                         description, tuple(_unit(c, root) for c in capsules))


def capsule_course(capsule: Capsule, root: str | None = None) -> PackageCourse:
    """A single live capsule as a one-unit course."""
    root = (root or site_root()).rstrip("/")
    capsules = _live(Capsule.objects.filter(pk=capsule.pk))
    if not capsules:
        raise EmptyPackage(f"La capsule « {capsule.title} » n'est pas publiée : rien à exporter.")
    unit = _unit(capsules[0], root)
    return PackageCourse(f"{unit.identifier}/cours", f"capsule-{capsule.pk}", unit.title, unit.description,
                         (unit,))
