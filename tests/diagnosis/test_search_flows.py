"""Search results list the flows covering what was found (and flows named by the query)."""

import pytest

from diagnosis.models import Flow

pytestmark = pytest.mark.django_db


def test_searching_a_code_offers_the_flow_covering_it(client, shipped_content):
    page = client.get("/search/", {"q": "-1018"})
    assert page.status_code == 200
    assert 'id="search-flows-heading"' in page.text
    assert "/diagnose/sdk-login-failure/" in page.text


def test_searching_a_platform_symptom_offers_the_platform_flow(client, shipped_content):
    page = client.get("/search/", {"q": "IM服务器连接中"})
    assert "/diagnose/mobile-client-cannot-connect/" in page.text
    assert "/diagnose/sdk-login-failure/" not in page.text


def test_internal_flows_stay_out_of_readers_results(client, shipped_content):
    Flow.objects.filter(slug="sdk-login-failure").update(visibility=Flow.Visibility.INTERNAL)
    page = client.get("/search/", {"q": "-1018"})
    assert "/diagnose/sdk-login-failure/" not in page.text
    assert "按错误码逐步排查" not in page.text
