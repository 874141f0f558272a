"""Shared fixtures: users in the product's groups and the shipped content."""

import os
import signal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


def pytest_configure(config):
    # `make test` runs the suite in the background, where the shell makes it ignore
    # Ctrl-C. Take it back: Ctrl-C then stops a run as it stops pytest in the foreground,
    # and fixtures stop the servers and drop the databases they started.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


# `make test` runs each database's suite in two parts, tests/browser and the rest
# (KB_TEST_PART), so that its two workers share the four runs evenly (Makefile).
TEST_PARTS = ("browser", "rest")
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config, items):
    part = os.environ.get("KB_TEST_PART")
    if not part:
        return
    if part not in TEST_PARTS:
        raise pytest.UsageError(f"KB_TEST_PART={part!r}: expected one of {TEST_PARTS}")
    keep, other_part = [], []
    for item in items:
        in_browser = BROWSER_TESTS in Path(item.path).resolve().parents
        (keep if in_browser == (part == "browser") else other_part).append(item)
    if other_part:
        config.hook.pytest_deselected(items=other_part)
        items[:] = keep


def pytest_sessionfinish(session, exitstatus):
    # A part the selection (PYTEST_ARGS) leaves empty has simply nothing to run.
    if os.environ.get("KB_TEST_PART") and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.OK


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Both workers of `make test` may run on PostgreSQL at once: each lane (KB_TEST_LANE)
    gets a test database of its own, test_<name>_lane<n>."""
    from django.conf import settings

    lane = os.environ.get("KB_TEST_LANE")
    for db in settings.DATABASES.values():
        test = db.setdefault("TEST", {})
        if lane and db["ENGINE"].endswith("postgresql") and not test.get("NAME"):
            test["NAME"] = f"test_{db['NAME']}_lane{lane}"


@pytest.fixture(autouse=True, scope="session")
def tasks_run_eagerly():
    """In this process Celery tasks run inline (no broker); the queue's own tests start a
    real Redis broker and worker processes (tests/probes/test_queue_*.py)."""
    from kbsite.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers are slow by design; tests that log in need no such protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "editor", password="editor-pass-1234", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def reviewer(django_user_model):
    """A second editor: approves what ``editor`` wrote (nobody approves their own work)."""
    user = django_user_model.objects.create_user(
        "reviewer", password="reviewer-pass-1234", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def helpdesk(django_user_model):
    user = django_user_model.objects.create_user("helpdesk", password="helpdesk-pass-1234")
    user.groups.add(Group.objects.get(name="Helpdesk"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def shipped_content(db):
    """The knowledge kbsite ships with, loaded the way `make run` loads it."""
    call_command("load_shipped_content", verbosity=0)
