"""Readers answer "did this solve your problem?" on error-code pages too: some fixes live
only there (the SDK codes' own fixes)."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse

from issues.models import Feedback, Issue
from tests.issues.factories import make_code, make_issue_page_example, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate limits from other tests


@pytest.fixture
def issue():
    return make_issue_page_example()


def test_code_page_asks_whether_it_helped_and_thanks_the_reader(client, issue):
    code = issue.error_codes.get()
    page = client.get(code.get_absolute_url()).content.decode()
    action = reverse("issues:code_feedback", kwargs={"product": "sdk", "code": "-1019"})
    assert f'action="{action}"' in page
    response = client.post(action, {"helpful": "no", "comment": "  缺少第三步  "})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{code.get_absolute_url()}?feedback=thanks#feedback"
    feedback = Feedback.objects.get()
    assert feedback.error_code == code
    assert feedback.issue is None
    assert feedback.helpful is False
    assert feedback.comment == "缺少第三步"
    thanks = client.get(response["Location"]).content.decode()
    assert 'role="status"' in thanks
    assert f'action="{action}"' not in thanks


def test_code_feedback_without_an_answer_is_refused_with_a_way_back(client, issue):
    code = issue.error_codes.get()
    action = reverse("issues:code_feedback", kwargs={"product": "sdk", "code": "-1019"})
    response = client.post(action, {"comment": "?"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert f'href="{code.get_absolute_url()}#feedback"' in html
    assert "Error code -1019" in html
    assert not Feedback.objects.exists()


def test_code_feedback_is_rate_limited_per_client(client, issue, settings):
    settings.FEEDBACK_RATE_LIMIT = "1/600"
    action = reverse("issues:code_feedback", kwargs={"product": "sdk", "code": "-1019"})
    assert client.post(action, {"helpful": "yes"}).status_code == HTTPStatus.FOUND
    assert client.post(action, {"helpful": "yes"}).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert Feedback.objects.count() == 1


def test_feedback_for_an_unknown_code_is_404(client, issue):
    action = reverse("issues:code_feedback", kwargs={"product": "sdk", "code": "-9999"})
    assert client.post(action, {"helpful": "yes"}).status_code == HTTPStatus.NOT_FOUND


def test_feedback_is_about_exactly_one_issue_or_code(issue):
    code = make_code(make_product(slug="other", name="其他"), "7")
    for fields in ({}, {"issue": issue, "error_code": code}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Feedback.objects.create(helpful=True, **fields)


def test_a_code_readers_cannot_open_takes_no_answers(client):
    draft = make_issue_page_example(status=Issue.Status.DRAFT)
    code = draft.error_codes.get()
    code.status = code.Status.DRAFT  # explained by a draft only, not published itself
    code.save()
    action = reverse("issues:code_feedback", kwargs={"product": "sdk", "code": code.code})
    assert client.get(code.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.post(action, {"helpful": "yes"}).status_code == HTTPStatus.NOT_FOUND
    assert not Feedback.objects.exists()
