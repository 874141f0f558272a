"""Editors' (staff) issue and code pages kept whole like other signed-in readers' pages,
with probes' live parts kept current (issues/pagecache/live.py, probes/pagecache_holes.py):
a warm page renders no template and makes no query, yet a monitor's new state, a probe
result, a checklist edited a second ago and a changed right all show on the next request,
and "checked 3 minutes ago" moves with the clock."""

import re
from contextlib import contextmanager
from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from issues.models import Fix, Issue
from issues.pagecache import holes, live
from probes.models import ChecklistItem, Monitor, ProbeResult, ProbeRun, Target
from probes.monitors import monitor_record
from probes.outcomes import Outcome
from tests.issues.factories import make_issue_page_example
from tests.issues.pages import shared_layer_on
from tests.probes.factories import make_checklist

pytestmark = pytest.mark.django_db

HOST = "conn.example.test"


@pytest.fixture(autouse=True)
def shared_cache(settings):
    with shared_layer_on(settings, PROBES_MONITOR_THRESHOLD=1):
        yield


@pytest.fixture
def issue():
    issue = make_issue_page_example()
    # A step that names the checklist's host: the checklist is offered at that step.
    Fix.objects.create(
        issue=issue, cause=issue.causes.get(), position=2, body=f"用 telnet 确认 {HOST}:443 可达"
    )
    return issue


@pytest.fixture
def checklist(issue):
    checklist = make_checklist(Target(kind="tcp", host=HOST, port="443"), slug="meeting")
    checklist.title = "会议接入"
    checklist.save()
    checklist.issues.add(issue)
    return checklist


@pytest.fixture
def monitor(checklist):
    return Monitor.objects.create(
        name="Meeting access",
        checklist=checklist,
        interval_seconds=60,
        state="up",
        state_since=timezone.now() - timedelta(hours=2),
        last_checked_at=timezone.now() - timedelta(minutes=3),
    )


@pytest.fixture
def editor_client(client, editor, monitor):
    client.force_login(editor)
    return client


