from http import HTTPStatus

import pytest
from django.urls import reverse

from issues.models import Issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_etag(client, shipped_content):
    response = client.get(reverse("issues:home"))
    assert response.status_code == HTTPStatus.OK
    return response["ETag"]


def test_home_answers_304_while_nothing_shown_changed(client, home_etag):
    again = client.get(reverse("issues:home"), HTTP_IF_NONE_MATCH=home_etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_home_etag_changes_when_an_issue_title_changes(client, home_etag):
    issue = Issue.objects.published().order_by("-updated_at").first()
    issue.title = "新的标题"
    issue.save()
    response = client.get(reverse("issues:home"), HTTP_IF_NONE_MATCH=home_etag)
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != home_etag


def test_home_etag_differs_by_language(client, home_etag):
    english = client.get(reverse("issues:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert english["ETag"] != home_etag


def test_signed_in_readers_get_no_validator(editor_client, shipped_content):
    response = editor_client.get(reverse("issues:home"))
    assert "ETag" not in response
