"""Local development and `make run`: debug on, everything on one machine."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)

# Workflow notifications (capsule sent to the expert, approved…) land in var/mail/ instead of an SMTP
# server that a development machine does not have; set DJANGO_EMAIL_BACKEND to send them for real.

from .base import VAR_DIR  # noqa: E402

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
