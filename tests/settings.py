"""Test settings: PostgreSQL when reachable (always under CI), fast password hashing, eager tasks
unless a test starts a real worker."""

import os

os.environ.setdefault("TESTING", "true")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from partnercenter.settings import *  # noqa: F403
from partnercenter.settings import env

CI = env.bool("CI", default=False)
TEST_DATABASE_URL = env.str("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/partnercenter")
# pytest-xdist runs the suite in workers gw0, gw1, …: pytest-django gives each its own test database
# (TEST_DB_NAME + "_gwN") and each takes three Redis databases of its own, counting down from the one in
# REDIS_TEST_URL (15 by default: gw0 15/14/13, gw1 12/11/10, …) for its broker/cache tests, the
# integration workers' broker and the session-store test.
XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_REDIS_BASE, _, _REDIS_FIRST_DB = env.str("REDIS_TEST_URL", default="redis://127.0.0.1:6379/15").rpartition("/")


def _redis_db(offset: int) -> str:
    db = int(_REDIS_FIRST_DB) - 3 * XDIST_WORKER - offset
    if db < 0:
        raise RuntimeError(f"REDIS_TEST_URL leaves no Redis database for xdist worker gw{XDIST_WORKER}")
    return f"{_REDIS_BASE}/{db}"


REDIS_TEST_URL = _redis_db(0)
REDIS_INTEGRATION_URL = _redis_db(1)
REDIS_SESSIONS_URL = _redis_db(2)


def _postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        params = environ.Env.db_url_config(url)  # noqa: F405
        with psycopg.connect(
            host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], dbname="postgres", connect_timeout=3
        ):
            return True
    except Exception:
        return False


POSTGRES_AVAILABLE = _postgres_reachable(TEST_DATABASE_URL)
if POSTGRES_AVAILABLE:
    DATABASES = {"default": env.db_url_config(TEST_DATABASE_URL)}
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DB_NAME", default="test_partnercenter")}
    DATABASES["default"]["OPTIONS"] = {"prepare_threshold": 2}  # as partnercenter/settings.py: compiled shapes prepare
    IS_POSTGRES = True
elif CI:
    raise RuntimeError(f"CI=true but PostgreSQL is not reachable at {TEST_DATABASE_URL}")
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "test.sqlite3")}}  # noqa: F405
    IS_POSTGRES = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
DEV_OUTBOX_ENABLED = True
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The suite posts many sign-up forms and not-found links from one address; the limit tests set their own.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "link_not_found": "10000/m/ip", "customer_signup": "10000/m/ip"}  # noqa: F405
SQLCACHE_VERIFY = True  # partnercenter/sqlcache.py: every cached query is compared with a fresh compile