@contextmanager
def rendered_templates():
    names = []

    def record(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    try:
        yield names
    finally:
        template_rendered.disconnect(record)


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == HTTPStatus.OK
    return response


def read(client, url, **headers) -> str:
    return get(client, url, **headers).content.decode()


def warm(client, url, **headers) -> str:
    """The page twice: the first fills the cache, the second must come from it alone."""
    read(client, url, **headers)
    with CaptureQueriesContext(connection) as queries, rendered_templates() as templates:
        html = read(client, url, **headers)
    assert (len(queries), templates) == (0, []), "the warm page was not served from the cache"
    return html


def monitor_line(html: str) -> str:
    return html[html.index('class="monitor-line"') :].split("</li>", 1)[0]


# --- Served from the cache, with everything an editor sees ------------------------


def test_a_warm_editor_issue_page_renders_nothing_and_makes_no_query(editor_client, issue):
    html = warm(editor_client, issue.get_absolute_url())
    assert "monitor-state--up" in html and "Meeting access" in html  # the monitor panel
    checklist = reverse("probes:checklist_detail", args=["meeting"])
    assert html.count(checklist) == 1  # offered once, at the step that names its host
    step = html[html.index(f"telnet 确认 {HOST}") :].split("</li>", 1)[0]
    assert 'class="step-tools' in step and checklist in step
    assert reverse("admin:issues_issue_change", args=[issue.pk]) in html  # edit link
    assert reverse("admin:issues_issue_history", args=[issue.pk]) in html
    assert 'href="/admin/"' in html and 'href="/probes/"' in html  # staff navigation
    placeholders = holes.holes()
    for hole in (placeholders.csrf_token, placeholders.view_count, placeholders.since):
        assert hole not in html


def test_a_warm_editor_code_page_renders_nothing_and_makes_no_query(editor_client, issue):
    code = issue.error_codes.get()
    html = warm(editor_client, code.get_absolute_url())
    assert "monitor-state--up" in html and "会议接入" in html
    assert reverse("admin:issues_errorcode_change", args=[code.pk]) in html


def test_each_editor_gets_their_own_working_csrf_token(issue, editor, reviewer, monitor):
    tokens = []
    for user in (editor, reviewer):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        html = warm(client, issue.get_absolute_url())
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        tokens.append(token)
        url = reverse("issues:issue_feedback", args=[issue.slug])
        answer = client.post(url, {"helpful": "yes", "csrfmiddlewaretoken": token})
        assert answer.status_code == HTTPStatus.FOUND  # the token is accepted
    assert tokens[0] != tokens[1]


def test_a_draft_shows_its_preview_note_until_it_is_published(editor_client, issue):
    issue.status = Issue.Status.DRAFT
    issue.save()
    assert "notice--warning" in warm(editor_client, issue.get_absolute_url())
    issue.status = Issue.Status.PUBLISHED
    issue.save()
    assert "notice--warning" not in read(editor_client, issue.get_absolute_url())


# --- Live parts: the next request shows the change --------------------------------


def test_a_monitor_state_change_shows_on_the_next_request(editor_client, issue, monitor):
    assert "monitor-state--up" in monitor_line(warm(editor_client, issue.get_absolute_url()))
    monitor.state, monitor.state_since = "down", timezone.now()
    monitor.save()
    line = monitor_line(read(editor_client, issue.get_absolute_url()))
    assert "monitor-state--down" in line and "monitor-state--up" not in line


def test_a_monitor_state_change_shows_on_the_next_code_page(editor_client, issue, monitor):
    url = issue.error_codes.get().get_absolute_url()
    assert "monitor-state--up" in warm(editor_client, url)
    monitor.state, monitor.state_since = "degraded", timezone.now()
    monitor.save()
    assert "monitor-state--degraded" in monitor_line(read(editor_client, url))


def test_a_probe_result_shows_on_the_next_request(editor_client, issue, monitor):
    """A monitor's run folded in as the worker does (probes.monitors.monitor_record)."""
    assert "monitor-state--up" in monitor_line(warm(editor_client, issue.get_absolute_url()))
    run = ProbeRun.objects.create(
        source="monitor", monitor=monitor, timeout=1, status=ProbeRun.Status.DONE
    )
    ProbeResult.objects.create(
        run=run, position=1, target_text=f"tcp://{HOST}:443", kind="tcp", outcome=Outcome.REFUSED
    )
    monitor_record(monitor=monitor, run=run)
    assert "monitor-state--down" in monitor_line(read(editor_client, issue.get_absolute_url()))


def test_a_checklist_edited_a_second_ago_shows_on_the_next_request(editor_client, issue, checklist):
    url = issue.get_absolute_url()
    assert "会议接入" in warm(editor_client, url)
    checklist.title = "会议接入（新）"
    checklist.save()
    assert "会议接入（新）" in read(editor_client, url)
    ChecklistItem.objects.create(
        checklist=checklist, target=Target.objects.create(kind="dns", host=HOST), position=2
    )
    step = read(editor_client, url).split(f"telnet 确认 {HOST}", 1)[1].split("</li>", 1)[0]
    assert "2 项检查" in step or "2 checks" in step


def test_a_checklist_linked_or_unlinked_shows_on_the_next_request(editor_client, issue, checklist):
    other = make_checklist(Target(kind="tcp", host="other.example.test", port="80"), slug="other")
    url = issue.get_absolute_url()
    assert "Checklist other" not in warm(editor_client, url)
    other.issues.add(issue)  # from the checklist's side: no content edit
    assert "Checklist other" in read(editor_client, url)
    other.issues.remove(issue)
    assert "Checklist other" not in read(editor_client, url)


def test_a_monitor_removed_leaves_the_next_page(editor_client, issue, monitor):
    assert "monitor-panel" in warm(editor_client, issue.get_absolute_url())
    monitor.delete()
    assert "monitor-panel" not in read(editor_client, issue.get_absolute_url())


def test_checked_minutes_ago_moves_with_the_clock(editor_client, issue):
    url = issue.get_absolute_url()
    assert "checked 3\xa0minutes ago" in monitor_line(
        warm(editor_client, url, HTTP_ACCEPT_LANGUAGE="en")
    )
    later = timezone.now() + timedelta(hours=2)
    with mock.patch.object(timezone, "now", return_value=later):
        with CaptureQueriesContext(connection) as queries:
            line = monitor_line(read(editor_client, url, HTTP_ACCEPT_LANGUAGE="en"))
    assert len(queries) == 0  # still the kept page, filled for this request's time
    assert "checked 2\xa0hours, 3\xa0minutes ago" in line


# --- Rights: a change applies on the next request ---------------------------------


def test_a_revoked_right_to_run_probes_hides_the_live_parts_at_once(editor_client, issue, editor):
    assert "monitor-panel" in warm(editor_client, issue.get_absolute_url())
    group = Group.objects.get(name="Editors")
    group.permissions.remove(Permission.objects.get(codename="run_probes"))
    html = read(editor_client, issue.get_absolute_url())
    assert "monitor-panel" not in html and 'class="step-tools' not in html
    assert reverse("admin:issues_issue_change", args=[issue.pk]) in html  # still an editor


def test_a_revoked_right_to_edit_hides_the_edit_link_at_once(editor_client, issue, editor):
    edit = reverse("admin:issues_issue_change", args=[issue.pk])
    assert edit in warm(editor_client, issue.get_absolute_url())
    group = Group.objects.get(name="Editors")
    group.permissions.remove(Permission.objects.get(codename="change_issue"))
    assert edit not in read(editor_client, issue.get_absolute_url())


def test_an_editor_no_longer_staff_gets_a_readers_page_at_once(editor_client, issue, editor):
    assert 'href="/admin/"' in warm(editor_client, issue.get_absolute_url())
    editor.is_staff = False
    editor.save()
    html = read(editor_client, issue.get_absolute_url())
    assert 'href="/admin/"' not in html and "monitor-panel" not in html


# --- What keeps the parts live ----------------------------------------------------


def test_every_probes_table_a_staff_page_reads_is_registered_as_live(editor_client, issue):
    registered = {
        model._meta.db_table for parts in live.registered() for model in parts.models + parts.links
    }
    read_tables = set()
    for url in (issue.get_absolute_url(), issue.error_codes.get().get_absolute_url()):
        cache.clear()  # a cold render reads everything the page shows
        with CaptureQueriesContext(connection) as queries:
            read(editor_client, url)
        for query in queries:
            read_tables.update(re.findall(r'\b(probes_[a-z_]+)"?', query["sql"]))
    assert {"probes_monitor", "probes_checklist", "probes_checklistitem"} <= read_tables
    assert read_tables <= registered


def test_with_a_per_process_cache_staff_pages_are_rendered_per_request(
    editor_client, issue, settings
):
    # A monitor's state changes in the worker process that checked it, whose memory
    # cache this process never sees.
    settings.KB_PAGE_CACHE = "auto"  # locmem: off
    read(editor_client, issue.get_absolute_url())
    with rendered_templates() as templates:
        read(editor_client, issue.get_absolute_url())
    assert "issues/issue_detail.html" in templates
