"""Settings shared by every environment; everything that differs comes from the environment."""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GESTE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
# Where `make run` serves the site (scripts/run.sh): absolute links (share links, badge ids, the PDF
# attestation's verification URL) follow it unless WAGTAILADMIN_BASE_URL names the public address.
GESTE_HOST = os.environ.get("GESTE_HOST") or "127.0.0.1"
GESTE_PORT = int(os.environ.get("GESTE_PORT") or "8000")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", f"127.0.0.1,localhost,{GESTE_HOST}")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", ",".join(dict.fromkeys(
    f"http://{host}:{GESTE_PORT}" for host in ("127.0.0.1", "localhost", GESTE_HOST))))

INSTALLED_APPS = [
    "capsules",
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "cms.users_app.GesteUsersConfig",  # wagtail.users, its groups list in French (cms/admin_labels.py)
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "lti_tool",  # django-lti: LTI 1.3 registrations, deployments, keys (capsules/interop/lti/)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.csp.GesteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cms.offline.OfflinePagesMiddleware",
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cms.language.AdminLanguageMiddleware",  # the admin: the user's chosen language, else French
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# The model backend with the signed-in user cached between requests (cms/auth_backend.py).
AUTHENTICATION_BACKENDS = ["cms.auth_backend.CachedModelBackend"]
GESTE_USER_CACHE_SECONDS = int(os.environ.get("GESTE_USER_CACHE_SECONDS", "60"))

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

JOURNEY_TEMPLATE_DIRS = sorted((BASE_DIR / "capsules").glob("*/templates"))
JOURNEY_STATIC_DIRS = sorted((BASE_DIR / "capsules").glob("*/static"))

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Templates and static files live beside the journey subpackage that uses them
        # (capsules/<journey>/templates, capsules/<journey>/static), under unchanged names.
        "DIRS": [BASE_DIR / "cms" / "templates", *JOURNEY_TEMPLATE_DIRS],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://… in production); SQLite under var/ for a single machine.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'geste.sqlite3'}", conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web and worker share the file: wait for locks instead of failing, and use WAL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"})

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates in European order (cms/formats/en): 06/12/2026 is the 6th of December for every reader.
FORMAT_MODULE_PATH = ["cms.formats"]
# No call from the admin to releases.wagtail.org (our CSP blocks it; training centres may have no outside network).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Nor Wagtail's « what's new » banner, which links to its English guide (walk 37; cms/wagtail_hooks.py drops the
# help menu's English links for a French admin).
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
_FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [*JOURNEY_STATIC_DIRS, *([_FRONTEND_DIST] if _FRONTEND_DIST.is_dir() else [])]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))

