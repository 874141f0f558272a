from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from issues import workflow
from issues.admin_editorial import SESSION_KEY
from issues.models import Issue, Product
from issues.parts import FixSpec, sync_parts
from issues.revisions import revision
from tests.importer.conftest import FAQ, GUIDE
from tests.issues.admin_helpers import change_form_data

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
    assert "错误码表：-1002, -1005" in page  # the report in the editor's language
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
def edited_issue(editor):
    product = Product.objects.create(slug="p", name="P")
    with revision(user=editor):
        issue = Issue.objects.create(product=product, title="旧标题", slug="entry")
        sync_parts(issue, symptoms=["旧现象"], causes=[], fixes=[FixSpec("旧方法")], reason="t")
    with revision(user=editor):
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
    # The two drop-downs tell revisions apart: number, local time, who, why.
    labels = [label for _, label in response.context["choices"]]
    assert len(set(labels)) == len(labels) == 2
    assert labels[0].startswith("#2 · ") and "editor" in labels[0]
    history = editor_client.get(reverse("admin:issues_issue_history", args=[edited_issue.pk]))
    assert url in history.content.decode()
    assert editor_client.get(url, {"old": "x"}).status_code == HTTPStatus.BAD_REQUEST
    assert editor_client.get(url, {"old": 999999}).status_code == HTTPStatus.BAD_REQUEST


