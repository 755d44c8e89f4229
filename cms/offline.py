"""What the service worker (frontend/src/sw/sw.js) needs to keep learner pages for offline use.

- ``OfflinePagesMiddleware`` tells it, on every HTML answer, whose page this is (``X-Geste-Scope``: a
  keyed hash of the signed-in account, ``invite`` otherwise) and whether the page may be kept on the
  device (``X-Geste-Offline: 1``: a live catalogue, certification, skills block or capsule page). The
  worker keeps such pages in one cache for one scope: when the scope changes (sign-out, another
  account signs in, the session expires), that cache is emptied before anything is kept again, so a
  page of one account is never shown offline to the next person on the device.
- ``offline_page`` (``/hors-ligne/``) is the page shown for a page not kept: the site's header and
  breadcrumb, the capsules downloaded on this device (read by cms/static/cms/offline.js from the
  caches), « Réessayer » once the connection is back. It is rendered as for a visitor, with nothing
  of the account in it: the worker keeps one copy for every account. One copy per language: the
  worker fetches it without cookies, so the language is asked for in the URL (``/hors-ligne/?lang=en``);
  ``X-Geste-Lang`` on every HTML answer tells the worker the language the learner reads, and it shows,
  offline, the copy of the language of the last page seen online (frontend/src/sw/sw.js).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_GET

SCOPE_HEADER = "X-Geste-Scope"
OFFLINE_HEADER = "X-Geste-Offline"
LANGUAGE_HEADER = "X-Geste-Lang"


def offline_scope(request) -> str:
    user = getattr(request, "user", None)  # absent on a page-cache hit: anonymous, no session cookie
    if user is not None and user.is_authenticated:
        return "u-" + salted_hmac("geste.offline.scope", str(user.pk)).hexdigest()[:20]
    return "invite"


def _keepable(request, response) -> bool:
    if response.status_code != 200 or "no-store" in response.get("Cache-Control", ""):
        return False
    if response.get("X-Geste-Cache") == "hit":  # the page cache only stores the four learner page types
        return True
    page = getattr(request, "_geste_cached_page", None)
    if page is None:
        return False
    from cms.models import CapsulePage, CertificationPage, HomePage, SkillsBlockPage

    return isinstance(page, (HomePage, CertificationPage, SkillsBlockPage, CapsulePage)) and page.live


class OfflinePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "GET" and response.get("Content-Type", "").startswith("text/html"):
            response[SCOPE_HEADER] = offline_scope(request)
            # Content-Language is LocaleMiddleware's (inside this one); a page-cache hit has not been through it
            response[LANGUAGE_HEADER] = (response.get("Content-Language")
                                         or translation.get_language_from_request(request)).split("-")[0]
            if _keepable(request, response):
                response[OFFLINE_HEADER] = "1"
        return response


@require_GET
def offline_page(request):
    request.user = AnonymousUser()  # one copy for every account of the device: nothing of this one
    language = request.GET.get("lang", "")
    if language in dict(settings.LANGUAGES):  # the worker's fetch carries no language cookie
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return render(request, "cms/offline.html")
