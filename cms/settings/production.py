"""Production: secrets and hosts must come from the environment; HTTPS is assumed (a proxy in
front sets X-Forwarded-Proto), and every `check --deploy` security setting is set from it."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = os.environ.get("DJANGO_SECURE_COOKIES", "true") == "true"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Plain-HTTP requests are redirected to HTTPS, except the health check a load balancer probes.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Browsers remember to use HTTPS only (one year by default); 0 turns HSTS off.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# LTI launches inside an LMS iframe on another site (moodle.univ.fr framing geste.fr): the browser sends
# Geste's session and CSRF cookies to a third-party frame only when they are SameSite=None; Secure.
# Off by default (Lax is safer); README, "Brancher Geste à Moodle".
if env_bool("GESTE_LTI_IFRAME_COOKIES", False):
    SESSION_COOKIE_SAMESITE = "None"
    CSRF_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
