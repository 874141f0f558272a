"""Search results list the flows covering what was found (and flows named by the query),
unless the flow is itself among the results (flows are entries: test_search_entries)."""

import pytest

from diagnosis.models import Flow

pytestmark = pytest.mark.django_db


def test_searching_a_code_offers_the_flow_covering_it(client, shipped_content):
    # A code typed finds the code first; the flow covering it is offered once: as a
    # result when the search reaches it, else in the aside beside the results.
    page = client.get("/search/", {"q": "-1018"})
    assert page.status_code == 200
    assert page.text.count('href="/diagnose/sdk-login-failure/"') == 1
    as_result = "search-result--flow" in page.text
    assert as_result != ('id="search-flows-heading"' in page.text)


def test_a_flow_found_as_a_result_is_not_listed_again_beside_them(client, shipped_content):
    page = client.get("/search/", {"q": "sdk login failed"})
    assert "search-result--flow" in page.text
    assert page.text.count('href="/diagnose/sdk-login-failure/"') == 1


def test_searching_a_platform_symptom_offers_the_platform_flow(client, shipped_content):
    page = client.get("/search/", {"q": "IM服务器连接中"})
    assert "/diagnose/mobile-client-cannot-connect/" in page.text
    assert "/diagnose/sdk-login-failure/" not in page.text


def test_internal_flows_stay_out_of_readers_results(client, shipped_content):
    flow = Flow.objects.get(slug="sdk-login-failure")
    flow.visibility = Flow.Visibility.INTERNAL
    flow.save()  # as the admin saves it: the flow's search entry stops being public
    page = client.get("/search/", {"q": "-1018"})
    assert "/diagnose/sdk-login-failure/" not in page.text
    assert "按错误码逐步排查" not in page.text
