"""The public site's language switch: a plain link per language (``/langue/en/?next=…``) that sets
Django's language cookie and goes back.

Why links, not Django's ``set_language`` form: anonymous pages are served from the page cache without
a CSRF token, so a POST form would be refused; choosing a language changes nothing but a preference
cookie. ``next`` is checked like any redirect target (same host only)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


def switch_language(request, code: str):
    if code not in dict(settings.LANGUAGES):
        raise Http404("Langue inconnue.")
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.is_secure(), httponly=False)
    response["Cache-Control"] = "no-store"
    return response


class AdminLanguageMiddleware:
    """One language rule for the whole admin (Wagtail's and Geste's screens): the language the user
    chose in their account (Wagtail's ``preferred_language``), else French, whatever the browser's
    Accept-Language says.

    Why: LocaleMiddleware activates the browser's language; Wagtail, for a user without a preference,
    follows it (``UserProfile.get_preferred_language`` falls back on ``get_language()``), so an English
    browser got Wagtail's English next to Geste's French (a walk saw « Upload a video » under
    « Relecture des étapes »). The product is French-first: the admin no longer reads Accept-Language.
    Placed after LocaleMiddleware; Wagtail's ``require_admin_access`` then applies the preference."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = reverse("wagtailadmin_home")

    def __call__(self, request):
        if request.path.startswith(self.prefix):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
