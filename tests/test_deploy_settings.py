"""Production settings pass Django's deployment checks; the embedded secret never reaches production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3N9-" + "vQ7wZp2Lx8RtY4mBs6Jd1Hf0Gc5Ae" * 2,
    "ALLOWED_HOSTS": "partners.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "DJANGO_SETTINGS_MODULE": "partnercenter.settings",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TESTING", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_has_no_warnings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_fails_the_deploy_check() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", "--deploy", env=env)
    assert result.returncode != 0 and "partnercenter.E001" in result.stderr + result.stdout
    # Ordinary management commands still work (they get a throw-away key for the process).
    assert _manage("check", env=env).returncode == 0


def test_with_redis_sessions_are_read_from_the_cache_and_kept_in_the_database() -> None:
    show = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"]
    assert _manage(*show, env={**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/14"}).stdout.strip() == (
        "django.contrib.sessions.backends.cached_db")
    assert _manage(*show, env=PRODUCTION).stdout.strip() == "django.contrib.sessions.backends.db"
