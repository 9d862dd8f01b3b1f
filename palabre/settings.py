"""Palabre settings: one file, every value read from the environment with a safe default.

Every variable is listed, with its meaning, in `.env.example` and README.md.
"""

import os
import secrets
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PALABRE_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_flag("PALABRE_DEBUG", False)
# Demo mode shows the console SMS gateway's messages (login codes) on /demo/: never in production.
DEMO_MODE = env_flag("PALABRE_DEMO", False)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data directory."""
    if os.environ.get("PALABRE_SECRET_KEY"):
        return os.environ["PALABRE_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("PALABRE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("PALABRE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "phonenumber_field",
    "django_tasks",
    "django_tasks_db",
    "palabre.core",
    "palabre.territory",
    "palabre.accounts",
    "palabre.channels",
    "palabre.grievances",
    "palabre.budgeting",
    "palabre.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "palabre.territory.middleware.CommuneLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth and messages: staff idle timeout (logout + message) and no-store on staff responses.
    "palabre.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "palabre.urls"
WSGI_APPLICATION = "palabre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "palabre" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "palabre.core.context_processors.platform",
                "palabre.territory.context_processors.commune",
            ],
        },
    },
]

# Database: SQLite under DATA_DIR (WAL mode) unless DATABASE_URL points elsewhere (PostgreSQL).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "palabre.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # secure_delete: deleted rows are overwritten (ballots mixed by budgeting leave no trace).
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA secure_delete=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Audit log (palabre/core/audit.py): the key of its HMAC chain, never stored in the database (empty: derived
# from SECRET_KEY, a system-check warning outside demo mode); the head is appended to the anchor file, and
# logged, every AUDIT_ANCHOR_EVERY events (0: only by `manage.py audit_anchor`).
AUDIT_KEY = os.environ.get("PALABRE_AUDIT_KEY", "")
AUDIT_ANCHOR_EVERY = int(os.environ.get("PALABRE_AUDIT_ANCHOR_EVERY", "100"))
AUDIT_ANCHOR_FILE = Path(os.environ.get("PALABRE_AUDIT_ANCHOR_FILE", DATA_DIR / "audit-anchors.log"))

# Participatory budgeting: ballots are rewritten in shuffled order once this many are waiting in an
# envelope (and always before results are computed), so row order says nothing of who voted when.
BALLOT_MIX_BATCH = int(os.environ.get("PALABRE_BALLOT_MIX_BATCH", "16"))

# Cache (rate limits live in the database; the cache only speeds pages up).
REDIS_URL = os.environ.get("PALABRE_REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Background work: Django's Tasks API with the database backend; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("PALABRE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "territory:national_home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: French is the source language; national languages Django does not know are described here.
LANG_INFO.update(
    {
        "fon": {"bidi": False, "code": "fon", "name": "Fon", "name_local": "Fɔ̀ngbè"},
        "yo": {"bidi": False, "code": "yo", "name": "Yoruba", "name_local": "Èdè Yorùbá"},
        "bba": {"bidi": False, "code": "bba", "name": "Bariba", "name_local": "Baatɔnum"},
        "ddn": {"bidi": False, "code": "ddn", "name": "Dendi", "name_local": "Dendi"},
        "guw": {"bidi": False, "code": "guw", "name": "Gun", "name_local": "Gungbe"},
    }
)
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("Français")),
    ("en", _("Anglais")),
    ("fon", _("Fon")),
    ("yo", _("Yoruba")),
    ("bba", _("Bariba")),
    ("ddn", _("Dendi")),
    ("guw", _("Goun")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Africa/Porto-Novo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "palabre" / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

# Optional map tiles for the interactive complaint map, e.g. https://tile.example.org/{z}/{x}/{y}.png
# (its host is then allowed in the content security policy). Empty: maps draw the commune outline only.
MAP_TILES_URL = os.environ.get("PALABRE_MAP_TILES_URL", "")

# Reference data: folder holding benin_communes_adm2.geojson (commune boundaries). Maps work without it.
BOUNDARIES_DIR = os.environ.get("PALABRE_BOUNDARIES_DIR", "")

# Phones and SMS.
PHONENUMBER_DEFAULT_REGION = "BJ"
PHONENUMBER_DB_FORMAT = "E164"
SMS_GATEWAY = os.environ.get("PALABRE_SMS_GATEWAY", "palabre.channels.gateways.console.ConsoleGateway")
SMS_SENDER_ID = os.environ.get("PALABRE_SMS_SENDER_ID", "PALABRE")
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("PALABRE_OUTBOX_MAX_ATTEMPTS", "6"))
# Africa's Talking signs nothing: its webhooks must carry ?token=<this>. Empty: accepted in the demo only;
# elsewhere every AT request is refused and the system check channels.E001 fails (docs/deploy.md).
AT_TOKEN = os.environ.get("PALABRE_AT_TOKEN", "")
# Days the inbound log keeps a request's trace (status, times, keyed hashes; never its text): what the rate
# limits and the staff's "block this number" need. `manage.py channels_sweep` deletes older rows.
INBOUND_RETENTION_DAYS = int(os.environ.get("PALABRE_INBOUND_RETENTION_DAYS", "3"))
# Providers whose webhooks are served at /channels/<name>/<kind>/ (dotted paths of InboundGateway classes,
# comma-separated; like RapidPro's CHANNEL_TYPES). The console gateway, which checks no signature, is added
# in demo mode only. Each one has its setup page for the platform administrator: /plateforme/passerelles/.
INBOUND_GATEWAYS = env_list(
    "PALABRE_INBOUND_GATEWAYS",
    "palabre.channels.gateways.africastalking.AfricasTalkingGateway,"
    "palabre.channels.gateways.twilio.TwilioGateway,"
    "palabre.channels.gateways.whatsapp.WhatsAppGateway",
) + (["palabre.channels.gateways.console.ConsoleGateway"] if DEMO_MODE else [])
# Messages of these outbox kinds go through another gateway than the SMS one.
OUTBOX_GATEWAYS = {"whatsapp.reply": "palabre.channels.gateways.whatsapp.WhatsAppGateway"}
# The platform's USSD code; a commune's extension follows it (*384*229*7# reaches the commune "7").
USSD_CODE = os.environ.get("PALABRE_USSD_CODE", "*384*229#")
# Bulk SMS announcements: price of one segment (shown to staff before sending) and send rate.
SMS_SEGMENT_PRICE_XOF = Decimal(os.environ.get("PALABRE_SMS_SEGMENT_PRICE_XOF", "25"))
SMS_BULK_PER_MINUTE = int(os.environ.get("PALABRE_SMS_BULK_PER_MINUTE", "60"))

# One-time login codes.
OTP_CODE_TTL_SECONDS = int(os.environ.get("PALABRE_OTP_TTL_SECONDS", "300"))
OTP_MAX_ATTEMPTS = int(os.environ.get("PALABRE_OTP_MAX_ATTEMPTS", "5"))
OTP_MAX_SENDS_PER_NUMBER_PER_HOUR = int(os.environ.get("PALABRE_OTP_SENDS_PER_NUMBER", "3"))
OTP_MAX_SENDS_PER_IP_PER_HOUR = int(os.environ.get("PALABRE_OTP_SENDS_PER_IP", "60"))
OTP_TOTP_ISSUER = "Palabre"
# Staff (commune roles, national observers, superusers) are signed out after this many idle minutes.
STAFF_IDLE_MINUTES = int(os.environ.get("PALABRE_STAFF_IDLE_MINUTES", "30"))
# Complaints filed on the web form per connection per hour (many residents share an operator's address).
COMPLAINTS_PER_IP_PER_HOUR = int(os.environ.get("PALABRE_COMPLAINTS_PER_IP_PER_HOUR", "30"))

# Security headers. HTTPS settings follow PALABRE_HTTPS (on unless DEBUG).
HTTPS = env_flag("PALABRE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_flag("PALABRE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("PALABRE_BEHIND_PROXY", False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"


def _tile_hosts() -> list[str]:
    parts = urlsplit(MAP_TILES_URL)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_hosts()],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get("PALABRE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PALABRE_LOG_LEVEL", "INFO")},
}
