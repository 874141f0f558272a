from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from issues.models import Cause, ErrorCode, Feedback, Fix, Issue, Product, Symptom, Tag
from tests.issues.admin_helpers import change_form_data
from tests.issues.factories import make_code, make_issue_with_parts

pytestmark = pytest.mark.django_db

ALL_MODELS = [Product, Tag, Issue, Symptom, Cause, Fix, ErrorCode, Feedback]


@pytest.fixture
def issue():
    issue = make_issue_with_parts()
    issue.tags.add(Tag.objects.create(slug="login", name="登录"))
    code = make_code(issue.product, "-1019", constant="kTMSDKErrorTokenVerifyFailed")
    code.issues.add(issue)
    Feedback.objects.create(issue=issue, helpful=False, comment="没解决")
    return issue


def admin_url(model, view, *args):
    return reverse(f"admin:issues_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_pages_answer_for_an_editor(editor_client, issue, model):
    assert editor_client.get(admin_url(model, "changelist")).status_code == HTTPStatus.OK
    obj = model.objects.first()
    assert editor_client.get(admin_url(model, "change", obj.pk)).status_code == HTTPStatus.OK
    assert editor_client.get(admin_url(model, "history", obj.pk)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("model", [Product, Tag, Issue, ErrorCode], ids=lambda m: m.__name__)
def test_add_pages_answer_for_an_editor(editor_client, model):
    assert editor_client.get(admin_url(model, "add")).status_code == HTTPStatus.OK


def test_issue_change_page_edits_parts_and_codes_inline(editor_client, issue):
    response = editor_client.get(admin_url(Issue, "change", issue.pk))
    prefixes = {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}
    assert {"symptoms", "causes", "fixes"} <= prefixes
    assert any("errorcode" in p.lower() for p in prefixes)


@pytest.mark.parametrize(
    "query", ["product__id__exact", "status__exact", "visibility__exact", "tags__id__exact"]
)
def test_issue_list_filters(editor_client, issue, query):
    value = {
        "product__id__exact": issue.product_id,
        "tags__id__exact": issue.tags.get().pk,
        "visibility__exact": "public",
    }.get(query, "published")
    response = editor_client.get(admin_url(Issue, "changelist"), {query: value})
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == [issue]


def test_issue_search_finds_by_error_code(editor_client, issue):
    response = editor_client.get(admin_url(Issue, "changelist"), {"q": "-1019"})
    assert list(response.context["cl"].result_list) == [issue]


def test_an_admin_edit_writes_history_with_who_and_what(editor_client, editor, issue):
    url = admin_url(Issue, "change", issue.pk)
    data = change_form_data(editor_client.get(url))
    data["title"] = "改过的标题"
    data["fixes-0-body"] = "新的步骤"
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context and response.context.get(
        "errors"
    )
    latest = issue.history.latest()
    assert latest.title == "改过的标题"
    assert latest.history_user == editor
    delta = latest.diff_against(latest.prev_record)
    assert "title" in delta.changed_fields
    fix_history = Fix.history.filter(id=issue.fixes.get().pk).latest()
    assert fix_history.body == "新的步骤" and fix_history.history_user == editor


def test_a_stale_admin_edit_is_refused_with_a_message(editor_client, issue):
    url = admin_url(Issue, "change", issue.pk)
    stale_data = change_form_data(editor_client.get(url))

    # Someone else saves first.
    fresh = Issue.objects.get(pk=issue.pk)
    fresh.title = "别人的修改"
    fresh.save()

    stale_data["title"] = "我的修改"
    response = editor_client.post(url, stale_data)
    assert response.status_code == HTTPStatus.OK  # form re-rendered, nothing saved
    form_errors = response.context["adminform"].form.non_field_errors().as_data()
    assert [error.code for error in form_errors] == ["stale"]
    shown = response.context["adminform"].form.non_field_errors()[0]
    assert escape(shown) in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).title == "别人的修改"


def test_a_stale_inline_edit_is_refused(editor_client, issue):
    url = admin_url(Issue, "change", issue.pk)
    stale_data = change_form_data(editor_client.get(url))
    fix = Fix.objects.get(issue=issue)
    fix.body = "别人改了步骤"
    fix.save()
    stale_data["fixes-0-body"] = "我改了步骤"
    response = editor_client.post(url, stale_data)
    assert response.status_code == HTTPStatus.OK
    assert Fix.objects.get(pk=fix.pk).body == "别人改了步骤"


def test_single_row_revert_of_an_entry_leads_to_its_complete_history(editor_client, issue):
    issue.title = "后来的标题"
    issue.save()
    first = issue.history.earliest()
    url = reverse("admin:issues_issue_simple_history", args=[issue.pk, first.history_id])
    response = editor_client.get(url)
    # Restoring only the entry's row would leave its parts and links behind.
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:issues_issue_history", args=[issue.pk])


@pytest.mark.parametrize("model", [Issue, Fix, ErrorCode])
def test_a_revision_id_that_is_not_a_number_is_a_404_not_a_500(editor_client, issue, model):
    obj = issue if model is Issue else model.objects.first()
    url = admin_url(model, "change", obj.pk).replace("/change/", "/history/abc/")
    assert editor_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_fix_revert_from_its_own_history_still_works(editor_client, issue):
    fix = issue.fixes.get()
    original = fix.body
    fix.body = "后来的步骤"
    fix.save()
    first = fix.history.earliest()
    url = reverse("admin:issues_fix_simple_history", args=[fix.pk, first.history_id])
    data = change_form_data(editor_client.get(url))
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    assert Fix.objects.get(pk=fix.pk).body == original


def test_markdown_preview_renders_sanitized_html(editor_client):
    url = reverse("admin:issues_markdown_preview")
    response = editor_client.post(url, {"text": "**粗体**<script>alert(1)</script>"})
    assert response.status_code == HTTPStatus.OK
    html = response.json()["html"]
    assert "<strong>粗体</strong>" in html
    assert "<script" not in html


def test_markdown_preview_needs_a_staff_login(client):
    response = client.post(reverse("admin:issues_markdown_preview"), {"text": "x"})
    assert response.status_code == HTTPStatus.FOUND
    assert "/login/" in response["Location"]


def test_markdown_preview_refuses_huge_input(editor_client):
    url = reverse("admin:issues_markdown_preview")
    response = editor_client.post(url, {"text": "x" * 200_001})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_unpublish_and_archive_actions_but_no_publishing_that_skips_review(editor_client, issue):
    url = admin_url(Issue, "changelist")
    actions = editor_client.get(url).context["action_form"].fields["action"].choices
    assert "publish_selected" not in dict(actions)
    assert "approve_and_publish" in dict(actions)
    editor_client.post(url, {"action": "unpublish_selected", "_selected_action": [issue.pk]})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    recent = [h.status for h in issue.history.order_by("-history_date")[:2]]
    assert recent == ["draft", "published"]
    editor_client.post(url, {"action": "archive_selected", "_selected_action": [issue.pk]})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ARCHIVED


def test_helpdesk_can_read_but_not_change_content(client, helpdesk, issue):
    helpdesk.is_staff = True
    helpdesk.save()
    client.force_login(helpdesk)
    url = admin_url(Issue, "change", issue.pk)
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert client.post(url, {"title": "x"}).status_code == HTTPStatus.FORBIDDEN


def test_issue_change_page_shows_reader_feedback(editor_client, issue):
    response = editor_client.get(admin_url(Issue, "change", issue.pk))
    assert "没解决" in response.content.decode()
    changelist = editor_client.get(admin_url(Issue, "changelist"))
    assert "0/1" in changelist.content.decode()
