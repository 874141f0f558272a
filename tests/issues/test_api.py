"""The JSON detail of an issue and of an error code (issues/api.py)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from issues.models import Issue, Product

pytestmark = pytest.mark.django_db


def test_issue_detail_api_returns_the_whole_entry(client, shipped_content):
    data = client.get("/api/issues/login-error-2004-no-access-permission/").json()
    assert data["slug"] == "login-error-2004-no-access-permission"
    assert data["product"]["slug"] == "mobile-platform"
    assert data["causes"] and data["fixes"]
    assert "html" in data["fixes"][0]
    assert [c["code"] for c in data["error_codes"]] == ["2004"]
    assert "internal_notes" not in data
    assert "source" not in data  # the imported file's name: staff see it on the page only


def test_code_detail_api(client, shipped_content):
    data = client.get("/api/codes/meeting-sdk/-1002/").json()
    assert data["constant"] == "kTMSDKErrorInvalidAuthCode"
    assert data["network_related"] and data["non_network_related"]  # listed as both
    assert data["callbacks"] == ["onLogin()"]


def test_detail_api_404s(client, shipped_content):
    assert client.get("/api/issues/no-such-issue/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/api/codes/meeting-sdk/-9999/").status_code == HTTPStatus.NOT_FOUND


def test_detail_api_errors_in_the_readers_language(client, shipped_content):
    zh = client.get("/api/issues/no-such-issue/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert zh["error"] == "没有这个问题。"
    en = client.get("/api/codes/meeting-sdk/-9999/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["error"] == "No such error code."


def test_urls_keep_their_paths_beside_the_pages():
    assert reverse("issues:api_issue", kwargs={"slug": "x"}) == "/api/issues/x/"
    assert reverse("issues:api_code", kwargs={"product": "p", "code": "-1"}) == "/api/codes/p/-1/"


def test_internal_issue_is_a_404_for_anonymous_readers(client, helpdesk):
    product = Product.objects.create(slug="widget", name="Widget")
    Issue.objects.create(
        product=product,
        slug="internal-one",
        title="内部专用排障",
        status=Issue.Status.PUBLISHED,
        visibility=Issue.Visibility.INTERNAL,
        internal_notes="only for the helpdesk",
    )
    assert client.get("/api/issues/internal-one/").status_code == HTTPStatus.NOT_FOUND
    client.force_login(helpdesk)
    data = client.get("/api/issues/internal-one/").json()
    assert data["internal_notes"]["markdown"] == "only for the helpdesk"
    assert "source" in data