# Media storage: the local disk by default, any S3-compatible service when GESTE_S3_BUCKET is set.
if os.environ.get("GESTE_S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["GESTE_S3_BUCKET"],
            "endpoint_url": os.environ.get("GESTE_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("GESTE_S3_ACCESS_KEY"),
            "secret_key": os.environ.get("GESTE_S3_SECRET_KEY"),
            "region_name": os.environ.get("GESTE_S3_REGION") or None,
            "querystring_auth": env_bool("GESTE_S3_SIGNED_URLS", True),
            # Presigned URLs are handed out by cms/media.py after its permission check, one per
            # request: short-lived is enough (a player asks again for the next segment).
            "querystring_expire": int(os.environ.get("GESTE_S3_URL_EXPIRE_S", "300")),
            "signature_version": os.environ.get("GESTE_S3_SIGNATURE_VERSION", "s3v4"),
            "addressing_style": os.environ.get("GESTE_S3_ADDRESSING_STYLE") or None,
            # A key prefix inside the bucket (several sites, or tests, sharing one bucket).
            "location": os.environ.get("GESTE_S3_LOCATION", ""),
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Lifetime of the presigned URLs cms/media.py redirects to, once it has checked the reader.
GESTE_S3_URL_EXPIRE_S = int(os.environ.get("GESTE_S3_URL_EXPIRE_S", "300"))
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Where browsers reach S3 when it is not where the servers do (compose: web and workers talk to
# http://minio:9000, browsers to http://localhost:9000): presigned URLs are signed for this address
# (signing needs no connection).
GESTE_S3_PUBLIC_ENDPOINT_URL = os.environ.get("GESTE_S3_PUBLIC_ENDPOINT_URL", "")
if os.environ.get("GESTE_S3_BUCKET") and GESTE_S3_PUBLIC_ENDPOINT_URL:
    STORAGES["s3_public"] = {"BACKEND": _default_storage["BACKEND"],
                             "OPTIONS": {**_default_storage["OPTIONS"], "endpoint_url": GESTE_S3_PUBLIC_ENDPOINT_URL}}

# --- Content-Security-Policy (cms/csp.py) ----------------------------------------------------
# Scripts and styles from our origin only on the public site and the player; media may also come
# from the storage's origin (S3, a CDN): GESTE_CSP_MEDIA_ORIGINS adds origins to the media ones.
def _origin(url: str) -> list[str]:
    match = re.match(r"^(https?://[^/]+)", url or "")
    return [match.group(1)] if match else []


_CSP_MEDIA = [*_origin(MEDIA_URL), *_origin(os.environ.get("GESTE_S3_ENDPOINT_URL", "")),
              *_origin(GESTE_S3_PUBLIC_ENDPOINT_URL),
              *env_list("GESTE_CSP_MEDIA_ORIGINS")]
if os.environ.get("GESTE_S3_BUCKET") and not os.environ.get("GESTE_S3_ENDPOINT_URL"):
    _CSP_MEDIA += [f"https://{os.environ['GESTE_S3_BUCKET']}.s3.amazonaws.com", "https://*.amazonaws.com"]
_CSP_COMMON = {
    "default-src": [SELF],
    "img-src": [SELF, "data:", "blob:", *_CSP_MEDIA],
    "media-src": [SELF, "blob:", *_CSP_MEDIA],
    "connect-src": [SELF, *_CSP_MEDIA],
    "worker-src": [SELF, "blob:"],  # the service worker; hls.js's transmuxing worker
    "font-src": [SELF, "data:"],
    "manifest-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**_CSP_COMMON, "script-src": [SELF], "style-src": [SELF],
                                          "frame-src": [NONE]}}
# The Wagtail admin ships inline scripts and styles; everything else stays as strict.
GESTE_CSP_ADMIN_DIRECTIVES = {**_CSP_COMMON, "script-src": [SELF, UNSAFE_INLINE],
                              "style-src": [SELF, UNSAFE_INLINE], "frame-src": [SELF]}

# Who may frame the SCORM relay page (capsules/interop/scorm_relay.py): the LMS origins, space-separated
# (e.g. "https://moodle.example.org"); "*" by default, since a package may be played in any LMS (the relay
# only posts to the origin its launcher declared).
GESTE_LMS_FRAME_ANCESTORS = os.environ.get("GESTE_LMS_FRAME_ANCESTORS", "*").split()
# Origins (scheme://host[:port]) of the LMSs allowed to launch capsules through cmi5: the launch's
# endpoint and fetch URLs must be on one of them (none by default: cmi5 launches are refused).
GESTE_CMI5_LMS_ORIGINS = os.environ.get("GESTE_CMI5_LMS_ORIGINS", "").split()
# How long a used cmi5 launch link is remembered (and refused again): far longer than any LMS keeps a fetch
# URL's token alive, short enough that the table does not grow forever.
GESTE_CMI5_LAUNCH_MEMORY_DAYS = int(os.environ.get("GESTE_CMI5_LAUNCH_MEMORY_DAYS", "180"))

# LTI 1.3 (capsules/interop/lti/): pages reached through a launch may be framed by the launching
# platform's origins only (from its registration: issuer and authorisation URL); grades and rosters
# go through the `lti` queue.
GESTE_LTI_QUEUE = "lti"
GESTE_LTI_GRADE_MAX_RETRIES = int(os.environ.get("GESTE_LTI_GRADE_MAX_RETRIES", "10"))
# A roster (NRPS) is fetched again at most this often per course and block.
GESTE_LTI_ROSTER_INTERVAL_S = int(os.environ.get("GESTE_LTI_ROSTER_INTERVAL_S", "3600"))

WAGTAILADMIN_USER_LOGIN_FORM = "cms.login_form.GesteLoginForm"  # "Mot de passe", not "Password"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024  # upload chunks of up to 8 MiB, plus headroom
FILE_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

WAGTAIL_SITE_NAME = "Geste"
# A server bound to every interface (0.0.0.0) is reached, on this machine, at 127.0.0.1.
_PUBLIC_HOST = "127.0.0.1" if GESTE_HOST in ("0.0.0.0", "::") else GESTE_HOST
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL") or f"http://{_PUBLIC_HOST}:{GESTE_PORT}"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAIL_WORKFLOW_ENABLED = True
# No avatars from gravatar.com: no third-party request carrying a hash of each user's e-mail (and none
# to allow in the admin's Content-Security-Policy).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Learners sign in on their own page (/compte/connexion/), which sends a designer, expert or trainer on to the
# admin; the admin's own form (/admin/login/) sends a learner back to the site (cms/admin_login.py).
LOGIN_URL = "learner-login"
LOGIN_REDIRECT_URL = "/"

# --- Celery ---------------------------------------------------------------------------------
# Without CELERY_BROKER_URL, a real worker process still runs, on kombu's filesystem transport:
# nothing to install on a single machine. With redis:// or amqp:// workers scale out.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_FILESYSTEM_BROKER_DIR = VAR_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "control"):
        (CELERY_FILESYSTEM_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    # Redis redelivers a task whose worker died (acks_late) after this many seconds; our own
    # recovery (capsules.pipeline.workflow.recover_interrupted) usually acts first.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_DEFAULT_QUEUE = "media"
CELERY_TASK_QUEUES = [Queue("media"), Queue("asr")]
CELERY_TASK_ROUTES = {
    "capsules.pipeline.tasks.transcribe": {"queue": "asr"},
    "capsules.pipeline.tasks.translate": {"queue": "asr"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", str(6 * 3600)))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 600
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Geste pipeline ----------------------------------------------------------------------
GESTE_WHISPER_MODEL_DIR = os.environ.get("GESTE_WHISPER_MODEL_DIR", str(VAR_DIR / "models" / "whisper-base"))
GESTE_WHISPER_DEVICE = os.environ.get("GESTE_WHISPER_DEVICE", "auto")
GESTE_WHISPER_COMPUTE_TYPE = os.environ.get("GESTE_WHISPER_COMPUTE_TYPE", "auto")
GESTE_WHISPER_THREADS = int(os.environ.get("GESTE_WHISPER_THREADS", "0"))
GESTE_WHISPER_BEAM_SIZE = int(os.environ.get("GESTE_WHISPER_BEAM_SIZE", "5"))
# English captions from Whisper's translate task (a second track beside the French one).
GESTE_TRANSLATE_CAPTIONS = env_bool("GESTE_TRANSLATE_CAPTIONS", True)
GESTE_MAX_DURATION_S = float(os.environ.get("GESTE_MAX_DURATION_S", str(4 * 3600)))
GESTE_MAX_UPLOAD_BYTES = int(os.environ.get("GESTE_MAX_UPLOAD_BYTES", str(20 * 1024**3)))
GESTE_WORK_DIR = Path(os.environ.get("GESTE_WORK_DIR", VAR_DIR / "work"))
# Chunked uploads in progress; abandoned ones (no chunk for GESTE_UPLOAD_EXPIRY_S) and stale run folders
# are purged by capsules.pipeline.cleanup: `manage.py purge_stale_uploads`, each worker at start and then
# every GESTE_PURGE_INTERVAL_S, the web before a new upload (README, "Housekeeping").
GESTE_UPLOAD_DIR = Path(os.environ.get("GESTE_UPLOAD_DIR", VAR_DIR / "uploads"))
GESTE_UPLOAD_EXPIRY_S = int(os.environ.get("GESTE_UPLOAD_EXPIRY_S", str(3 * 24 * 3600)))
GESTE_EMPTY_WORK_DIR_EXPIRY_S = int(os.environ.get("GESTE_EMPTY_WORK_DIR_EXPIRY_S", "3600"))
GESTE_PURGE_INTERVAL_S = int(os.environ.get("GESTE_PURGE_INTERVAL_S", str(6 * 3600)))
GESTE_STAGE_MAX_RETRIES = int(os.environ.get("GESTE_STAGE_MAX_RETRIES", "3"))
GESTE_STALE_HEARTBEAT_S = int(os.environ.get("GESTE_STALE_HEARTBEAT_S", "60"))

# Cache (cms/page_cache.py serves anonymous learner pages from it): Redis in production
# (GESTE_CACHE_URL=redis://host:6379/1), a file cache shared by the local processes otherwise.
if os.environ.get("GESTE_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "cms.redis_cache.GesteRedisCache",  # one redis-py client per pool
                          "LOCATION": os.environ["GESTE_CACHE_URL"], "KEY_PREFIX": "geste"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # read from Redis, still kept in the database
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"), "KEY_PREFIX": "geste"}}
GESTE_PAGE_CACHE_SECONDS = int(os.environ.get("GESTE_PAGE_CACHE_SECONDS", "600"))
# /health/ reuses the workers' answer this long (a failure 2 s): a flood of checks sends one broadcast.
GESTE_HEALTH_CACHE_SECONDS = int(os.environ.get("GESTE_HEALTH_CACHE_SECONDS", "10"))
GESTE_PAGE_CACHE_EXCLUDE = ("/admin/", "/api/", "/langue/", "/documents/", "/health/", "/recherche/", "/media/",
                            "/static/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GESTE_LOG_LEVEL", "INFO")},
    # weasyprint.progress logs each step of every PDF rendering (portfolio attestation) at INFO
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"}},
}

# Mail: the expert is told when footage or a capsule waits for them (capsules/experts.py, cms/notifications.py).
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Geste <geste@localhost>")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
