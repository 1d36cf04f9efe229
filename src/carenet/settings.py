"""CareNet settings: one module, read from the environment.

Every variable is documented in docs/configuration.md and .env.example. A bad value stops
start-up with a message naming the variable; production mode refuses to start without real
secrets.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.str("CARENET_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()

CARENET_ENV = env.str("CARENET_ENV", default="development")
if CARENET_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"CARENET_ENV must be 'development' or 'production', not {CARENET_ENV!r}."
    )
PRODUCTION = CARENET_ENV == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when CARENET_ENV=production.")


def _local_secret(name: str, make: str) -> str:
    """A secret generated once for development and kept in a git-ignored file."""
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when CARENET_ENV=production.")
    path = DATA_DIR / f".{name.lower()}"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make)
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret(
    "SECRET_KEY", secrets.token_urlsafe(50)
)
# Comma-separated Fernet keys: the first encrypts, all decrypt (key rotation).
CARENET_FIELD_KEYS = env.list("CARENET_FIELD_KEYS", default=[]) or [
    _local_secret("CARENET_FIELD_KEYS", Fernet.generate_key().decode())
]
for _key in CARENET_FIELD_KEYS:
    try:
        Fernet(_key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "CARENET_FIELD_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "ninja",  # serves the API docs' Swagger UI from our static files (the CSP allows no CDN)
    "django_tasks",
    "django_tasks_db",
    "carenet.core",
    "carenet.accounts",
    "carenet.geo",
    "carenet.taxonomy",
    "carenet.directory",
    "carenet.reporting",
    "carenet.referrals",
    "carenet.community",
    "carenet.cop",
    "carenet.outcomes",
    "carenet.network",
    "carenet.peer",
    "carenet.feedback",
    "carenet.reports",
    "carenet.offline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "carenet.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "carenet.accounts.middleware.ActingOrganisationMiddleware",
    "carenet.accounts.middleware.TwoFactorRequiredMiddleware",
    # Entries from a device's offline queue (and double submissions) are saved once.
    "carenet.offline.sync.IdempotencyMiddleware",
    # "You cannot change this" pages, and the ordinary 404 page even in development.
    "carenet.core.errors.ErrorPagesMiddleware",
    # Last, so that it sees the response to every failed sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "carenet.urls"
WSGI_APPLICATION = "carenet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carenet.accounts.context_processors.acting",
                "carenet.offline.pages.context",
            ],
        },
    },
]

# --- storage --------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'carenet.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # The job class of django-tasks-rq, so that a plain `carenet rqworker default` runs the
    # queued tasks (RQ's own Job class fails on them: "'Task' object is not callable").
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if PRODUCTION:  # a cache the server's processes share (the gap pages are kept there)
        CACHES["default"] = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    # In-process by default; CARENET_TASKS=database queues work for `carenet db_worker`.
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend"
            if env.str("CARENET_TASKS", default="immediate") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        }
    }

# --- e-mail ---------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CareNet <carenet@localhost>")

# --- accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AXES_FAILURE_LIMIT = env.int("CARENET_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("CARENET_LOGIN_COOLOFF_MINUTES", default=30) / 60  # hours
# Failures are counted per account, whatever the address (guessing one account from many
# addresses), and per address, whatever the account (password spraying). A network whose
# people share one public address behind NAT may turn the second off.
AXES_LOCKOUT_PARAMETERS: list[str | list[str]] = ["username"]
if env.bool("CARENET_LOGIN_LIMIT_BY_ADDRESS", default=True):
    AXES_LOCKOUT_PARAMETERS.append("ip_address")
# Behind a reverse proxy every request comes from the proxy: count the proxies in front of
# CareNet so the client's address is read from X-Forwarded-For (see docs/configuration.md).
CARENET_PROXY_COUNT = env.int("CARENET_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "carenet.core.audit.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # axes would otherwise log e-mail addresses

# Two-factor sign-in for everyone whose role can reach client data.
CARENET_REQUIRE_2FA = env.bool("CARENET_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "CareNet"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("CARENET_SESSION_HOURS", default=12) * 3600
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env.bool("CARENET_SSL_REDIRECT", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- audit and privacy ----------------------------------------------------------------------
CARENET_AUDIT_RETENTION_DAYS = env.int("CARENET_AUDIT_RETENTION_DAYS", default=730)
CARENET_MIN_CELL = env.int("CARENET_MIN_CELL", default=5)
CARENET_STALE_AFTER_DAYS = env.int("CARENET_STALE_AFTER_DAYS", default=90)
# spreadsheet imports: refused before parsing beyond these (see core/spreadsheets.py)
CARENET_IMPORT_MAX_ROWS = env.int("CARENET_IMPORT_MAX_ROWS", default=500_000)
CARENET_IMPORT_MAX_UNZIPPED_BYTES = env.int(
    "CARENET_IMPORT_MAX_UNZIPPED_BYTES", default=200 * 1024 * 1024
)

# --- languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("uk", "Українська"), ("pl", "Polski")]
LANGUAGE_NAMES = {"en": _("English"), "uk": _("Ukrainian"), "pl": _("Polish")}
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# English dates day first (23 Nov 2026, 23/11/2026); ISO first among every language's input formats.
FORMAT_MODULE_PATH = ["carenet.formats"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Kyiv")
USE_TZ = True

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(env.str("CARENET_MEDIA_DIR", default=str(DATA_DIR / "media")))
MEDIA_URL = "/media/"  # never routed: uploads leave only through access-checked views
# "x-accel-redirect" (nginx) or "x-sendfile" (Apache, lighttpd): the web server sends a file
# once the download view has checked access; empty: Django streams it.
CARENET_SENDFILE = env.str("CARENET_SENDFILE", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- logging: ids only, never personal data ------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
    },
}

# --- referrals ------------------------------------------------------------------------------
# Target time for the receiver to acknowledge a referral, by urgency (hours).
CARENET_REFERRAL_TARGET_HOURS = {
    "emergency": env.int("CARENET_REFERRAL_HOURS_EMERGENCY", default=4),
    "urgent": env.int("CARENET_REFERRAL_HOURS_URGENT", default=72),
    "routine": env.int("CARENET_REFERRAL_HOURS_ROUTINE", default=14 * 24),
}
# The address people open CareNet at: links in e-mails (which carry no personal data).
CARENET_SITE_URL = env.str("CARENET_SITE_URL", default="http://127.0.0.1:8000")

# --- reporting ---
# Uploaded 4W files larger than this are checked and imported in the background (bytes).
CARENET_IMPORT_BACKGROUND_BYTES = env.int("CARENET_IMPORT_BACKGROUND_BYTES", default=262_144)
# An area where at least this many organisations report the same activity is flagged as
# possible duplication in the gap analysis.
CARENET_DUPLICATION_THRESHOLD = env.int("CARENET_DUPLICATION_THRESHOLD", default=3)

# --- community ---
# An unfinished implementation with no change for this many days shows as stuck.
CARENET_COMMUNITY_STUCK_DAYS = env.int("CARENET_COMMUNITY_STUCK_DAYS", default=90)
# Largest evidence file accepted by the implementation tracker.
CARENET_COMMUNITY_EVIDENCE_MAX_BYTES = env.int(
    "CARENET_COMMUNITY_EVIDENCE_MAX_BYTES", default=10 * 2**20
)

# --- the network: invitations and reminders ---
# Days an e-mailed invitation stays valid.
CARENET_INVITATION_DAYS = env.int("CARENET_INVITATION_DAYS", default=14)
# Day of the month by which last month's 4W is due; reminders go to those late after it.
CARENET_4W_DEADLINE_DAY = env.int("CARENET_4W_DEADLINE_DAY", default=10)

# --- cop ---
# Largest document (in MB) accepted by a Community of Practice's resource library.
CARENET_COP_MAX_UPLOAD_MB = env.int("CARENET_COP_MAX_UPLOAD_MB", default=10)
