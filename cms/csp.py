"""Content-Security-Policy for every response (django-csp 4).

The public site, the player and Wagtail's previews get the strict policy of
``CONTENT_SECURITY_POLICY``: scripts and styles from our own origin only, so a script that slips
into a page (an unescaped title, a hostile rich text) does not run. The Wagtail admin still
carries inline scripts and styles of its own, so ``/admin/`` gets ``GESTE_CSP_ADMIN_DIRECTIVES``,
which allows inline code but keeps every other restriction (own origin, no plugins, no framing
by other sites). A page previewed or viewed as a draft from the admin renders the public
templates with the data being edited: it keeps the strict policy.

After an LTI launch (capsules/interop/lti/framing.py) the session's public pages may be framed by the
launching platform's origins, and only by them: ``frame-ancestors 'self' <origins>``, without
X-Frame-Options (which cannot name an origin). The admin is never framable.
JSON answers of ``/api/`` get ``default-src 'none'; frame-ancestors 'none'``, a constant string.
"""

from __future__ import annotations

import re

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

from capsules.interop.lti.framing import frame_ancestors

ADMIN_PREFIX = "/admin/"
API_PREFIX = "/api/"
# JSON is data, never a document a browser runs: the tightest policy, built once (the learner API's
# answers are its hottest responses and building the page policy cost 7 % of one).
API_JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Wagtail's draft view, previews (page and snippet editors) and revision views.
PREVIEW_RE = re.compile(r"^/admin/.*/(view_draft|preview|revisions/\d+/view)/$")


def uses_admin_policy(path: str) -> bool:
    return path.startswith(ADMIN_PREFIX) and not PREVIEW_RE.match(path)


class GesteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and uses_admin_policy(request.path_info):
            parts.config = settings.GESTE_CSP_ADMIN_DIRECTIVES
        return parts

    def process_response(self, request, response):
        if request.path_info.startswith(API_PREFIX) and response.get("Content-Type", "").startswith(
                "application/json") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = API_JSON_POLICY
            return response
        if not request.path_info.startswith(ADMIN_PREFIX) and "frame-ancestors" not in (
                getattr(response, "_csp_replace", None) or {}):
            origins = frame_ancestors(request)
            if origins:
                response._csp_replace = {**(getattr(response, "_csp_replace", None) or {}),
                                         "frame-ancestors": [SELF, *origins]}
                if response.get("X-Frame-Options"):
                    del response["X-Frame-Options"]
        return super().process_response(request, response)
