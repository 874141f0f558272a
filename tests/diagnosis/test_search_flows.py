"""Search results list the flows covering what was found (and flows named by the query),
unless the flow is itself among the results (flows are entries: test_search_entries)."""

import pytest

from diagnosis.models import Flow

pytestmark = pytest.mark.django_db


def test_searching_a_code_offers_the_flow_covering_it(client, shipped_content):
    # A code typed finds the code (and the issue explaining it), not the flow: the aside
    # offers the flow covering them.
    page = client.get("/search/", {"q": "-1018"})
    assert page.status_code == 200
    assert 'id="search-flows-heading"' in page.text
    assert page.text.count('href="/diagnose/sdk-login-failure/"') == 1


def test_a_flow_found_as_a_result_is_not_listed_again_beside_them(client, shipped_content):
    page = client.get("/search/", {"q": "sdk login failed"})
    assert "search-result--flow" in page.text
    assert page.text.count('href="/diagnose/sdk-login-failure/"') == 1


def test_searching_a_platform_symptom_offers_the_platform_flow(client, shipped_content):
    page = client.get("/search/", {"q": "IM服务器连接中"})
    assert "/diagnose/mobile-client-cannot-connect/" in page.text
    assert "/diagnose/sdk-login-failure/" not in page.text


def test_internal_flows_stay_out_of_readers_results(client, shipped_content):
    Flow.objects.filter(slug="sdk-login-failure").update(visibility=Flow.Visibility.INTERNAL)
    page = client.get("/search/", {"q": "-1018"})
    assert "/diagnose/sdk-login-failure/" not in page.text
    assert "按错误码逐步排查" not in page.text
