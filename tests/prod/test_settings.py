"""Production settings from the environment: `check --deploy`, cookies, proxies, cache, static."""

import os
import secrets
import subprocess
import sys

from tests.prod.servers import REPO

# What a real deployment behind TLS sets (see the README's deployment section).
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "kb.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "DATABASE_URL": "postgres://kbsite@127.0.0.1:5432/kbsite",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "SECRET_KEY"}
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def setting(expression: str, **env: str) -> str:
    result = run(["-c", f"import kbsite.settings as s; print({expression})"], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_is_clean_with_a_production_environment():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_flags_what_is_left_off():
    # HSTS is opt-in; without it the deploy check says so instead of passing silently.
    without_hsts = {**PRODUCTION, "SECURE_HSTS_SECONDS": "0"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **without_hsts)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_cookies_are_secure_when_debug_is_off():
    assert setting("s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE", DEBUG="0") == "True True"
    assert setting("s.SESSION_COOKIE_SECURE", DEBUG="1") == "False"
    assert setting("s.SESSION_COOKIE_SECURE", DEBUG="0", SECURE_COOKIES="0") == "False"


def test_proxy_settings_are_opt_in():
    assert (
        setting(
            "getattr(s, 'SECURE_PROXY_SSL_HEADER', None),"
            " s.USE_X_FORWARDED_HOST, s.TRUSTED_PROXY_COUNT"
        )
        == "None False 0"
    )
    assert (
        setting(
            "s.SECURE_PROXY_SSL_HEADER, s.USE_X_FORWARDED_HOST, s.TRUSTED_PROXY_COUNT",
            USE_X_FORWARDED_PROTO="1",
            USE_X_FORWARDED_HOST="1",
            TRUSTED_PROXY_COUNT="2",
        )
        == "('HTTP_X_FORWARDED_PROTO', 'https') True 2"
    )


def test_hsts_is_opt_in():
    assert setting("s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT", DEBUG="0") == "0 False"
    assert setting("s.SECURE_HSTS_SECONDS", DEBUG="0", SECURE_HSTS_SECONDS="600") == "600"


def test_cache_url_selects_the_backend():
    assert setting("s.CACHES['default']['BACKEND']") == (
        "django.core.cache.backends.locmem.LocMemCache"
    )
    assert (
        setting(
            "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']",
            CACHE_URL="redis://127.0.0.1:6379/3",
        )
        == "kbsite.caches.RedisCache redis://127.0.0.1:6379/3"
    )


def test_sessions_live_in_the_database_behind_the_cache():
    assert setting("s.SESSION_ENGINE") == "django.contrib.sessions.backends.cached_db"


def test_static_files_are_hashed_and_compressed_when_debug_is_off():
    assert setting("s.STORAGES['staticfiles']['BACKEND']", DEBUG="0") == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_postgres_connections_fail_fast():
    assert (
        setting(
            "s.DATABASES['default']['OPTIONS']['connect_timeout'],"
            " s.DATABASES['default']['CONN_HEALTH_CHECKS']",
            DATABASE_URL="postgres://u@127.0.0.1:5432/kb",
        )
        == "5 True"
    )
