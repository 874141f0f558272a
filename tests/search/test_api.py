from http import HTTPStatus

import pytest

from issues.search.models import SearchLog

pytestmark = pytest.mark.django_db


def test_search_api_contract(client, shipped_content):
    response = client.get("/api/search/", {"q": "error -1019", "limit": 3})
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["query"] == "error -1019"
    assert data["count"] >= 1
    assert len(data["results"]) <= 3
    first = data["results"][0]
    assert set(first) == {
        "type",
        "type_label",  # what the type is, in the reader's language
        "id",
        "title",
        "url",
        "product",
        "error_codes",
        "snippet",
        "score",
    }
    assert first["type"] == "error_code"
    assert first["url"] == "/codes/meeting-sdk/-1019/"
    assert first["product"] == "meeting-sdk"
    assert first["error_codes"] == ["-1019"]


def test_search_api_filters_by_product_and_tag(client, shipped_content):
    data = client.get("/api/search/", {"q": "登录", "product": "meeting-sdk"}).json()
    assert data["results"] and {r["product"] for r in data["results"]} == {"meeting-sdk"}
    data = client.get("/api/search/", {"q": "证书", "tag": "ios"}).json()
    assert data["results"] and all(r["type"] == "issue" for r in data["results"])


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"q": ""}, "q: Type a symptom"),
        ({"q": "   "}, "q: Type a symptom"),
        ({}, "q: Type a symptom"),
        ({"q": "x" * 501}, "q: The search text is too long"),
        ({"q": "登录\x07失败"}, "q: The search text contains control characters"),
        ({"q": "登录\x00失败"}, "q: "),
        ({"q": "登录", "product": "no-such-product"}, "product: "),
        ({"q": "登录", "tag": "no-such-tag"}, "tag: "),
        ({"q": "登录", "network": "maybe"}, "network: "),
        ({"q": "登录", "type": "page"}, "type: "),
        ({"q": "登录", "limit": "abc"}, "limit: Must be a whole number from 1 to 50."),
        ({"q": "登录", "limit": "0"}, "limit: Must be a whole number from 1 to 50."),
        ({"q": "登录", "limit": "51"}, "limit: Must be a whole number from 1 to 50."),
    ],
)
def test_search_api_rejects_bad_input_with_json_400(client, db, params, fragment):
    response = client.get("/api/search/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert fragment in response.json()["error"]


def test_search_api_logs_queries_and_one_row_per_typing_session(client, shipped_content):
    first = client.get("/api/search/", {"q": "扫码", "suggest": "1"}).json()
    # The next keystroke's request sends the token back: the same row holds what is typed now.
    client.get("/api/search/", {"q": "扫码下载", "suggest": "1", "token": first["click_token"]})
    suggested = SearchLog.objects.get()
    assert suggested.source == "suggest" and suggested.normalized_query == "扫码下载"
    assert suggested.result_count > 0 and suggested.best_score > 0
    client.get("/api/search/", {"q": "扫码下载"})
    log = SearchLog.objects.exclude(pk=suggested.pk).get()
    assert log.source == "api" and log.normalized_query == "扫码下载" and log.result_count > 0


def test_a_suggestion_picked_is_recorded_without_a_csrf_token(shipped_content):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # header boxes sit on cached pages
    data = client.get("/api/search/", {"q": "扫码下载", "suggest": "1"}).json()
    url = data["results"][0]["url"]
    response = client.post(
        data["pick_url"], {"token": data["click_token"], "url": url, "position": "1"}
    )
    assert response.status_code == HTTPStatus.NO_CONTENT
    log = SearchLog.objects.get()
    assert (log.clicked_url, log.clicked_position) == (url, 1)
    forged = client.post(data["pick_url"], {"token": "forged", "url": url, "position": "1"})
    assert forged.status_code == HTTPStatus.BAD_REQUEST


def test_internal_entries_hidden_from_anonymous_api_users(client, helpdesk, make_issue):
    make_issue("internal-one", "内部专用排障", visibility="internal")
    assert client.get("/api/search/", {"q": "内部专用排障"}).json()["count"] == 0
    client.force_login(helpdesk)
    assert client.get("/api/search/", {"q": "内部专用排障"}).json()["count"] == 1
