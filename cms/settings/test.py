"""Test settings: PostgreSQL and Redis as on a production machine (see tests/conftest.py)."""

import os
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/test")

from .base import *  # noqa: E402,F401,F403
from .base import VAR_DIR, _default_storage  # noqa: E402


def _xdist_isolation() -> None:
    """With pytest-xdist (scripts/test.sh runs the suite on two processes) each test process gets a Redis
    database and folders of its own; pytest-django names its database (test_<name>_gw0). Written to the
    environment once, so that the worker and web processes a test starts, which inherit it, keep them."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or os.environ.get("GESTE_TEST_ISOLATED") == worker:
        return
    index = int("".join(ch for ch in worker if ch.isdigit()) or 0)
    base, _, db = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15").rpartition("/")
    if db.isdigit():
        os.environ["CELERY_BROKER_URL"] = f"{base}/{(int(db) - 1 - index) % 16}"
    for name, default in (("DJANGO_MEDIA_ROOT", "test-media"), ("GESTE_WORK_DIR", "test-work"),
                          ("GESTE_UPLOAD_DIR", "test-uploads")):
        os.environ[name] = f"{os.environ.get(name, VAR_DIR / default)}-{worker}"
    os.environ["GESTE_TEST_ISOLATED"] = worker


_xdist_isolation()
# Tests use the real Redis broker unless told otherwise (the filesystem broker is for `make run`).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "test-media"))
GESTE_WORK_DIR = Path(os.environ.get("GESTE_WORK_DIR", VAR_DIR / "test-work"))
GESTE_UPLOAD_DIR = Path(os.environ.get("GESTE_UPLOAD_DIR", VAR_DIR / "test-uploads"))
GESTE_STALE_HEARTBEAT_S = int(os.environ.get("GESTE_STALE_HEARTBEAT_S", "15"))
STORAGES = {
    # The local disk, unless the environment names an S3 bucket (worker and web processes started by
    # the S3 and multi-node tests: tests/s3.py); in-process tests switch with the `s3_storage` fixture.
    "default": _default_storage if os.environ.get("GESTE_S3_BUCKET")
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # worker processes too (pytest-django: in-process)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "geste-test"}}
