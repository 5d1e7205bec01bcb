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


# --- The production configuration the README documents ------------------------------------------

CONFIG_VARS = {"DEBUG", "TESTING", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL",
               "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DEV_OUTBOX_ENABLED", "BEHIND_TLS_PROXY",
               "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
               "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "DJANGO_SETTINGS_MODULE",
               "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _bare_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}


def _readme_check_deploy_block() -> str:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- check-deploy:[^>]*-->\s*```sh\n(.*?)```", readme, re.S)
    assert match, "README has no check-deploy block"
    return match.group(1)


def test_the_readme_production_configuration_passes_check_deploy_as_written() -> None:
    block = _readme_check_deploy_block()
    assert "check --deploy" in block and "SITE_URL=https://" in block
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=ROOT, env=_bare_environment(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _settings_value(expr: str, env: dict[str, str]) -> str:
    code = f"from django.conf import settings; print({expr})"
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT,
                            env={**_bare_environment(), **env}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


HTTPS_SITE = {"DEBUG": "false", "SECRET_KEY": PRODUCTION["SECRET_KEY"], "ALLOWED_HOSTS": "partners.example.com",
              "SITE_URL": "https://partners.example.com"}
HARDENING = ("(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
             " settings.SECURE_HSTS_PRELOAD, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,"
             " settings.CSRF_COOKIE_HTTPONLY)")


def test_an_https_site_url_turns_on_the_redirect_and_hsts_and_each_can_be_overridden() -> None:
    assert _settings_value(HARDENING, HTTPS_SITE) == "(True, 31536000, True, True, True, True, True)"
    behind_proxy = {**HTTPS_SITE, "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "300",
                    "SECURE_HSTS_PRELOAD": "false", "BEHIND_TLS_PROXY": "true"}
    assert _settings_value(HARDENING, behind_proxy) == "(False, 300, True, False, True, True, True)"
    assert _settings_value("settings.SECURE_PROXY_SSL_HEADER", behind_proxy) == "('HTTP_X_FORWARDED_PROTO', 'https')"
    # A plain-HTTP site gets no redirect and no HSTS; the demo (DEBUG) neither, nor secure cookies.
    plain = {**HTTPS_SITE, "SITE_URL": "http://intranet.example:8000"}
    assert _settings_value(HARDENING, plain) == "(False, 0, False, False, True, True, True)"
    assert _settings_value(HARDENING, {"DEBUG": "true", "SITE_URL": "https://x.example"}) == (
        "(False, 0, False, False, False, False, True)")


def test_no_script_reads_the_csrf_cookie_htmx_gets_the_token_from_the_page() -> None:
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "hx-headers='{\"X-CSRFToken\": \"{{ csrf_token }}\"}'" in base
    for script in (ROOT / "static").rglob("*.js"):
        assert "cookie" not in script.read_text(encoding="utf-8").lower(), script


def _compose_app_environment() -> dict[str, str]:
    """The x-app environment of docker-compose.yml with ${VAR:-default} resolved from the README's
    four variables (everything else at its compose default)."""
    import re

    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    section = text.split("environment: &app-env", 1)[1].split("depends_on:", 1)[0]
    given = {"SECRET_KEY": PRODUCTION["SECRET_KEY"], "ALLOWED_HOSTS": "partners.example.com",
             "SITE_URL": "https://partners.example.com"}
    env: dict[str, str] = {}
    for line in section.splitlines():
        match = re.match(r"\s+([A-Z_]+):\s*(.*)$", line)
        if not match:
            continue
        value = match.group(2).strip().strip('"')

        def resolve(m: re.Match[str]) -> str:
            name, op, default = m.group(1), m.group(2) or "", m.group(3) or ""
            return given.get(name, default if op == ":-" else "")

        env[match.group(1)] = re.sub(r"\$\{([A-Z_]+)(:[-?])?([^}]*)\}", resolve, value)
    return env


def test_docker_compose_has_secure_cookies_by_default_and_passes_check_deploy() -> None:
    env = _compose_app_environment()
    assert env["SESSION_COOKIE_SECURE"] == "true" and env["CSRF_COOKIE_SECURE"] == "true"
    assert env["DEBUG"] == "false"
    # Services are not reachable here: the check needs the settings, not the database.
    env = {**env, "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3", "REDIS_URL": "", "CELERY_BROKER_URL": ""}
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     env={**_bare_environment(), **env, "DJANGO_SETTINGS_MODULE": "partnercenter.settings"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_healthz_answers_the_container_healthcheck_over_plain_http() -> None:
    code = ("from django.test import Client; r = Client().get('/healthz', HTTP_HOST='partners.example.com');"
            " print(r.status_code)")
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT,
                            env={**_bare_environment(), **HTTPS_SITE, "DATABASE_URL": "sqlite:///:memory:"},
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "200", result.stdout + result.stderr
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert 'Host: $${ALLOWED_HOSTS%%,*}' in compose
