"""The site's public URLs used inside credentials, and the issuer profile (Wagtail settings).

Credentials carry absolute URLs (issuer, achievement, status list, the credential itself), so
they are built from ``WAGTAILADMIN_BASE_URL``, the site's public address, never from a request.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from capsules.models import IssuerProfile


def public_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def issuer_id() -> str:
    """The issuer's id is the URL of its controller document (Profile + Multikey keys)."""
    return public_url(reverse("recognition-issuer"))


def issuer_profile() -> IssuerProfile:
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return IssuerProfile.for_site(site)


def issuer_profile_json() -> dict:
    profile = issuer_profile()
    data = {"id": issuer_id(), "type": ["Profile"], "name": profile.name}
    if profile.url:
        data["url"] = profile.url
    if profile.email:
        data["email"] = profile.email
    if profile.description:
        data["description"] = profile.description
    return data
