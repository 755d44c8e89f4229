"""The printable French PDF attestation of a portfolio (WeasyPrint).

Rendering fetches nothing over the network: the fetcher serves only keyframes from the media
storage (``geste-media:<key>``, shrunk to thumbnails) and files of the static finders
(``geste-static:<path>``); every other URL, ``http:``, ``file:`` and the like, is refused.
"""

from __future__ import annotations

import io
import mimetypes
import posixpath

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from PIL import Image
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from capsules.recognition.portfolio import Portfolio
from capsules.recognition.site import issuer_profile, public_url

MEDIA, STATIC = "geste-media:", "geste-static:"
THUMB_PX = 240
MAX_THUMBS = 120  # a longer portfolio lists the remaining gestures without pictures


def _clean_path(path: str) -> str:
    """A relative path with no way out of its root, or ValueError."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise ValueError("chemin refusé")
    normal = posixpath.normpath(path)
    if normal.startswith("..") or normal != path:
        raise ValueError("chemin refusé")
    return normal


def _thumbnail(raw: bytes) -> bytes:
    with Image.open(io.BytesIO(raw)) as picture:
        picture.thumbnail((THUMB_PX, THUMB_PX))
        out = io.BytesIO()
        picture.convert("RGB").save(out, format="JPEG", quality=70)
    return out.getvalue()


class LocalFetcher(URLFetcher):
    """Media storage and static files only; nothing from the network or the file system at large."""

    def fetch(self, url, headers=None):
        if url.startswith(MEDIA):
            with default_storage.open(_clean_path(url.removeprefix(MEDIA)), "rb") as fh:
                body = _thumbnail(fh.read())
            return URLFetcherResponse(url, body, {"Content-Type": "image/jpeg"})
        if url.startswith(STATIC):
            found = finders.find(_clean_path(url.removeprefix(STATIC)))
            if not found:
                raise ValueError(f"fichier statique introuvable : {url}")
            with open(found, "rb") as fh:
                body = fh.read()
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})
        raise ValueError(f"adresse refusée pendant le rendu du PDF : {url[:80]}")


def render_pdf(data: Portfolio) -> bytes:
    """The attestation of this portfolio as PDF bytes (tagged PDF, French)."""
    budget = MAX_THUMBS
    capsules = []
    for entry in data.capsules:
        gestures = []
        for gesture in entry.gestures:
            src = MEDIA + gesture.keyframe_key if gesture.keyframe_key and budget > 0 else ""
            budget -= bool(src)
            gestures.append({"title": gesture.title, "src": src})
        capsules.append({"entry": entry, "gestures": gestures})
    with translation.override("fr"):
        html = render_to_string("recognition/attestation.html", {
            "portfolio": data, "capsules": capsules, "issuer": issuer_profile(),
            "now": timezone.localtime(), "site_url": public_url("/"),
        })
    return HTML(string=html, url_fetcher=LocalFetcher()).write_pdf(pdf_tags=True)
