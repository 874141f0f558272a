"""'Did this solve your problem?': anonymous answers, CSRF, rate limit, the service."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from issues import services
from issues.models import Feedback, Issue
from tests.issues.factories import make_issue_with_parts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issue():
    return make_issue_with_parts()


def feedback_url(issue):
    return reverse("issues:issue_feedback", kwargs={"slug": issue.slug})


def test_page_shows_the_question_with_csrf_token(client, issue):
    html = client.get(issue.get_absolute_url()).content.decode()
    form = html[html.index('id="feedback"') :]
    assert f'action="{feedback_url(issue)}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="helpful" value="yes"' in form and 'name="helpful" value="no"' in form


def test_anonymous_reader_answers_yes(client, issue):
    response = client.post(feedback_url(issue), {"helpful": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.headers["Location"] == f"{issue.get_absolute_url()}?feedback=thanks#feedback"
    feedback = Feedback.objects.get()
    assert feedback.issue == issue and feedback.helpful is True and feedback.comment == ""
    thanks = client.get(response.headers["Location"]).content.decode()
    assert "notice--success" in thanks


def test_answer_no_with_comment(client, issue):
    client.post(feedback_url(issue), {"helpful": "no", "comment": "  第二步找不到菜单  "})
    feedback = Feedback.objects.get()
    assert feedback.helpful is False and feedback.comment == "第二步找不到菜单"


def test_post_without_csrf_token_is_refused():
    issue = make_issue_with_parts()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(feedback_url(issue), {"helpful": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Feedback.objects.exists()


def test_post_with_csrf_token_from_the_page_is_accepted():
    issue = make_issue_with_parts()
    strict = Client(enforce_csrf_checks=True)
    strict.get(issue.get_absolute_url())
    token = strict.cookies["csrftoken"].value
    response = strict.post(feedback_url(issue), {"helpful": "yes", "csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [{}, {"helpful": "maybe"}, {"helpful": "yes", "comment": "x" * 2001}],
    ids=["missing", "invalid", "comment-too-long"],
)
def test_bad_input_is_400_with_a_message(client, issue, data):
    response = client.post(feedback_url(issue), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'role="alert"' in response.content.decode()
    assert not Feedback.objects.exists()


def test_get_is_not_allowed(client, issue):
    assert client.get(feedback_url(issue)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize(
    "fields",
    [{"status": Issue.Status.DRAFT}, {"visibility": Issue.Visibility.INTERNAL}],
    ids=["draft", "internal"],
)
def test_hidden_issues_take_no_anonymous_feedback(client, fields):
    hidden = make_issue_with_parts(**fields)
    assert client.post(feedback_url(hidden), {"helpful": "yes"}).status_code == HTTPStatus.NOT_FOUND
    assert not Feedback.objects.exists()


def test_rate_limited_per_client_address(client, issue, settings):
    settings.FEEDBACK_RATE_LIMIT = "3/600"
    for _ in range(3):
        response = client.post(feedback_url(issue), {"helpful": "yes"}, REMOTE_ADDR="192.0.2.7")
        assert response.status_code == HTTPStatus.FOUND
    refused = client.post(feedback_url(issue), {"helpful": "no"}, REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 'role="alert"' in refused.content.decode()
    assert Feedback.objects.count() == 3
    # Another client is not affected.
    other = client.post(feedback_url(issue), {"helpful": "no"}, REMOTE_ADDR="192.0.2.8")
    assert other.status_code == HTTPStatus.FOUND
    assert Feedback.objects.count() == 4


def test_service_records_and_limits(issue, settings):
    settings.FEEDBACK_RATE_LIMIT = "1/600"
    saved = services.feedback_submit(issue=issue, helpful=True, comment=" ok ", client="a")
    assert saved.pk and saved.comment == "ok"
    with pytest.raises(services.FeedbackRateLimited):
        services.feedback_submit(issue=issue, helpful=False, client="a")
    assert Feedback.objects.count() == 1


def test_feedback_does_not_touch_the_issue_version(client, issue):
    version = issue.version
    client.post(feedback_url(issue), {"helpful": "yes"})
    issue.refresh_from_db()
    assert issue.version == version


def test_a_comment_is_stored_with_personal_data_masked(client, issue):
    typed = "call me on 138-0013-8000 or mail li.lei@example.com, still fails with -1019"
    client.post(feedback_url(issue), {"helpful": "no", "comment": typed})
    assert Feedback.objects.get(issue=issue).comment == (
        "call me on [phone] or mail [email], still fails with -1019"
    )


def test_the_migration_masks_comments_stored_before(issue):
    from importlib import import_module

    from django.apps import apps

    Feedback.objects.create(issue=issue, helpful=False, comment="mail li.lei@example.com")
    Feedback.objects.create(issue=issue, helpful=True, comment="fine now")
    import_module("issues.migrations.0006_mask_feedback_comments").mask_comments(apps, None)
    assert sorted(Feedback.objects.values_list("comment", flat=True)) == [
        "fine now",
        "mail [email]",
    ]
