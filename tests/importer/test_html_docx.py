"""Issue 13 item 7: HTML (wiki, Confluence) and Word .docx read with the text sources' rules;
images inside a .docx become attachments."""

import io
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Inches

from attachments.models import Attachment
from issues.importer import apply_files, read_document
from issues.importer.reader import read_uploads
from issues.models import ErrorCode, Issue, Product
from tests.attachments.conftest import png_bytes

FAQ_SECTION_4 = """## 4.IOS客户端加载用户数据不全，推送信息无声音提示，无法被定位。

**问题现象**：IOS客户端自助门户处所有控制功能都无法使用，推送消息无声音提示。

**问题原因**：1、MDM功能异常，没有安装MDM描述文件。

2、IOS推送服务，都是要经过苹果服务器，所以PNS模块必须能访问到苹果的推送服务器才可以。

**解决方法**：1、正确安装mdm描述文件。

2、让PNS推送服务所在的push服务器器能够访问外网，开通外网访问权限。
"""

CONFLUENCE = """<!DOCTYPE html>
<html><head><title>移动平台 : 常见问题</title><meta charset="utf-8"></head>
<body><div id="page"><div id="breadcrumb-section"><ol><li>移动平台</li></ol></div>
<div id="main-content" class="wiki-content group">
<h2 id="FAQ-4">4.IOS客户端加载用户数据不全，推送信息无声音提示，无法被定位。</h2>
<p><strong>问题现象</strong>：IOS客户端自助门户处所有控制功能都无法使用，推送消息无声音提示。</p>
<p><strong>问题原因</strong>：1、MDM功能异常，没有安装MDM描述文件。</p>
<p>2、IOS推送服务，都是要经过苹果服务器，所以PNS模块必须能访问到苹果的推送服务器才可以。</p>
<p><strong>解决方法</strong>：</p>
<ol><li>正确安装mdm描述文件。</li>
<li>让PNS推送服务所在的push服务器器能够访问外网，开通外网访问权限。</li></ol>
</div><div id="footer">Powered by Confluence</div></div></body></html>
"""


def shape(parsed):
    (issue,) = parsed.issues
    return issue.title, issue.symptoms, issue.causes, [f.body for f in issue.fixes]


def test_a_confluence_page_reads_like_the_text_source():
    text = read_document(FAQ_SECTION_4.encode(), name="faq.txt")
    page = read_document(CONFLUENCE.encode(), name="faq.html")
    assert page.format == "html"
    assert shape(page) == shape(text)
    assert page.issues[0].source == "faq.html#4"
    assert "Powered by Confluence" not in str(page.issues[0])


MEDIAWIKI = """<html><body><div id="mw-content-text"><div class="mw-parser-output">
<div id="toc" class="toc"><h2>目录</h2><ul><li>1 错误码</li></ul></div>
<h2><span class="mw-headline">SDK 登录失败排查</span><span class="mw-editsection">[编辑]</span></h2>
<table class="wikitable"><tr><th>名称</th><th>错误码</th><th>说明</th></tr>
<tr><td>kTMSDKErrorTokenVerifyFailed</td><td>-1019</td><td>Token 校验失败</td></tr>
<tr><td>kTMSDKErrorNetwork</td><td>-1002</td><td>网络错误</td></tr></table>
<p>1、 检查网络连接。</p><p>2、 检查 Token 是否过期。</p>
<p><img src="https://wiki.example.com/images/step.png" alt="步骤"></p>
</div></div></body></html>"""


def test_a_wiki_page_table_and_steps_are_recognised_and_remote_images_reported():
    parsed = read_document(MEDIAWIKI.encode(), name="sdk.html")
    assert [c.code for c in parsed.error_codes] == ["-1019", "-1002"]
    assert parsed.error_codes[0].constant == "kTMSDKErrorTokenVerifyFailed"
    (issue,) = parsed.issues
    assert "[编辑]" not in issue.title and "目录" not in str(issue)
    assert any("wiki.example.com/images/step.png" in w for w in parsed.warnings)


