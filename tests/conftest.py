"""Shared fixtures: users in the product's groups and the shipped content."""

import signal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


def pytest_configure(config):
    # `make test` runs its two halves in the background, where the shell makes them ignore
    # Ctrl-C. Take it back: Ctrl-C then stops a half as it stops pytest in the foreground,
    # and fixtures stop the servers and drop the databases they started.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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
