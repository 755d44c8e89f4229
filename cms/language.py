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
    Placed after LocaleMiddleware; Wagtail's ``require_admin_access`` then applies the preference inside
    each admin view.

    The preference is also applied before the view (``process_view``, once the user is known): what is
    rendered outside the view's own language switch, such as Wagtail's admin 404 page (its
    ``display_custom_404`` catches Http404 outside ``require_admin_access``: a missing session, capsule or
    footage showed « Erreur 404 » to an English admin user), speaks the user's language too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = reverse("wagtailadmin_home")

    def __call__(self, request):
        if request.path.startswith(self.prefix):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(self.prefix):
            return None
        language = admin_language(getattr(request, "user", None))
        if language and language != settings.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None


def admin_language(user) -> str | None:
    """The language an admin user chose in their account (as Wagtail's ``require_admin_access`` reads it);
    None for anyone else or without a choice."""
    if user is None or not user.is_authenticated or not user.has_perm("wagtailadmin.access_admin"):
        return None
    profile = getattr(user, "wagtail_userprofile", None)  # no profile row: no choice made
    language = profile.preferred_language if profile is not None else ""
    return language if language in dict(settings.LANGUAGES) else None
