"""Who may frame Geste after an LTI launch: the launching platform's origins, and nobody else.

LMSs show tools in an iframe. At launch the session remembers the origins of the registration the
id_token was verified against (its issuer and its authorisation URL, e.g. ``https://moodle.univ.fr``);
``cms.csp`` then answers every public page of that session with ``frame-ancestors 'self' <origins>``
instead of ``'self'`` (and no X-Frame-Options). A visitor without an LTI session is never framable.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from capsules.interop.scorm_relay import safe_origin

SESSION_KEY = "geste_lti_frame_ancestors"


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, or None."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    return safe_origin(f"{parts.scheme}://{parts.netloc}") if parts.scheme and parts.netloc else None


def registration_origins(registration) -> list[str]:
    origins = []
    for url in (registration.issuer, registration.auth_url):
        origin = origin_of(url)
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def remember(session, registration) -> None:
    session[SESSION_KEY] = registration_origins(registration)


def frame_ancestors(request) -> list[str]:
    """The origins allowed to frame this request's pages (empty without an LTI launch)."""
    from django.conf import settings

    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []  # no session to read (and no database hit for anonymous visitors)
    origins = session.get(SESSION_KEY) or []
    return [o for o in origins if isinstance(o, str) and safe_origin(o) == o]
