"""Error codes follow their entries: a draft import publishes nothing (issue 13)."""

from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command

from issues import workflow
from issues.models import ErrorCode, Issue, Product
from tests.importer.conftest import FAQ

pytestmark = pytest.mark.django_db

CODE_URL = "/codes/mobile-platform/2004/"


def import_faq(**options):
    call_command(
        "import_kb",
        str(FAQ),
        product="mobile-platform",
        create_products=True,
        verbosity=0,
        **options,
    )


def searched(client, query):
    return [r["url"] for r in client.get("/api/search/", {"q": query}).json()["results"]]


def test_a_draft_import_publishes_no_code(client, reviewer):
    import_faq()
    code = ErrorCode.objects.get(product__slug="mobile-platform", code="2004")
    assert code.status == ErrorCode.Status.DRAFT
    assert client.get(CODE_URL).status_code == HTTPStatus.NOT_FOUND
    assert "2004" not in client.get("/codes/").content.decode()
    assert CODE_URL not in searched(client, "2004")
    assert CODE_URL not in client.get("/sitemap.xml").content.decode()
    # Once the entry explaining it is published, the code has a page.
    issue = code.issues.get()
    workflow.issue_publish(issue=issue, user=reviewer)
    assert client.get(CODE_URL).status_code == HTTPStatus.OK
    assert "2004" in client.get("/codes/").content.decode()
    assert CODE_URL in searched(client, "2004")
    # Taken back to draft, the code goes with it.
    workflow.issue_unpublish(issue=Issue.objects.get(pk=issue.pk), user=reviewer)
    assert client.get(CODE_URL).status_code == HTTPStatus.NOT_FOUND
    assert CODE_URL not in searched(client, "2004")


def test_an_internal_entry_shows_its_code_to_staff_readers_only(client, helpdesk, reviewer):
    import_faq()
    issue = ErrorCode.objects.get(code="2004").issues.get()
    issue.visibility = Issue.Visibility.INTERNAL
    issue.save()
    workflow.issue_publish(issue=Issue.objects.get(pk=issue.pk), user=reviewer)
    assert client.get(CODE_URL).status_code == HTTPStatus.NOT_FOUND
    client.force_login(helpdesk)
    assert client.get(CODE_URL).status_code == HTTPStatus.OK


def test_a_code_published_in_its_own_right_needs_no_entry(client):
    product = Product.objects.create(slug="meeting-sdk", name="会议 SDK")
    ErrorCode.objects.create(product=product, code="-1019", description="token 校验失败")
    assert client.get("/codes/meeting-sdk/-1019/").status_code == HTTPStatus.OK


def test_a_publishing_import_publishes_codes_and_records_the_approver(client, reviewer):
    import_faq(publish=True, user="reviewer")
    assert ErrorCode.objects.get(code="2004").status == ErrorCode.Status.PUBLISHED
    assert client.get(CODE_URL).status_code == HTTPStatus.OK
    assert set(Issue.objects.values_list("approved_by", flat=True)) == {reviewer.pk}
    revision = Issue.objects.first().revisions.get()
    assert (revision.reason, revision.user) == ("imported", reviewer)
    assert revision.detail == FAQ.name


def test_publishing_needs_the_approve_permission_and_writes_nothing_without_it(helpdesk):
    with pytest.raises(CommandError, match="approve permission"):
        import_faq(publish=True, user="helpdesk")
    assert not Issue.objects.exists() and not ErrorCode.objects.exists()
