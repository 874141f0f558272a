"""The import report (command output and admin preview) reads in the reader's language:
no English report words in the Chinese interface, English ones in the English interface.
The documents themselves are Chinese content, so any English word left is the report's."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from issues import exporter
from issues.importer import DocumentError, apply_files, read_document
from issues.models import Product
from tests.importer.conftest import FAQ, GUIDE

pytestmark = pytest.mark.django_db

# Words the report itself used to print in English (procedure and table notes, totals,
# actions, kinds, fields, schema errors); the guide and FAQ contain none of them as words.
ENGLISH_REPORT_WORDS = re.compile(
    r"\b(procedure|steps?|common cases?|introduction|endpoints?|error-code table|"
    r"network relation|per-code|document title|recognised|kept|free text|warning|"
    r"unchanged|rows?|created|updated|product|issue|error codes?|tags?|symptoms?|"
    r"causes?|fix(es)?|section|refused|target|added|checklist|unknown fields?|table)\b",
    re.IGNORECASE,
)
# Slugs and sources (meeting-sdk-procedure-…, 004_….txt#procedure) are names, not words.
NAMES = re.compile(r"\S*[-#_]\S*")


def english_words(text: str) -> list[str]:
    return [m.group(0) for m in ENGLISH_REPORT_WORDS.finditer(NAMES.sub(" ", text))]


def report_lines(language: str, *paths, **options) -> list[str]:
    with translation.override(language):
        parsed = [read_document(path.read_bytes(), name=path.name) for path in paths]
        result = apply_files(
            parsed, product_name="meeting-sdk", create_products=True, dry_run=True, **options
        )
        return result.lines()


def test_the_command_report_reads_chinese_in_chinese():
    lines = report_lines("zh-hans", GUIDE, FAQ)
    english = [line for line in lines if english_words(line)]
    assert english == []
    text = "\n".join(lines)
    assert "已识别：操作流程：" in text
    assert "端点表：" in text
    assert "错误码表：" in text
    assert "新建检查清单" in text


def test_the_command_report_reads_english_in_english():
    text = "\n".join(report_lines("en", GUIDE, FAQ))
    assert "recognised: procedure: " in text
    assert "endpoint table: " in text and "endpoints kept in the fix text" in text
    assert "error-code table: " in text
    assert "created probe checklist" in text


def test_unchanged_rows_are_counted_in_the_readers_language():
    with translation.override("en"):
        parsed = [read_document(FAQ.read_bytes(), name=FAQ.name)]
        apply_files(parsed, product_name="meeting-sdk", create_products=True)
    assert any(re.search(r"未变：\d+ 行", line) for line in report_lines("zh-hans", FAQ))
    assert any(re.search(r"unchanged: \d+ rows?", line) for line in report_lines("en", FAQ))


def export_with(**extra) -> bytes:
    return json.dumps({"format": exporter.FORMAT_NAME, **extra}).encode()


def test_json_totals_and_schema_errors_follow_the_language():
    data = export_with(products=[{"slug": "sdk", "name": "SDK"}], tags=[], issues=[])
    with translation.override("zh-hans"):
        parsed = read_document(data, name="kb.json")
    assert parsed.recognised == ["1 个产品，0 个标签，0 个错误码，0 个问题"]
    with translation.override("en"):
        parsed = read_document(data, name="kb.json")
    assert parsed.recognised == ["1 product, 0 tags, 0 error codes, 0 issues"]
    bad = export_with(issues=[{"title": "登录失败", "colour": "red"}])
    with translation.override("zh-hans"), pytest.raises(DocumentError) as error:
        read_document(bad, name="kb.json")
    assert str(error.value) == "kb.json：问题含有未知字段：colour"


@pytest.fixture
def sdk():
    return Product.objects.create(slug="meeting-sdk", name="腾讯会议 SDK")


def visible_text(html: str) -> str:
    main = html.split('id="content-main"', 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_admin_preview_reads_in_the_editors_language(editor_client, sdk, language):
    editor_client.cookies["django_language"] = language
    uploads = [SimpleUploadedFile(p.name, p.read_bytes()) for p in (GUIDE, FAQ)]
    response = editor_client.post(
        reverse("admin:issues_issue_import"), {"document": uploads, "product": "meeting-sdk"}
    )
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    if language == "zh-hans":
        assert english_words(text) == []
        assert "操作流程：" in text and "端点表：" in text and "新建" in text
    else:
        assert "procedure: " in text and "endpoint table: " in text and "created" in text
