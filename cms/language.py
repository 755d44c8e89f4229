"""The public site's language switch: a plain link per language (``/langue/en/?next=…``) that sets
Django's language cookie and goes back.

Why links, not Django's ``set_language`` form: anonymous pages are served from the page cache without
a CSRF token, so a POST form would be refused; choosing a language changes nothing but a preference
cookie. ``next`` is checked like any redirect target (same host only)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
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
