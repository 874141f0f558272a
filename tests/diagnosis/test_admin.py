"""Editing flows in the admin: Editors may, publishing a broken graph is refused (in Chinese
for a Chinese interface), and an edit that breaks a published flow sends it back to review."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from diagnosis.models import Flow

pytestmark = pytest.mark.django_db


def flow_form(flow, **changes):
    data = {
        "product": flow.product_id,
        "title": flow.title,
        "slug": flow.slug,
        "summary": flow.summary,
        "status": flow.status,
        "visibility": flow.visibility,
        "start_step": flow.start_step_id or "",
        "source": flow.source,
        "version_seen": flow.version,
        "steps-TOTAL_FORMS": "0",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        **changes,
    }
    return data


def test_editors_see_flows_and_the_graph_check(editor_client, shipped_content):
    flow = Flow.objects.get(slug="sdk-login-failure")
    page = editor_client.get(reverse("admin:diagnosis_flow_change", args=[flow.pk]))
    assert page.status_code == HTTPStatus.OK
    assert "004_9b5b1c46d8420441.txt" in page.text  # the source, for editors
    listing = editor_client.get(reverse("admin:diagnosis_flow_changelist"))
    assert "会议 SDK 登录失败" in listing.text


def test_publishing_a_broken_graph_is_refused_in_chinese(editor_client, build):
    b = build("broken")
    b.add("q", title="第一个问题")
    b.add("esc", "escalate")
    b.link("q", "esc")
    url = reverse("admin:diagnosis_flow_change", args=[b.flow.pk])
    response = editor_client.post(
        url, flow_form(b.flow, status="published"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == HTTPStatus.OK  # the form again, with the errors
    assert "该流程不能发布" in response.text
    assert "问题“第一个问题”至少需要两个答案" in response.text
    assert Flow.objects.get(pk=b.flow.pk).status == "draft"


def test_breaking_a_published_flow_sends_it_back_to_review(editor_client, build):
    b = build("live", status="published")
    b.add("q", title="Q")
    b.add("a", "escalate")
    b.add("b", "escalate")
    b.link("q", "a")
    second = b.link("q", "b")
    step = b.steps["q"]
    url = reverse("admin:diagnosis_step_change", args=[step.pk])
    data = {
        "flow": b.flow.pk,
        "key": step.key,
        "position": step.position,
        "kind": step.kind,
        "title": step.title,
        "body": "",
        "targets": "",
        "reader_text": "",
        "collect": "",
        "send_to": "",
        "source_ref": "",
        "version_seen": step.version,
        "branches-TOTAL_FORMS": "2",
        "branches-INITIAL_FORMS": "2",
        "branches-MIN_NUM_FORMS": "0",
        "branches-MAX_NUM_FORMS": "1000",
    }
    for index, branch in enumerate(step.branches.all()):
        data.update(
            {
                f"branches-{index}-id": branch.pk,
                f"branches-{index}-step": step.pk,
                f"branches-{index}-position": branch.position,
                f"branches-{index}-label": branch.label,
                f"branches-{index}-condition": branch.condition,
                f"branches-{index}-items": "",
                f"branches-{index}-outcomes": "[]",
                f"branches-{index}-next_step": branch.next_step_id,
                f"branches-{index}-source_ref": "",
                f"branches-{index}-version_seen": branch.version,
            }
        )
    data[f"branches-{1 if second.pk == step.branches.all()[1].pk else 0}-DELETE"] = "on"
    response = editor_client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == HTTPStatus.OK
    flow = Flow.objects.get(pk=b.flow.pk)
    assert flow.status == "review"
    assert "已无法走通，已退回审核" in response.text
