"""Settings, driven by the environment (django-environ).

With nothing configured the portal runs on the embedded default: a SQLite file under var/,
Celery tasks executed in-process, mail stored and listed on the developer outbox page.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
_EMBEDDED_SECRET = "embedded-default-only-for-make-demo-and-tests-never-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
SECRET_KEY_MISSING = not SECRET_KEY and not (DEBUG or env.bool("TESTING", default=False))
if not SECRET_KEY:
    # Development and tests share a fixed key. Without DEBUG a missing key gets a random one for this
    # process only (nothing signed survives a restart or reaches another process) and
    # `manage.py check --deploy` fails with partnercenter.E001 until SECRET_KEY is set.
    import secrets as _secrets

    SECRET_KEY = _EMBEDDED_SECRET if not SECRET_KEY_MISSING else _secrets.token_urlsafe(50)

# Former keys while a rotation settles: what they signed stays valid, and the webhook signing keys
# encrypted under them (partnercenter.secretbox) stay readable until `manage.py secrets_reencrypt`.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute origin used in links inside emails and drafts (no request is at hand in a task).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_countries",
    "bootstrap",
    "bs_icon_templates",
    "partnercenter.apps.PartnerCenterConfig",
    "customers",
    "links",
    "invitations",
    "offers",
    "resellers",
    "subscriptions",
    "gdap",
    "jobs",
    "members",
    "support",
    "servicerequests",
    "customerusers",
    "licenses", "directory",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "partnercenter.bodylimit.RequestBodyLimitMiddleware",  # before anything reads the body (CSRF, forms)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "partnercenter.middleware.UserLanguageMiddleware",
    "partnercenter.middleware.ActiveTenantMiddleware",
    "partnercenter.middleware.PasswordChangeRequiredMiddleware",
    "partnercenter.middleware.TenantMfaMiddleware",
    "partnercenter.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "partnercenter.urls"
WSGI_APPLICATION = "partnercenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnercenter.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'partnercenter.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (the in-process task runner, the dev server) share the file: wait, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # The covering indexes of the Customers list are a PostgreSQL matter; SQLite builds them plain.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # The compiled list queries (partnercenter/sqlcache.py) run as prepared statements after two runs on a
    # connection; Django's own queries never do. Off for a pooler that cannot keep them (PgBouncer < 1.21
    # in transaction mode).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2)
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True
AUTH_USER_MODEL = "partnercenter.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "partnercenter.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis and written through to the database: every page is one
    # PostgreSQL round trip shorter, and a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Shared between processes, unlike locmem: login rate limits must hold across web workers.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "partnercenter_cache"}
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)

AUTHENTICATION_BACKENDS = [  # Django's and allauth's, each loading the user's memberships with the user
    "partnercenter.backends.ModelBackend",
    "partnercenter.backends.EmailBackend",
]

# --- django-allauth -----------------------------------------------------------------------------
ACCOUNT_ADAPTER = "partnercenter.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Failed sign-ins are counted per client address ("ip") and per address + account ("key", see
# partnercenter.adapters), with a much higher ceiling per account from all addresses: failures from
# one address never lock the owner out of another. A success rolls back its own counts.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="20/m/ip,5/5m/key"),
    "login_failed_account": env.str("LOGIN_FAILED_ACCOUNT_RATE_LIMIT", default="1000/h/key"),
    "login": "30/m/ip",
    # Look-ups of unknown, revoked or foreign links per client address (partnercenter.ratelimit).
    "link_not_found": env.str("LINK_NOT_FOUND_RATE_LIMIT", default="30/m/ip"),
    # The customer sign-up form on a relationship request's page, per client address.
    "customer_signup": env.str("CUSTOMER_SIGNUP_RATE_LIMIT", default="10/10m/ip"),
}
# The client address behind a reverse proxy (partnercenter.clientip). Neither set: the socket address.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
for _proxy in TRUSTED_PROXIES:  # a typo fails at start-up, not on every request
    __import__("ipaddress").ip_network(_proxy.strip(), strict=False)
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Partner Center"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("hu", _("Hungarian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it, even before collectstatic has run
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (service request attachments) go through Django's default storage: files under MEDIA_ROOT,
# never served by URL (downloads are views that check who may see them).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
SERVICE_REQUEST_ATTACHMENT_MAX_BYTES = env.int("SERVICE_REQUEST_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env.bool("TESTING", default=False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email --------------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Embedded default: every sent mail is also written to a file (and listed on /dev/outbox/).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "sent-mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Partner Center <no-reply@partnercenter.example>")
# allauth's mails carry no "[host]" subject prefix (the adapter names the site "Partner Center").
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# The developer outbox page lists stored mail so a person can click the links (embedded default).
DEV_OUTBOX_ENABLED = env.bool("DEV_OUTBOX_ENABLED", default=DEBUG)
# An unknown permission name ("customers.veiw" in perms_in_tenant) raises instead of being silently False.
PERMISSION_NAMES_STRICT = DEBUG or env.bool("TESTING", default=False)
if DEV_OUTBOX_ENABLED and not (DEBUG or env.bool("TESTING", default=False)):
    from django.core.exceptions import ImproperlyConfigured

    # The page shows every mail, live links included, to anyone: never on a production instance.
    raise ImproperlyConfigured("DEV_OUTBOX_ENABLED is for development only (it needs DEBUG=true).")
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# No broker configured: run tasks in-process (embedded default). Never eager when a broker is set.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# max_retries=0: a publish to a dead broker fails at once (kombu would otherwise sleep 2 s per try).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 1, "socket_timeout": 2,
                                   "max_retries": 0}
# Workers keep their PostgreSQL connection across tasks (Celery's Django fixup closes it around every task
# unless this is set; a connection per task cost 3x). partnercenter/celery.py applies CONN_MAX_AGE instead.
CELERY_DB_REUSE_MAX = 1_000_000
# A request must never hang on a dead broker: publish fails fast, the sweep re-queues later.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "partnercenter.tasks.outbox_sweep", "schedule": timedelta(seconds=60)},
    "acceptance-sweep": {"task": "invitations.tasks.acceptance_sweep", "schedule": timedelta(seconds=60)},
    # Every kind of tokenised link (links.kinds) in one sweep.
    "links-expire": {"task": "links.tasks.links_expire", "schedule": timedelta(minutes=15)},
    # GDAP approve / terminate requests whose broker message was lost.
    "gdap-requests-sweep": {"task": "gdap.tasks.requests_sweep", "schedule": timedelta(seconds=60)},
    # Background jobs whose worker died (no heartbeat for JOBS_STALE_SECONDS) are queued again.
    "jobs-resume": {"task": "jobs.tasks.jobs_resume", "schedule": timedelta(seconds=60)},
    # GDAP time: expiring / expired, auto-extension, 90-day request expiry, stuck terminations, the 30/7/1-day
    # reminders. Hourly: access already stops at end_at itself (gdap.access reads end_at, not the status),
    # reminders are days apart, and a run only touches rows that are due, so more often buys nothing.
    "gdap-time-sweep": {"task": "gdap.tasks.time_sweep", "schedule": timedelta(hours=1)},
    # Webhook events due for a (re)try whose broker message was lost or whose backoff has passed.
    "webhooks-sweep": {"task": "webhooks.tasks.sweep", "schedule": timedelta(seconds=30)},
    "api-idempotency-purge": {"task": "api.tasks.idempotency_purge", "schedule": timedelta(hours=1)},
    # "Invite many customers" previews never sent, after BULK_PREVIEW_KEEP_DAYS.
    "bulk-previews-purge": {"task": "invitations.tasks.bulk_previews_purge", "schedule": timedelta(hours=6)},
}
# Retries back off below the visibility timeout so a message is never redelivered while retrying.
TASK_MAX_DELIVERIES = env.int("TASK_MAX_DELIVERIES", default=5)

# --- Product settings (partnercenter/settings_product.py) --------------------------------------
from partnercenter.settings_product import *  # noqa: E402, F403

# The largest request body accepted at all (partnercenter.bodylimit), checked before it is read: by
# default a comment's five largest attachments, or the largest bulk CSV, and 1 MB of form around them.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=max(5 * SERVICE_REQUEST_ATTACHMENT_MAX_BYTES,
                                                             BULK_INVITATION_MAX_BYTES) + 1024 * 1024)  # noqa: F405

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.AppTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.AppMayCall"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.rest_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# The OpenAPI document at /v1/openapi.json and its reference page at /v1/reference/ (drf-spectacular).
from api.rest.schema_settings import SPECTACULAR_SETTINGS  # noqa: E402, F401

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# The token reaches htmx through hx-headers in base.html and forms through {% csrf_token %}; no
# script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
# An https SITE_URL means the site is served over TLS: redirect plain HTTP and send HSTS unless told
# otherwise (e.g. SECURE_SSL_REDIRECT=false when a TLS-terminating proxy redirects itself).
SITE_IS_HTTPS = SITE_URL.startswith("https://") and not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SITE_IS_HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SITE_IS_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SITE_IS_HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SITE_IS_HTTPS)
# Behind a TLS-terminating proxy (BEHIND_TLS_PROXY=true) the proxy's X-Forwarded-Proto tells Django
# the request was https, so the redirect does not loop. Only set it when the proxy overwrites it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
# The container healthcheck calls /healthz over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CSRF_FAILURE_VIEW = "partnercenter.error_views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "mailto:"],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Messages that end with a name or a Hungarian date keep one full stop (partnercenter/text.py).
MESSAGE_STORAGE = "partnercenter.text.MessageStorage"
