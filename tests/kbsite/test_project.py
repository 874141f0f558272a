"""The project's wiring: migrations, settings from the environment, setup commands, groups."""

import os
import subprocess
import sys
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

REPO = Path(__file__).resolve().parents[2]


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db
def test_makemigrations_is_clean():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_secret_key_is_required_when_debug_is_off():
    result = run_python("import kbsite.settings", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_come_from_the_environment():
    code = (
        "import kbsite.settings as s;"
        "print(s.TIME_ZONE, s.LANGUAGE_CODE, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])"
    )
    result = run_python(
        code,
        DEBUG="false",
        SECRET_KEY="x" * 60,
        TIME_ZONE="UTC",
        LANGUAGE_CODE="en",
        ALLOWED_HOSTS="kb.example.org,kb2.example.org",
        DATABASE_URL="postgres://u@db.example.org:5432/kb",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "UTC",
        "en",
        "['kb.example.org',",
        "'kb2.example.org']",
        "django.db.backends.postgresql",
    ]


def test_a_malformed_boolean_fails_loudly():
    result = run_python("import kbsite.settings", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_development_defaults():
    result = run_python(
        "import kbsite.settings as s; print(s.TIME_ZONE, s.LANGUAGE_CODE, s.DEBUG)",
    )
    assert result.stdout.split() == ["Asia/Shanghai", "zh-hans", "True"]


@pytest.mark.django_db
def test_groups_exist_with_their_permissions():
    editors = Group.objects.get(name="Editors")
    helpdesk = Group.objects.get(name="Helpdesk")
    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    helpdesk_perms = set(helpdesk.permissions.values_list("codename", flat=True))
    assert {"change_issue", "add_fix", "delete_errorcode", "view_internal"} <= editor_perms
    assert "view_internal" in helpdesk_perms
    assert not any(p.startswith(("change_", "add_", "delete_")) for p in helpdesk_perms)


@pytest.mark.django_db
def test_ensure_admin_creates_one_admin_once(monkeypatch):
    monkeypatch.setenv("KBSITE_ADMIN_PASSWORD", "a-long-secret-for-tests")
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    assert "username: admin" in out.getvalue()
    assert User.objects.get(username="admin").check_password("a-long-secret-for-tests")
    again = StringIO()
    call_command("ensure_admin", stdout=again)
    assert "exists" in again.getvalue()
    assert User.objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_ensure_admin_generates_and_prints_a_password(monkeypatch):
    monkeypatch.delenv("KBSITE_ADMIN_PASSWORD", raising=False)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    printed = out.getvalue().split("password: ")[1].split()[0]
    assert User.objects.get(username="admin").check_password(printed)


@pytest.mark.django_db
def test_healthz_reports_database_and_version(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["database"] is True
    assert body["version"]


@pytest.mark.django_db(transaction=True)
def test_staff_groups_come_back_after_a_flush():
    call_command("flush", "--noinput", verbosity=0)
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"change_issue", "view_internal", "run_probes"} <= codenames
    helpdesk = set(
        Group.objects.get(name="Helpdesk").permissions.values_list("codename", flat=True)
    )
    assert {"view_issue", "view_internal", "run_probes"} <= helpdesk
    assert "change_issue" not in helpdesk


@pytest.mark.django_db
def test_an_edited_group_is_left_alone_by_migrate():
    from issues.groups import ensure_staff_groups

    helpdesk = Group.objects.get(name="Helpdesk")
    helpdesk.permissions.clear()
    assert ensure_staff_groups() == []
    assert helpdesk.permissions.count() == 0
