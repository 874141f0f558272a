"""Retention: open walks become abandoned after a while, old walks are deleted."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from diagnosis import services
from diagnosis.models import Session
from diagnosis.signals import session_ended

pytestmark = pytest.mark.django_db


@pytest.fixture
def flow(build):
    b = build("prune")
    b.add("q")
    b.add("a", "escalate")
    b.add("b", "escalate")
    b.link("q", "a")
    b.link("q", "b")
    return b.flow


def test_prune_abandons_stale_walks_and_deletes_old_ones(
    flow, settings, django_capture_on_commit_callbacks
):
    settings.DIAGNOSIS_ABANDON_AFTER_HOURS = 24
    settings.DIAGNOSIS_SESSION_RETENTION_DAYS = 30
    now = timezone.now()
    fresh = services.session_start(flow=flow)
    stale = services.session_start(flow=flow)
    old = services.session_start(flow=flow)
    Session.objects.filter(pk=stale.pk).update(updated_at=now - timedelta(hours=25))
    Session.objects.filter(pk=old.pk).update(
        started_at=now - timedelta(days=31), updated_at=now - timedelta(days=31)
    )
    ended = []
    session_ended.connect(
        lambda sender, session, outcome, **kw: ended.append(outcome),
        weak=False,
        dispatch_uid="test-prune",
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("prune_diagnosis_sessions", verbosity=0)
    finally:
        session_ended.disconnect(dispatch_uid="test-prune")
    assert Session.objects.get(pk=fresh.pk).outcome == "in_progress"
    assert Session.objects.get(pk=stale.pk).outcome == "abandoned"
    assert not Session.objects.filter(pk=old.pk).exists()
    assert ended.count("abandoned") == 2  # the old one too, before it was deleted
