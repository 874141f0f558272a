"""The import form as a Chinese editor reads it: format names and the form's own wording."""

from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from issues.importer.admin_upload import file_kind, for_the_form
from issues.importer.report import no_product_message
from issues.models import Product
from tests.admin_text import speak, visible_text
from tests.importer.test_admin_upload import entry

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:issues_issue_import")


def upload(client, name, content, **data):
    return client.post(IMPORT_URL, {"document": [SimpleUploadedFile(name, content)], **data})


def test_a_plain_text_file_is_named_in_chinese(editor_client, faq_bytes):
    Product.objects.create(slug="meeting-sdk", name="腾讯会议 SDK")
    response = upload(speak(editor_client, "zh-hans"), "faq.txt", faq_bytes, product="meeting-sdk")
    assert response.status_code == HTTPStatus.OK
    text = visible_text(response.content.decode(), "content")
    assert "faq.txt · 纯文本 · UTF-8" in text
    assert "plain" not in text


def test_a_plain_text_file_is_named_in_english(editor_client, faq_bytes):
    Product.objects.create(slug="meeting-sdk", name="腾讯会议 SDK")
    response = upload(speak(editor_client, "en"), "faq.txt", faq_bytes, product="meeting-sdk")
    assert "faq.txt · plain text · UTF-8" in visible_text(response.content.decode(), "content")


def test_no_product_points_at_the_forms_field_not_a_command_flag(editor_client):
    response = upload(speak(editor_client, "zh-hans"), "e.md", entry())
    assert response.status_code == HTTPStatus.BAD_REQUEST
    text = visible_text(response.content.decode(), "content")
    assert "e.md：没有指定产品。请在表单的“产品”栏中填写" in text
    assert "--product" not in text


def test_the_command_keeps_its_own_option_in_the_message(tmp_path):
    (tmp_path / "e.md").write_bytes(entry())
    with pytest.raises(CommandError) as failure:
        call_command("import_kb", str(tmp_path / "e.md"))
    assert "--product NAME" in str(failure.value)


def test_other_messages_pass_unchanged():
    assert for_the_form("x.md: something else") == "x.md: something else"
    assert "--product" not in for_the_form(no_product_message("a: b.md"))


def test_a_word_file_is_named_once():
    assert file_kind(SimpleNamespace(format="docx", encoding="Word")) == "Word"
    assert file_kind(SimpleNamespace(format="html", encoding="UTF-8")) == "HTML · UTF-8"
