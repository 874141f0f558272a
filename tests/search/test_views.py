from http import HTTPStatus

import pytest
from django.test import Client

from issues.search.models import SearchLog

pytestmark = pytest.mark.django_db


def test_results_page_shows_highlighted_results_and_facets(client, shipped_content):
    response = client.get("/search/", {"q": "扫码下载没有ip端口"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "/issues/qr-code-download-address-missing-ip-port/" in html
    assert "<mark>" in html
    assert 'name="product"' in html and 'name="tag"' in html and 'name="network"' in html
    assert "js/suggest.js" in html
    assert "<script>" not in html  # no inline scripts


def test_network_facet_narrows_the_page(client, shipped_content):
    html = client.get("/search/", {"q": "登录", "network": "0"}).content.decode()
    assert "/issues/device-bound-to-previous-account/" in html
    assert "/issues/client-login-connection-timeout/" not in html


def test_zero_results_offer_a_way_to_browse(client, shipped_content):
    response = client.get("/search/", {"q": "打印机卡纸墨盒"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Nothing matches “打印机卡纸墨盒” closely enough." in html
    assert "Narrow the results" not in html  # nothing to narrow
    assert 'href="/codes/"' in html and "product=mobile-platform" in html and "tag=ios" in html


def test_closest_entries_when_nothing_passes_the_share(client, make_issue):
    issue = make_issue("one-word", "蓝牙键盘")
    make_issue("other-word", "无线耳机")
    make_issue("third-word", "充电底座")
    html = client.get("/search/", {"q": "蓝牙 耳机 底座 鼠标"}, HTTP_ACCEPT_LANGUAGE="en").content
    assert b"Closest entries" in html
    assert issue.get_absolute_url().encode() in html


def test_bad_query_is_a_clear_400_not_a_500(client, db):
    for q in ["", "x" * 501, "a\x07b"]:
        response = client.get("/search/", {"q": q})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert b'role="alert"' in response.content


def test_empty_page_offers_a_search_box(client, db):
    response = client.get("/search/")
    assert response.status_code == HTTPStatus.OK
    assert b'name="q"' in response.content


def test_click_beacon_records_internal_links_only(shipped_content):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/search/", {"q": "error 2004"})
    log = SearchLog.objects.get()
    csrf, token = page.context["csrf_token"], page.context["click_token"]
    assert f'data-click-token="{token}"' in page.content.decode()
    url = "/codes/mobile-platform/2004/"
    for bad in ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]:
        response = client.post(
            "/search/click/", {"token": token, "url": bad, "csrfmiddlewaretoken": csrf}
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
    response = client.post(
        "/search/click/", {"token": token, "url": url, "position": 1, "csrfmiddlewaretoken": csrf}
    )
    assert response.status_code == HTTPStatus.NO_CONTENT
    log.refresh_from_db()
    assert log.clicked_url == url and log.clicked_position == 1


def test_a_click_needs_the_token_of_its_search_and_counts_once(shipped_content):
    """Issue 14 item 7: an anonymous POST with a log id rewrote any search's click."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/search/", {"q": "error 2004"})
    log = SearchLog.objects.get()
    csrf, token = page.context["csrf_token"], page.context["click_token"]
    forged = {"log": log.pk, "url": "/issues/forged/", "csrfmiddlewaretoken": csrf}
    assert client.post("/search/click/", forged).status_code == HTTPStatus.BAD_REQUEST
    tampered = {"token": token[:-2] + "xx", "url": "/issues/forged/", "csrfmiddlewaretoken": csrf}
    assert client.post("/search/click/", tampered).status_code == HTTPStatus.BAD_REQUEST
    log.refresh_from_db()
    assert log.clicked_url == ""
    first = {"token": token, "url": "/codes/mobile-platform/2004/", "csrfmiddlewaretoken": csrf}
    assert client.post("/search/click/", first).status_code == HTTPStatus.NO_CONTENT
    again = {**first, "url": "/issues/forged/"}
    assert client.post("/search/click/", again).status_code == HTTPStatus.CONFLICT
    log.refresh_from_db()
    assert log.clicked_url == "/codes/mobile-platform/2004/"
    assert "log" not in client.get("/api/search/", {"q": "error 2004"}).json()


def test_click_beacon_needs_csrf():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/search/click/", {"token": "x", "url": "/"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_facet_links_without_a_query_browse_the_entries(client, shipped_content):
    response = client.get("/search/", {"product": "meeting-sdk"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "/issues/sdk-login-network-troubleshooting/" in html
    assert "/codes/meeting-sdk/-1019/" in html
    assert "/issues/im-server-connecting/" not in html
    assert SearchLog.objects.count() == 0  # browsing is not a search
    html = client.get("/search/", {"tag": "ios"}).content.decode()
    assert "/issues/ios-untrusted-enterprise-developer/" in html
    assert "/issues/client-splash-screen-setup/" not in html
    assert client.get("/search/", {"tag": "nope"}).status_code == HTTPStatus.BAD_REQUEST
