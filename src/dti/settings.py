"""Django settings, read from environment variables with safe defaults for a local install.

DATABASE_URL picks the database (PostgreSQL in production and CI, an embedded SQLite file
under var/ by default); SECRET_KEY, ALLOWED_HOSTS and DEBUG must be set in production
(docs/deploy.md): without its own SECRET_KEY the platform starts only when it answers to this
machine alone (ALLOWED_HOSTS all loopback, as `make demo` and the tests) or with DEBUG=1.
Everything the browser loads is served by the app itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DTI_VAR_DIR", BASE_DIR / "var"))


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes", "on")


DEBUG = _flag("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
# The key that signs sessions, CSRF tokens and password links. The public one below is only
# for a platform nobody else can reach: anyone who knows it could forge a session.
_PUBLIC_SECRET_KEY = "dti-local-development-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or _PUBLIC_SECRET_KEY
PUBLIC_SECRET_KEY_IN_USE = SECRET_KEY == _PUBLIC_SECRET_KEY  # `dti serve` then listens on this machine only
if SECRET_KEY == _PUBLIC_SECRET_KEY and not DEBUG and not set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]"}:
    raise ImproperlyConfigured(
        "Chưa đặt SECRET_KEY riêng: máy chủ nhận yêu cầu từ "
        + ", ".join(ALLOWED_HOSTS)
        + " nên không được chạy với khóa công khai của bản chạy thử. Tạo khóa bằng "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` và ghi vào SECRET_KEY "
        "(/etc/dti/dti.env, docs/deploy.md mục 4). / SECRET_KEY is not set: a server that answers to "
        "hosts other than this machine refuses to start with the public development key; generate one "
        "as above and set the SECRET_KEY environment variable."
    )
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "ninja",  # the API's library: its templates and the Swagger UI files, served by us (no CDN)
    "django_tasks",
    "django_tasks_db",  # the background jobs' queue, a table of the database (docs/jobs.md)
    "dti.core",
    "dti.accounts",
    "dti.jobs",
    "dti.units",
    "dti.frameworks",
    "dti.campaigns",
    "dti.assessments",
    "dti.audit",
    "dti.appraisal",
    "dti.results",
    "dti.home",
    "dti.history",
    "dti.reports",
    "dti.workbooks",
    "dti.exports",
    "dti.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files answer here, before everything below
    # Content-Security-Policy on pages, no-store for signed-in people (dti.core.middleware).
    "dti.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, but only the switcher's choice counts (never Accept-Language).
    "dti.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out after SESSION_IDLE_MINUTES without a request or SESSION_MAX_HOURS after signing in.
    "dti.core.middleware.SessionTimeoutMiddleware",
    # A person whose password the platform generated must change it before anything else.
    "dti.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # A change (POST) is saved whole or not at all: a server error rolls it back.
    "dti.core.middleware.AtomicChangesMiddleware",
]

ROOT_URLCONF = "dti.urls"
WSGI_APPLICATION = "dti.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dti.accounts.context_processors.header",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "dti.core.jinja.environment", "autoescape": True},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dti.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,  # a kept connection that a database restart broke is replaced, never a 500
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several requests write at once (two people saving one indicator, two publishes): a write
    # transaction takes the lock at its start (a deferred one that reads first and then writes
    # fails at once with "database is locked"), and waits up to 20 s for it instead of failing.
    # WAL lets pages be read while someone saves.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the API's rate counts (dti.api), which every worker process must share: a
# table of the database (created by the API's migration), not each process's memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "dti_cache"}}
# Sessions and login lockouts live in the database too, so that any application server answers
# any request of a person (docs/deploy.md section 17; tests/multi).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# Background jobs (docs/jobs.md): Django's task API (the django-tasks backport) queued in the
# database, run by `dti worker` processes (`dti serve` starts one). The test suite runs each job
# at once in the process that starts it (django-tasks' ImmediateBackend, tests/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JOBS_LOCK_DIR = Path(os.environ.get("JOBS_LOCK_DIR", VAR_DIR / "jobs"))  # SQLite: the running jobs' file locks
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "2"))  # runs of a job whose worker died, then failed
JOBS_RECOVER_SECONDS = float(os.environ.get("JOBS_RECOVER_SECONDS", "30"))
JOBS_HOUSEKEEPING_SECONDS = 3600
JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "7"))  # result files of finished jobs, then deleted
# What `dti worker` calls every JOBS_HOUSEKEEPING_SECONDS: old result files and queue records,
# staged uploads never confirmed.
JOBS_HOUSEKEEPING = [
    "dti.jobs.services.drop_old_results",
    "dti.jobs.services.drop_old_queue_records",
    "dti.history.services.drop_stale_staged",
]

# The REST API (docs/api.md): calls per minute for one personal token (429 beyond), and list pages.
API_RATE_PER_MINUTE = int(os.environ.get("API_RATE_PER_MINUTE", "120"))
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "dti.accounts.backends.UnitModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's rule with a Vietnamese message (Django's own Vietnamese catalogue lacks it).
    {"NAME": "dti.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Passwords the platform generates are random and replaced at the first sign-in: they get a
# cheaper hash (dti.accounts.hashers), checked after Django's default ones.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "dti.accounts.hashers.GeneratedPasswordHasher",
]
# A link to set a password ("Quên mật khẩu", an invitation, a reset by the organiser) works
# once, for this many hours (docs/accounts.md).
PASSWORD_RESET_TIMEOUT = int(float(os.environ.get("PASSWORD_RESET_HOURS", "24")) * 3600)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after failed logins (django-axes): 5 failures for one username from one address
# lock that pair for 15 minutes; the lockout page says so in Vietnamese.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Vietnamese for everyone by default; English only for a person who chooses it with the
# switcher in the header (the language cookie). The browser's language is never consulted
# (dti.core.middleware). Messages are written in Vietnamese; the English catalogue is
# src/dti/locale/en/LC_MESSAGES/django.po (docs/i18n.md). Numbers and dates keep the
# Vietnamese way in both languages (dti/formats/en).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
FORMAT_MODULE_PATH = ["dti.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
WHITENOISE_USE_FINDERS = DEBUG
# Evidence files live outside any served directory and are downloaded only through a view
# that checks permission (dti.assessments.views.download_evidence). They are read, written and
# deleted through Django's storage API alone: a folder of this machine (MEDIA_ROOT) by default,
# or with DTI_STORAGE=s3 a private bucket of an S3-compatible object store that every
# application server shares (django-storages; credentials from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or boto3's other usual places; docs/deploy.md section 17).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "evidence"))
MEDIA_URL = "/khong-phuc-vu-truc-tiep/"
DTI_STORAGE = os.environ.get("DTI_STORAGE", "").strip().lower() or "local"
if DTI_STORAGE == "local":
    _EVIDENCE_STORAGE: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif DTI_STORAGE == "s3" and os.environ.get("DTI_S3_BUCKET", "").strip():
    _EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DTI_S3_BUCKET"].strip(),
            "endpoint_url": os.environ.get("DTI_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("DTI_S3_REGION", "").strip() or None,
            "addressing_style": os.environ.get("DTI_S3_ADDRESSING_STYLE", "").strip() or None,
            "location": os.environ.get("DTI_S3_PREFIX", "evidence").strip("/ "),
            "default_acl": None,  # the bucket's own (private): files are only ever served by the view
            "file_overwrite": False,
            "max_memory_size": 5 * 1024 * 1024,  # a file read beyond this waits on disk, not in memory
        },
    }
else:
    raise ImproperlyConfigured(
        f"DTI_STORAGE={DTI_STORAGE!r}: chỉ nhận 'local' (thư mục MEDIA_ROOT) hoặc 's3' kèm DTI_S3_BUCKET "
        "(docs/deploy.md mục 17). / DTI_STORAGE must be 'local' or 's3' with DTI_S3_BUCKET set."
    )
STORAGES = {
    "default": _EVIDENCE_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads waiting between an import's preview and its confirmation (dti.history.services): a
# folder every application server and job worker sees when there are several (docs/deploy.md section 17).
HISTORY_STAGING_DIR = os.environ.get("DTI_STAGING_DIR", "").strip()
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_MB", "20")) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dti@localhost")

CSRF_FAILURE_VIEW = "dti.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A signed-in person is signed out after this many minutes without a request, and this many
# hours after signing in whatever they do (dti.core.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The appraisal page shows a unit's PDF evidence in a frame of the same site.
X_FRAME_OPTIONS = "SAMEORIGIN"
# HTTPS is nginx's job (docs/deploy.md: it redirects and sends HSTS); these are for a server
# without such a proxy, or to have Django do it too. The health check stays on plain HTTP.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^suc-khoe/$"]
# Behind a proxy other than `dti serve`'s gunicorn (which already trusts X-Forwarded-Proto from 127.0.0.1).
if _flag("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Refusals (403, 404, 409, 422) are answers to people, not faults: log only server errors,
    # with their traceback, through the root's handler (journalctl -u dti).
    "loggers": {"django.request": {"level": "ERROR"}},
}
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
