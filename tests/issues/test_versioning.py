import threading

import pytest
from django.db import connection

from issues.models import Issue
from issues.versioning import StaleEditError
from tests.issues.factories import make_issue

pytestmark = pytest.mark.django_db


def test_each_save_increments_the_version():
    issue = make_issue()
    assert issue.version == 1
    issue.title = "新标题"
    issue.save()
    assert issue.version == 2
    assert Issue.objects.get(pk=issue.pk).version == 2


def test_saving_a_stale_copy_is_refused_and_changes_nothing():
    issue = make_issue(title="原标题")
    first, second = Issue.objects.get(pk=issue.pk), Issue.objects.get(pk=issue.pk)
    first.title = "甲的修改"
    first.save()
    second.title = "乙的修改"
    with pytest.raises(StaleEditError):
        second.save()
    assert Issue.objects.get(pk=issue.pk).title == "甲的修改"


def test_update_fields_save_still_bumps_the_version():
    issue = make_issue()
    issue.summary = "摘要"
    issue.save(update_fields=["summary"])
    assert Issue.objects.get(pk=issue.pk).version == 2


def test_each_save_writes_a_history_record():
    issue = make_issue(title="v1")
    issue.title = "v2"
    issue.save()
    assert [h.title for h in issue.history.order_by("history_date")] == ["v1", "v2"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_same_version_let_exactly_one_win():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite in-memory test databases are not shared across threads")
    issue = make_issue()
    outcomes = []
    barrier = threading.Barrier(2)

    def edit(title):
        from django.db import connections

        copy = Issue.objects.get(pk=issue.pk)
        copy.title = title
        barrier.wait()
        try:
            copy.save()
            outcomes.append("saved")
        except StaleEditError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert Issue.objects.get(pk=issue.pk).version == 2
