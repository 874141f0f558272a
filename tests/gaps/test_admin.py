"""The queue in the admin: listing, filters, acting on a gap, permissions, insights."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from gaps.models import Gap, GapDay
from issues.models import Issue
from issues.search.models import BestBet, SearchLog, Synonym
from tests.issues.factories import make_issue, make_product

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/gaps/gap/"


def gap(title, *, kind=Gap.Kind.ZERO_RESULTS, counts=(), product=None, **fields):
    """A gap with per-day counts: ``counts`` are (days ago, count)."""
    now = timezone.now()
    made = Gap.objects.create(
        kind=kind, key=title, title=title, first_seen=now, last_seen=now, product=product, **fields
    )
    today = timezone.localdate()
    for days_ago, count in counts:
        GapDay.objects.create(gap=made, day=today - timedelta(days=days_ago), count=count)
    return made


def listed(client, **params):
    response = client.get(CHANGELIST, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.OK
    return [g.title for g in response.context["cl"].result_list]


def act(client, target, action, data=None):
    url = reverse("admin:gaps_gap_act", args=[target.pk, action])
    return client.post(url, data or {}, HTTP_ACCEPT_LANGUAGE="en")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_queue_is_sorted_by_signals_in_the_period(editor_client):
    gap("often long ago", counts=[(40, 50)])
    gap("often this week", counts=[(1, 6), (2, 3)])
    gap("once today", counts=[(0, 1)])
    assert listed(editor_client) == ["often this week", "once today", "often long ago"]
    assert listed(editor_client, period="90") == [
        "often long ago",
        "often this week",
        "once today",
    ]
    page = editor_client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<svg" in page  # the trend column


def test_the_queue_filters_by_kind_product_status_and_assignee(editor_client, editor):
    sdk = make_product(slug="sdk", name="会议 SDK")
    gap("no result", counts=[(0, 1)])
    gap("not helpful", kind=Gap.Kind.NOT_HELPFUL, product=sdk, counts=[(0, 2)])
    gap("mine", status=Gap.Status.IN_PROGRESS, assignee=editor, counts=[(0, 3)])
    gap("handled", status=Gap.Status.DISMISSED, counts=[(0, 4)])
    assert listed(editor_client, kind="not_helpful") == ["not helpful"]
    assert listed(editor_client, product__id__exact=sdk.pk) == ["not helpful"]
    assert listed(editor_client, status="dismissed") == ["handled"]
    assert listed(editor_client, assignee__id__exact=editor.pk) == ["mine"]


def test_drafting_an_issue_from_a_gap_opens_the_new_draft(editor_client):
    product = make_product()
    target = gap("视频会议卡顿")
    response = act(editor_client, target, "draft", {"product": product.pk})
    issue = Issue.objects.get(title="视频会议卡顿")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("admin:issues_issue_change", args=[issue.pk])
    assert issue.status == Issue.Status.DRAFT
    target.refresh_from_db()
    assert (target.status, target.drafted_issue) == (Gap.Status.IN_PROGRESS, issue)


def test_adding_the_query_as_a_synonym_from_the_gap_page(editor_client, editor):
    group = Synonym.objects.create(terms="扫码, 扫描二维码")
    target = gap("扫一扫")
    page = editor_client.get(reverse("admin:gaps_gap_change", args=[target.pk])).content.decode()
    assert reverse("admin:gaps_gap_act", args=[target.pk, "synonym"]) in page
    response = act(editor_client, target, "synonym", {"group": group.pk, "term": "扫一扫"})
    assert response.url == reverse("admin:gaps_gap_change", args=[target.pk])
    group.refresh_from_db()
    target.refresh_from_db()
    assert "扫一扫" in group.members()
    assert (target.status, target.resolved_by) == (Gap.Status.RESOLVED, editor)


def test_pinning_a_best_answer_from_the_gap_page(editor_client, editor):
    answer = make_issue(title="画面卡顿怎么办")
    target = gap("视频会议卡顿", kind=Gap.Kind.WEAK_RESULTS)
    response = act(editor_client, target, "pin", {"issue": answer.pk, "error_code": ""})
    assert response.status_code == HTTPStatus.FOUND
    bet = BestBet.objects.get()
    assert (bet.query, bet.issue, bet.created_by) == ("视频会议卡顿", answer, editor)
    target.refresh_from_db()
    assert target.status == Gap.Status.RESOLVED


def test_dismissing_without_a_reason_is_refused_with_a_message(editor_client):
    target = gap("asdf")
    response = act(editor_client, target, "dismiss", {"dismiss-reason": ""})
    assert response.url == reverse("admin:gaps_gap_change", args=[target.pk])
    assert any("required" in m for m in messages_of(response))
    target.refresh_from_db()
    assert target.status == Gap.Status.OPEN
    act(editor_client, target, "dismiss", {"dismiss-reason": "键盘乱按"})
    target.refresh_from_db()
    assert (target.status, target.resolution) == (Gap.Status.DISMISSED, "键盘乱按")


def test_acting_needs_the_rights_the_action_uses(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Helpdesk"))
    client.force_login(viewer)
    target = gap("视频会议卡顿")
    assert client.get(CHANGELIST).status_code == HTTPStatus.FORBIDDEN
    assert act(client, target, "dismiss", {"dismiss-reason": "x"}).status_code == 403
    # Gap rights alone do not let one write synonyms, best bets or issues.
    gaps_only = django_user_model.objects.create_user("triage", is_staff=True)
    gaps_only.user_permissions.add(
        *Group.objects.get(name="Editors").permissions.filter(content_type__app_label="gaps")
    )
    client.force_login(gaps_only)
    product = make_product()
    assert act(client, target, "draft", {"product": product.pk}).status_code == 403
    answer = make_issue(product=product)
    assert act(client, target, "pin", {"issue": answer.pk}).status_code == 403
    assert act(client, target, "nonsense").status_code == 403
    assert not Issue.objects.filter(title="视频会议卡顿").exists()
    assert act(client, target, "dismiss", {"dismiss-reason": "重复"}).status_code == 302
    assert client.get(reverse("admin:gaps_gap_act", args=[target.pk, "dismiss"])).status_code == 405


def test_the_insights_page_draws_every_chart_and_each_downloads_as_csv(editor_client):
    for n in range(3):
        SearchLog.objects.create(
            query=f"q{n}", normalized_query=f"q{n}", result_count=n, source="page"
        )
    from gaps.metrics import metrics_refresh

    metrics_refresh()
    url = reverse("admin:gaps_gap_insights")
    response = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    names = [chart.name for chart in response.context["charts"]]
    assert len(names) >= 6
    assert 'id="insights-data"' in page and "chart.umd.min.js" in page
    assert "<script>" not in page.replace('<script id="insights-data"', "")
    for name in names:
        csv = editor_client.get(url, {"csv": name, "period": "7"})
        assert csv.status_code == HTTPStatus.OK, name
        assert csv["Content-Type"].startswith("text/csv")
        assert csv["Content-Disposition"].startswith(f'attachment; filename="{name}-')
    searches = editor_client.get(url, {"csv": "searches", "period": "7"}).content.decode()
    assert searches.splitlines()[-1].split(",")[1] == "3"
    assert editor_client.get(url, {"csv": "nope"}).status_code == HTTPStatus.NOT_FOUND


def test_collect_now_files_what_happened_since_the_scheduler_ran(editor_client):
    SearchLog.objects.create(
        query="视频会议卡顿", normalized_query="视频会议卡顿", result_count=0, source="page"
    )
    assert listed(editor_client) == []
    response = editor_client.post(reverse("admin:gaps_gap_collect"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.FOUND
    assert "视频会议卡顿" in listed(editor_client)
    assert any("new signals filed" in str(m) for m in get_messages(response.wsgi_request))


def test_insights_count_today_without_waiting_for_the_collector(editor_client):
    for n in range(3):
        SearchLog.objects.create(
            query=f"q{n}", normalized_query=f"q{n}", result_count=n, source="page"
        )
    response = editor_client.get(reverse("admin:gaps_gap_insights"), HTTP_ACCEPT_LANGUAGE="en")
    searches = next(c for c in response.context["charts"] if c.name == "searches")
    assert searches.series[0]["data"][-1] == 3
