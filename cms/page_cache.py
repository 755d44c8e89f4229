"""Anonymous learner pages (catalogue, certification, skills block, capsule) served from Django's cache.

Why: hundreds of learners open the same capsule at once; rendering it costs a dozen queries and
Wagtail's routing, while the HTML only changes when an editor publishes. The HTML served to an
anonymous visitor holds no per-visitor state (no CSRF token, no progress, no name: the player gets
those from the manifest API), so one copy serves them all.

- Only GET/HEAD without a query string and without a session cookie are served from or stored in the
  cache; signed-in learners get their page rendered (it shows their progress).
- Only our four page types, live, without view restrictions, answering 200 without Set-Cookie are stored.
- Entries carry a generation number (``capsules.pages``), read with the entry in one round trip:
  every publish, unpublish, move, save or deletion of a page, and every change to the content a page
  renders (capsule, steps, key points, transcript, certification, skills block), moves to a new
  generation (again after the transaction commits), so an older entry is a miss and the next visitor
  gets the published revision. Entries also expire after ``GESTE_PAGE_CACHE_SECONDS`` (signed media
  URLs in the HTML must outlive the entry).
- The cache is ``CACHES["default"]``: Redis in production (``GESTE_CACHE_URL``), a file cache shared by
  the local processes otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.utils import translation

from capsules.pages import PAGES_GENERATION_KEY, new_pages_generation, pages_generation

GENERATION_KEY = PAGES_GENERATION_KEY
CACHE_HEADER = "X-Geste-Cache"
_STORED_HEADERS_SKIP = {"set-cookie", CACHE_HEADER.lower()}
generation = pages_generation
invalidate = new_pages_generation  # every cached page becomes a miss


def _timeout() -> int:
    return int(getattr(settings, "GESTE_PAGE_CACHE_SECONDS", 600))


def invalidate_on_commit(**_kwargs) -> None:
    """Signal receiver: new generation once the change is committed (and now, for the current readers)."""
    invalidate()
    transaction.on_commit(invalidate)


def page_key(request) -> str | None:
    """The cache key of an anonymous page request, or None when this request must not use the cache."""
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    path = request.path_info
    if not path.endswith("/") or any(path.startswith(p) for p in settings.GESTE_PAGE_CACHE_EXCLUDE):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    lang = translation.get_language_from_request(request)
    return f"geste:page:{lang}:{host}:{path}"


def _cacheable_page(page) -> bool:
    from cms.models import CapsulePage, CertificationPage, HomePage, SkillsBlockPage

    return (
        isinstance(page, (HomePage, CertificationPage, SkillsBlockPage, CapsulePage))
        and page.live
        and not page.get_view_restrictions().exists()
    )


def mark_page(page, request, *args, **kwargs) -> None:
    """``before_serve_page`` hook: remember which page this response renders."""
    request._geste_cached_page = page


class PageCacheMiddleware:
    """Serve anonymous page GETs from the cache before sessions, auth and Wagtail routing run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        found = cache.get_many([GENERATION_KEY, key])
        gen, hit = found.get(GENERATION_KEY), found.get(key)
        if gen is None:
            gen = generation()
        if hit is not None and hit[0] == gen:
            _gen, status, headers, body = hit
            response = HttpResponse(b"" if request.method == "HEAD" else body, status=status)
            for name, value in headers:
                response[name] = value
            if request.method == "HEAD":
                response["Content-Length"] = str(len(body))
            response[CACHE_HEADER] = "hit"
            return response
        response = self.get_response(request)
        page = getattr(request, "_geste_cached_page", None)
        if (
            page is not None
            and request.method == "GET"
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "no-store" not in response.get("Cache-Control", "")
            and _cacheable_page(page)
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(k, v) for k, v in response.items() if k.lower() not in _STORED_HEADERS_SKIP]
            # Stored under the generation read before rendering: a publish during the render makes it a miss.
            cache.set(key, (gen, response.status_code, headers, response.content), _timeout())
            response[CACHE_HEADER] = "miss"
        return response


def connect() -> None:
    """Mark served pages, and start a new generation on every change that can alter a learner page's HTML."""
    from django.db.models.signals import post_delete, post_save
    from wagtail import hooks
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from capsules.models import Capsule, Certification, KeyPoint, SkillsBlock, Step, Transcript

    hooks.register("before_serve_page", mark_page)
    page_published.connect(invalidate_on_commit, dispatch_uid="geste-page-cache-published")
    page_unpublished.connect(invalidate_on_commit, dispatch_uid="geste-page-cache-unpublished")
    post_page_move.connect(invalidate_on_commit, dispatch_uid="geste-page-cache-moved")
    # PageViewRestriction: the learner API and media read a capsule's restrictions under the generation
    # (capsules/learning/page_privacy.py).
    for model in (Capsule, Certification, SkillsBlock, Step, KeyPoint, Transcript, Site, PageViewRestriction):
        post_save.connect(invalidate_on_commit, sender=model, dispatch_uid=f"geste-page-cache-save-{model.__name__}")
        post_delete.connect(invalidate_on_commit, sender=model, dispatch_uid=f"geste-page-cache-del-{model.__name__}")

    def page_changed(sender, instance, **kwargs):
        if isinstance(instance, Page):
            invalidate_on_commit()

    post_save.connect(page_changed, dispatch_uid="geste-page-cache-page-saved", weak=False)
    post_delete.connect(page_changed, dispatch_uid="geste-page-cache-page-deleted", weak=False)
