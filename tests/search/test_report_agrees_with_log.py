"""The search report and the search log agree for the editor reading them: the log lists
searches by default (as the report counts them), and the report names the suggestion
sessions the log also holds, with a link to each set."""

import re
from html import unescape
from http import HTTPStatus

import pytest

from issues.search.models import SearchLog

pytestmark = pytest.mark.django_db

REPORT = "/admin/search/searchlog/report/"
LOG = "/admin/search/searchlog/"


@pytest.fixture
def logs():
    for query, source in [
        ("扫码下载", "page"),
        ("扫码下载", "page"),
        ("打印机", "page"),
        ("-1019", "api"),
        ("扫", "suggest"),
        ("打印", "suggest"),
    ]:
        SearchLog.objects.create(query=query, normalized_query=query, result_count=1, source=source)


def test_the_report_names_the_suggestion_sessions_beside_the_searches(editor_client, logs):
    response = editor_client.get(REPORT, HTTP_ACCEPT_LANGUAGE="en")
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))
    assert "4 searches, 0 without results" in text
    assert "The log also lists 2 suggestion sessions (typing in the search box)" in text
    chinese = editor_client.get(REPORT, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "日志中另有 2 次联想输入会话" in chinese


def test_the_log_lists_searches_by_default_as_many_as_the_report_counts(editor_client, logs):
    report = editor_client.get(REPORT, HTTP_ACCEPT_LANGUAGE="en")
    counted = report.context["totals"]["searches"]
    listed = editor_client.get(LOG, HTTP_ACCEPT_LANGUAGE="en")
    assert listed.status_code == HTTPStatus.OK
    assert listed.context["cl"].result_count == counted == 4
    assert "suggest" not in {row.source for row in listed.context["cl"].result_list}
    suggestions = editor_client.get(LOG, {"kind": "suggestions"})
    assert suggestions.context["cl"].result_count == report.context["totals"]["suggestion_sessions"]
    assert editor_client.get(LOG, {"kind": "all"}).context["cl"].result_count == 6


def test_the_reports_links_open_the_same_rows_in_the_log(editor_client, logs):
    html = editor_client.get(REPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    links = [
        unescape(href) for href in re.findall(r'href="(/admin/search/searchlog/\?[^"]+)"', html)
    ]
    assert len(links) == 2
    counts = [editor_client.get(link).context["cl"].result_count for link in links]
    assert counts == [4, 2]


def test_the_filter_shows_searches_selected_when_nothing_is_chosen(editor_client, logs):
    html = editor_client.get(LOG, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    selected = re.findall(r'<li class="selected">\s*<a href="[^"]*kind=(\w+)', html)
    assert selected[:1] == ["searches"]