def test_history_lists_one_numbered_readable_revision_per_save(
    editor_client, editor, edited_issue, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    response = editor_client.get(
        reverse("admin:issues_issue_history", args=[edited_issue.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    rows = response.context["rows"]
    assert [row["revision"].number for row in rows] == [2, 1]
    newest = rows[0]
    assert newest["reason"] == "已编辑"
    assert "标题" in newest["changes"] and "现象 1" in newest["changes"]
    assert "已发布" not in newest["changes"]  # nothing else is claimed to have changed
    when = timezone.localtime(newest["revision"].created_at).strftime("%Y-%m-%d %H:%M")
    assert newest["when"] == when  # TIME_ZONE, to the minute
    page = response.content.decode()
    assert "None" not in page and "pk=None" not in page


def test_saving_the_change_form_is_one_revision_with_parts_and_a_generated_slug(
    editor_client, editor
):
    product = Product.objects.create(slug="mobile-platform", name="移动管理平台")
    add = reverse("admin:issues_issue_add")
    data = change_form_data(editor_client.get(add))
    data.update(
        {
            "product": product.pk,
            "title": "扫码登录失败",
            "slug": "",
            "symptoms-TOTAL_FORMS": 1,
            "symptoms-0-text": "扫码后提示登录失败",
            "symptoms-0-position": 1,
            "fixes-TOTAL_FORMS": 1,
            "fixes-0-body": "重新生成二维码",
            "fixes-0-position": 1,
        }
    )
    response = editor_client.post(add, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    issue = Issue.objects.get(title="扫码登录失败")
    assert issue.slug == "saoma-denglu-shibai"
    assert issue.status == Issue.Status.DRAFT
    (first,) = issue.revisions.all()
    assert (first.number, first.reason, first.user) == (1, "created", editor)
    assert first.state["symptoms"] == ["扫码后提示登录失败"]
    assert first.state["fixes"] == [{"body": "重新生成二维码", "cause": None}]


def test_the_status_is_not_an_editable_field(editor_client, edited_issue):
    url = reverse("admin:issues_issue_change", args=[edited_issue.pk])
    data = change_form_data(editor_client.get(url))
    assert "status" not in data
    data["status"] = "published"
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    assert Issue.objects.get(pk=edited_issue.pk).status == Issue.Status.DRAFT


def test_restore_asks_first_showing_what_changes_then_restores(editor_client, edited_issue):
    url = reverse("admin:issues_issue_restore", args=[edited_issue.pk, 1])
    page = editor_client.get(url)
    assert page.status_code == HTTPStatus.OK
    changed = {row.key: (row.old, row.new) for row in page.context["rows"]}
    assert changed["symptom-1"] == ("新现象", "旧现象")
    assert changed["title"] == ("新标题", "旧标题")
    assert Issue.objects.get(pk=edited_issue.pk).title == "新标题"  # nothing written yet
    response = editor_client.post(url, {"version": edited_issue.version})
    assert response.status_code == HTTPStatus.FOUND
    restored = Issue.objects.get(pk=edited_issue.pk)
    assert restored.title == "旧标题"
    assert [s.text for s in restored.symptoms.all()] == ["旧现象"]
    latest = restored.revisions.order_by("-number").first()
    assert (latest.number, latest.reason, latest.detail) == (3, "restored", "1")


def test_restore_on_a_stale_page_is_refused(editor_client, edited_issue):
    url = reverse("admin:issues_issue_restore", args=[edited_issue.pk, 1])
    stale_version = edited_issue.version - 1
    response = editor_client.post(url, {"version": stale_version})
    assert response.status_code == HTTPStatus.FOUND
    assert Issue.objects.get(pk=edited_issue.pk).title == "新标题"


def test_restore_refuses_to_empty_a_published_entry(editor_client, editor, reviewer, edited_issue):
    with revision(user=editor):
        bare = Issue.objects.create(product=edited_issue.product, title="无方法", slug="bare")
    sync_parts(bare, symptoms=["x"], causes=[], fixes=[FixSpec("做这个")], reason="t")
    workflow.issue_publish(issue=Issue.objects.get(pk=bare.pk), user=reviewer)
    bare = Issue.objects.get(pk=bare.pk)
    url = reverse("admin:issues_issue_restore", args=[bare.pk, 1])
    page = editor_client.get(url)
    assert page.context["problems"]
    assert 'name="version"' not in page.content.decode()  # no confirm button offered
    editor_client.post(url, {"version": bare.version})
    assert Issue.objects.get(pk=bare.pk).fixes.count() == 1


def test_review_actions_need_a_second_editor_and_due_lists_published(
    editor_client, client, editor, reviewer, edited_issue
):
    changelist = reverse("admin:issues_issue_changelist")
    selected = {"_selected_action": [edited_issue.pk]}
    editor_client.post(changelist, {"action": "submit_for_review", **selected})
    assert "新标题" not in editor_client.get(changelist, {"due": "yes"}).content.decode()
    editor_client.post(changelist, {"action": "approve_and_publish", **selected})
    assert Issue.objects.get(pk=edited_issue.pk).status == Issue.Status.REVIEW  # own work
    client.force_login(reviewer)
    client.post(changelist, {"action": "approve_and_publish", **selected})
    issue = Issue.objects.get(pk=edited_issue.pk)
    assert (issue.status, issue.approved_by) == (Issue.Status.PUBLISHED, reviewer)
    assert "新标题" in editor_client.get(changelist, {"due": "yes"}).content.decode()
    editor_client.post(changelist, {"action": "mark_verified", **selected})
    assert Issue.objects.get(pk=edited_issue.pk).last_verified_on is not None
    assert "新标题" not in editor_client.get(changelist, {"due": "yes"}).content.decode()


def test_approve_action_is_offered_only_with_the_approve_permission(client, helpdesk):
    helpdesk.is_staff = True
    helpdesk.save()
    helpdesk.user_permissions.add(Permission.objects.get(codename="change_issue"))
    client.force_login(helpdesk)
    response = client.get(reverse("admin:issues_issue_changelist"))
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "submit_for_review" in actions and "approve_and_publish" not in actions


def test_the_admin_index_is_the_editors_desk(editor_client, client, editor, reviewer):
    product = Product.objects.create(slug="p", name="P")
    with revision(user=editor):
        Issue.objects.create(product=product, title="我的草稿", slug="mine")
    with revision(user=editor):
        waiting = Issue.objects.create(product=product, title="待审条目", slug="waiting")
    workflow.issue_submit(issue=waiting, user=editor)
    page = editor_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    desk = page.content.decode().split('id="editor-desk"')[1].split("</div>\n</div>")[0]
    assert "我的草稿" in desk
    assert "待审条目" not in desk.split("我的草稿")[1]  # not waiting for my own review
    client.force_login(reviewer)
    desk = client.get(reverse("admin:index")).content.decode().split('id="editor-desk"')[1]
    assert "待审条目" in desk


def test_the_entry_page_offers_the_next_workflow_step(
    editor_client, client, reviewer, edited_issue
):
    change = reverse("admin:issues_issue_change", args=[edited_issue.pk])
    steps = dict(editor_client.get(change).context["workflow_steps"])
    assert list(steps) == ["submit"]
    editor_client.post(reverse("admin:issues_issue_workflow", args=[edited_issue.pk, "submit"]))
    assert Issue.objects.get(pk=edited_issue.pk).status == Issue.Status.REVIEW
    # The author may try to approve but is told why not; the reviewer's click publishes.
    approve = reverse("admin:issues_issue_workflow", args=[edited_issue.pk, "approve"])
    editor_client.post(approve)
    assert Issue.objects.get(pk=edited_issue.pk).status == Issue.Status.REVIEW
    client.force_login(reviewer)
    assert "approve" in dict(client.get(change).context["workflow_steps"])
    client.post(approve)
    assert Issue.objects.get(pk=edited_issue.pk).status == Issue.Status.PUBLISHED
    # A step that does not apply now is refused, not run.
    submit = reverse("admin:issues_issue_workflow", args=[edited_issue.pk, "submit"])
    assert client.post(submit).status_code == HTTPStatus.FORBIDDEN
    assert client.get(approve).status_code == HTTPStatus.METHOD_NOT_ALLOWED