def docx_bytes(*, image: bytes | None = None) -> bytes:
    document = Document()
    document.add_heading("移动平台常见问题", level=1)
    document.add_heading("4.IOS客户端加载用户数据不全，推送信息无声音提示，无法被定位。", level=2)
    for label, text in (
        ("问题现象", "IOS客户端自助门户处所有控制功能都无法使用，推送消息无声音提示。"),
        ("问题原因", "1、MDM功能异常，没有安装MDM描述文件。"),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(label).bold = True
        paragraph.add_run(f"：{text}")
    document.add_paragraph(
        "2、IOS推送服务，都是要经过苹果服务器，所以PNS模块必须能访问到苹果的推送服务器才可以。"
    )
    paragraph = document.add_paragraph()
    paragraph.add_run("解决方法").bold = True
    paragraph.add_run("：1、正确安装mdm描述文件。")
    document.add_paragraph("2、让PNS推送服务所在的push服务器器能够访问外网，开通外网访问权限。")
    if image is not None:
        document.add_picture(io.BytesIO(image), width=Inches(2))
        document.inline_shapes[0]._inline.docPr.set("descr", "推送设置页")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_document_reads_like_the_text_source():
    text = read_document(FAQ_SECTION_4.encode(), name="faq.txt")
    word = read_document(docx_bytes(), name="faq.docx")
    assert (word.format, word.encoding) == ("docx", "Word")
    assert shape(word) == shape(text)


@pytest.mark.django_db(transaction=True)
def test_images_in_a_word_document_become_attachments(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    Product.objects.create(slug="mobile-platform", name="移动管理平台")
    data = docx_bytes(image=png_bytes(300, 150))
    parsed = read_document(data, name="faq.docx")
    assert "image 1 “推送设置页” as an attachment" in parsed.recognised
    preview = apply_files([parsed], product_name="mobile-platform", dry_run=True)
    assert any(
        str(c).startswith("created attachment faq-image-1.png") for c in preview.files[0].changes
    )
    assert not Attachment.objects.exists() and not (tmp_path / "media").exists()

    apply_files([read_document(data, name="faq.docx")], product_name="mobile-platform")
    attachment = Attachment.objects.get()
    assert (attachment.width, attachment.height, attachment.alt) == (300, 150, "推送设置页")
    fix = Issue.objects.get().fixes.order_by("position").last()
    assert attachment.markdown() in fix.body
    assert (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()
    again = apply_files([read_document(data, name="faq.docx")], product_name="mobile-platform")
    assert Attachment.objects.count() == 1  # the same image is not stored twice
    assert "unchanged" in {c.action for c in again.files[0].changes if c.kind == "attachment"}


def test_a_zip_of_word_and_html_documents_reads_each():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/faq.docx", docx_bytes())
        archive.writestr("b/page.html", CONFLUENCE)
    parsed = read_uploads([("export.zip", buffer.getvalue())])
    assert [(p.name, p.format) for p in parsed] == [("faq.docx", "docx"), ("page.html", "html")]


def test_a_broken_docx_is_refused_with_its_name():
    (parsed,) = read_uploads([("broken.docx", b"PK\x03\x04 not really")])
    assert parsed.errors[0].startswith("broken.docx: not a Word .docx document")


@pytest.mark.django_db
def test_error_codes_from_html_are_imported():
    Product.objects.create(slug="meeting-sdk", name="SDK")
    apply_files([read_document(MEDIAWIKI.encode(), name="sdk.html")], product_name="meeting-sdk")
    assert set(ErrorCode.objects.values_list("code", flat=True)) == {"-1019", "-1002"}


@pytest.mark.django_db(transaction=True)
def test_a_confluence_export_zip_brings_its_images(settings, tmp_path):
    import zipfile

    settings.MEDIA_ROOT = tmp_path / "media"
    Product.objects.create(slug="mobile-platform", name="移动管理平台")
    page = CONFLUENCE.replace(
        "<ol><li>正确安装mdm描述文件。",
        '<ol><li>正确安装mdm描述文件。<img src="attachments/65538/%E6%AD%A5%E9%AA%A4.png" '
        'alt="描述文件">',
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("MP/faq.html", page)
        archive.writestr("MP/attachments/65538/步骤.png", png_bytes(200, 100))
    parsed = read_uploads([("MP.zip", buffer.getvalue())])
    assert [p.name for p in parsed] == ["faq.html"]  # the image is not a document
    apply_files(parsed, product_name="mobile-platform")
    attachment = Attachment.objects.get()
    assert (attachment.width, attachment.alt) == (200, "描述文件")
    assert attachment.markdown() in Issue.objects.get().fixes.order_by("position").first().body
