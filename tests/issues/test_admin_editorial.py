from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.admin_editorial import SESSION_KEY
from issues.models import Issue, Product
from issues.parts import FixSpec, sync_parts
from tests.importer.conftest import FAQ, GUIDE

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:issues_issue_import")
COMMIT_URL = reverse("admin:issues_issue_import_commit")


def upload(client, path, **data):
    document = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")
    # Products are created only when asked (issue 14 item 8); these tests start empty.
    return client.post(IMPORT_URL, {"document": document, "create_products": "on", **data})


def test_upload_shows_a_preview_and_writes_nothing(editor_client):
    response = upload(editor_client, GUIDE, product="meeting-sdk")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "error-code table: -1002, -1005" in page
    assert "原创声明" in page  # kept as free text, shown
    assert "created" in page and "004_9b5b1c46d8420441.txt#procedure" in page
    assert not Issue.objects.exists()
    assert not Product.objects.exists()


def test_commit_imports_what_was_previewed_with_the_editor_in_history(editor_client, editor):
    response = upload(editor_client, FAQ, product="mobile-platform")
    (token,) = editor_client.session[SESSION_KEY]
    assert f'value="{token}"' in response.content.decode()
    response = editor_client.post(COMMIT_URL, {"token": token})
    assert response.status_code == HTTPStatus.FOUND
    assert Issue.objects.count() == 11
    assert Issue.objects.first().history.first().history_user == editor
    again = editor_client.post(COMMIT_URL, {"token": token})  # a preview commits once
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert Issue.objects.count() == 11


def test_bad_uploads_get_a_clear_400(editor_client, settings):
    bad = SimpleUploadedFile("faq.txt", "问题".encode("utf-16"))
    response = editor_client.post(IMPORT_URL, {"document": bad, "product": "x"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "UTF-8, UTF-8 with BOM, GB18030" in response.content.decode()
    response = upload(editor_client, FAQ)  # no product
    assert response.status_code == HTTPStatus.BAD_REQUEST
    settings.KB_IMPORT_MAX_BYTES = 100
    response = upload(editor_client, FAQ, product="x")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Issue.objects.exists()


def test_import_needs_add_permission(client, helpdesk):
    helpdesk.is_staff = True
    helpdesk.save()
    client.force_login(helpdesk)
    assert client.get(IMPORT_URL).status_code == HTTPStatus.FORBIDDEN


def test_import_commit_requires_csrf(editor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(COMMIT_URL, {"token": "x"}).status_code == HTTPStatus.FORBIDDEN


@pytest.fixture
def edited_issue():
    product = Product.objects.create(slug="p", name="P")
    issue = Issue.objects.create(product=product, title="旧标题", slug="entry")
    sync_parts(issue, symptoms=["旧现象"], causes=[], fixes=[FixSpec("旧方法")], reason="t")
    issue = Issue.objects.get(pk=issue.pk)
    issue.title = "新标题"
    issue.save()
    sync_parts(issue, symptoms=["新现象"], causes=[], fixes=[FixSpec("旧方法")], reason="t")
    return Issue.objects.get(pk=issue.pk)


def test_compare_shows_two_revisions_side_by_side(editor_client, edited_issue):
    url = reverse("admin:issues_issue_compare", args=[edited_issue.pk])
    response = editor_client.get(url)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    table = page[page.index('<table class="revision-compare">') :]
    assert table.index("旧标题") < table.index("新标题")  # older on the left
    assert "旧现象" in page and "新现象" in page
    history = editor_client.get(reverse("admin:issues_issue_history", args=[edited_issue.pk]))
    assert url in history.content.decode()
    assert editor_client.get(url, {"old": "x"}).status_code == HTTPStatus.BAD_REQUEST
    assert editor_client.get(url, {"old": 999999}).status_code == HTTPStatus.BAD_REQUEST


def test_restore_from_the_compare_page(editor_client, edited_issue):
    first = edited_issue.history.earliest()
    url = reverse("admin:issues_issue_restore", args=[edited_issue.pk])
    response = editor_client.post(
        url, {"revision": first.history_id, "version": edited_issue.version}
    )
    assert response.status_code == HTTPStatus.FOUND
    restored = Issue.objects.get(pk=edited_issue.pk)
    assert restored.title == "旧标题"
    assert [s.text for s in restored.symptoms.all()] == ["旧现象"]


def test_restore_on_a_stale_page_is_refused(editor_client, edited_issue):
    first = edited_issue.history.earliest()
    url = reverse("admin:issues_issue_restore", args=[edited_issue.pk])
    stale_version = edited_issue.version - 1
    response = editor_client.post(url, {"revision": first.history_id, "version": stale_version})
    assert response.status_code == HTTPStatus.FOUND
    assert Issue.objects.get(pk=edited_issue.pk).title == "新标题"


def test_review_actions_and_due_filter(editor_client, editor, edited_issue):
    changelist = reverse("admin:issues_issue_changelist")
    for action in ("submit_for_review", "approve_and_publish"):
        editor_client.post(changelist, {"action": action, "_selected_action": [edited_issue.pk]})
    issue = Issue.objects.get(pk=edited_issue.pk)
    assert (issue.status, issue.approved_by) == (Issue.Status.PUBLISHED, editor)
    assert "新标题" in editor_client.get(changelist, {"due": "yes"}).content.decode()
    editor_client.post(
        changelist, {"action": "mark_verified", "_selected_action": [edited_issue.pk]}
    )
    assert Issue.objects.get(pk=edited_issue.pk).last_verified_on is not None
    assert "新标题" not in editor_client.get(changelist, {"due": "yes"}).content.decode()
