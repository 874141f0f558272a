"""Security headers, strict CSP, and admin login throttling with lockout."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.prod.servers import REPO

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-admin-password-1"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; these tests log in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("boss", password=PASSWORD)


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_security_headers_on_pages(client):
    response = client.get("/healthz")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_csp_allows_only_this_origin_and_no_inline_code(client):
    directives = csp_directives(client.get(reverse("issues:home")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    flat = " ".join(source for sources in directives.values() for source in sources)
    assert "unsafe-inline" not in flat and "unsafe-eval" not in flat


def test_hsts_only_when_asked_for(settings):
    # SecurityMiddleware reads its settings once, so each case gets a new client.
    settings.SECURE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in Client().get("/healthz", secure=True)
    settings.SECURE_HSTS_SECONDS = 3600
    response = Client().get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=3600"


def admin_login(client, password: str, *, address: str = "198.51.100.7"):
    return client.post(
        reverse("admin:login"),
        {"username": "boss", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_admin_login_works(client, admin_user):
    response = admin_login(client, PASSWORD)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/"


def test_repeated_failures_lock_the_account_on_that_address(client, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "wrong").status_code == HTTPStatus.OK  # the form again
    locked = admin_login(client, "wrong")
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # Locked means locked: the right password is refused too, with our page.
    refused = admin_login(client, PASSWORD)
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "15" in refused.content.decode()  # says when to try again (minutes)
    assert "_auth_user_id" not in client.session
    # A colleague at another address is not locked out.
    assert admin_login(client, PASSWORD, address="198.51.100.8").status_code == HTTPStatus.FOUND


def test_success_resets_the_failure_count(client, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        admin_login(client, "wrong")
    assert admin_login(client, PASSWORD).status_code == HTTPStatus.FOUND
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "wrong").status_code == HTTPStatus.OK


def test_test_client_login_and_force_login_still_work(client, admin_user):
    assert client.login(username="boss", password=PASSWORD)
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK
    client.logout()
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == HTTPStatus.OK


# Markup that a strict CSP (no 'unsafe-inline') would block: inline <script> bodies,
# <style> blocks, style="" attributes and on*="" event handlers.
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
_JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def inline_code(text: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline <script>", _INLINE_SCRIPT),
        ("inline style", _INLINE_STYLE),
        ("event handler", _EVENT_HANDLER),
        ("javascript: URL", _JS_URL),
    ]:
        found += [f"{name}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    return found


def test_the_scanner_finds_inline_code():
    assert inline_code('<script>alert(1)</script><p style="color:red" onclick="x()">')
    assert inline_code('<a href="javascript:alert(1)">')
    assert not inline_code('<script src="/static/js/site.js" defer></script><p class="x">')
    # JSON data islands are data, not code, but they still need a nonce: flag them too.
    assert inline_code('<script type="application/json">{}</script>')


def test_project_templates_have_no_inline_code():
    offenders = {}
    for template in sorted((REPO / "templates").rglob("*.html")):
        if problems := inline_code(template.read_text()):
            offenders[str(template.relative_to(REPO))] = problems
    for app_templates in REPO.glob("*/templates"):
        for template in sorted(Path(app_templates).rglob("*.html")):
            if problems := inline_code(template.read_text()):
                offenders[str(template.relative_to(REPO))] = problems
    assert not offenders, offenders
