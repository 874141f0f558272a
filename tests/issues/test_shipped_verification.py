"""Shipped entries are not all "due for review" the moment the site is installed: the
loader marks them verified on the day they are loaded, so review counts from install."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from issues.content import load_shipped_content
from issues.models import Issue
from issues.workflow import due_for_review, review_interval_days

pytestmark = pytest.mark.django_db


def test_shipped_entries_are_verified_on_the_day_they_are_loaded():
    call_command("load_shipped_content", verbosity=0)
    published = Issue.objects.published()
    assert published.count() > 10
    assert set(published.values_list("last_verified_on", flat=True)) == {timezone.localdate()}
    assert not due_for_review().exists()


def test_they_fall_due_one_review_interval_after_install(settings, monkeypatch):
    load_shipped_content()
    later = timezone.localdate() + datetime.timedelta(days=review_interval_days() + 1)
    monkeypatch.setattr(timezone, "localdate", lambda: later)
    assert due_for_review().count() == Issue.objects.published().count()


def test_the_history_shows_the_entries_as_loaded_date_included():
    load_shipped_content()
    dates = set(Issue.history.values_list("last_verified_on", flat=True))
    assert dates == {timezone.localdate()}
