from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from issues.search.analytics import log_search, prune_search_logs
from issues.search.models import SearchLog

pytestmark = pytest.mark.django_db


def make_log(query, count, *, days_ago=0, clicked=""):
    log = log_search(query=query, normalized_query=query, result_count=count, source="page")
    SearchLog.objects.filter(pk=log.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago), clicked_url=clicked
    )
    return log


def test_page_search_is_logged_normalised(client, make_issue):
    make_issue("vpn", "VPN 掉線")
    client.get("/search/", {"q": "  VPN   掉線 "})
    log = SearchLog.objects.get()
    assert log.normalized_query == "vpn 掉线"  # folded: lowercase, simplified, single spaces
    assert log.result_count == 1 and log.source == "page"


@override_settings(SEARCH_LOG_RETENTION_DAYS=30)
def test_retention_prunes_old_logs_by_command():
    make_log("old", 1, days_ago=31)
    keep = make_log("new", 1, days_ago=29)
    out = StringIO()
    call_command("prune_search_logs", stdout=out)
    assert list(SearchLog.objects.all()) == [keep]
    assert "Deleted 1" in out.getvalue()


def test_prune_with_explicit_days():
    make_log("a", 1, days_ago=5)
    assert prune_search_logs(older_than_days=3) == 1


def test_admin_report_lists_top_and_zero_result_queries(editor_client):
    for _ in range(3):
        make_log("扫码", 4, clicked="/issues/x/")
    make_log("打印机", 0)
    make_log("打印机", 0)
    make_log("ancient gap", 0, days_ago=60)
    response = editor_client.get("/admin/search/searchlog/report/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.OK
    top = list(response.context["top_queries"])
    assert top[0]["normalized_query"] == "扫码" and top[0]["searches"] == 3
    assert top[0]["clicks"] == 3
    gaps = [row["normalized_query"] for row in response.context["zero_result_queries"]]
    assert gaps == ["打印机"]  # the 60-day-old one is outside the default 30 days
    assert "ancient gap" in [
        r["normalized_query"]
        for r in editor_client.get("/admin/search/searchlog/report/?days=90").context[
            "zero_result_queries"
        ]
    ]


def test_admin_report_sends_non_staff_to_the_admin_login(client, helpdesk):
    # Helpdesk accounts are not staff: the admin site asks them to log in as staff.
    client.force_login(helpdesk)
    response = client.get("/admin/search/searchlog/report/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith("/admin/login/")


def test_admin_report_refuses_staff_without_the_view_permission(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("clerk", is_staff=True))
    response = client.get("/admin/search/searchlog/report/")
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_editors_can_edit_synonyms_in_admin(editor_client):
    response = editor_client.post(
        "/admin/search/synonym/add/", {"terms": "闪退, 崩溃, crash", "note": "", "is_active": "on"}
    )
    assert response.status_code == HTTPStatus.FOUND
    response = editor_client.post("/admin/search/synonym/add/", {"terms": "只有一个"})
    assert response.status_code == HTTPStatus.OK  # form error: two terms at least


def test_the_report_counts_searches_not_typing_sessions_in_the_suggestions_box(editor_client):
    make_log("打印机", 0)
    partial = make_log("打", 0)
    SearchLog.objects.filter(pk=partial.pk).update(source="suggest")
    response = editor_client.get("/admin/search/searchlog/report/", HTTP_ACCEPT_LANGUAGE="en")
    gaps = [row["normalized_query"] for row in response.context["zero_result_queries"]]
    assert gaps == ["打印机"]
    assert response.context["totals"]["searches"] == 1
