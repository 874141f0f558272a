"""Serving: safe headers, and only to readers of a page that shows the attachment."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attachments.models import Attachment
from attachments.services import attachment_upload
from issues.models import Fix, Issue
from tests.attachments.conftest import png_bytes
from tests.issues.factories import make_issue, make_product

pytestmark = pytest.mark.django_db(transaction=True)  # files are written on commit

UPLOAD_URL = reverse("admin:attachments_upload")
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_an_editor_uploads_from_a_fix_box_and_gets_markdown(editor_client, media_root):
    response = editor_client.post(
        UPLOAD_URL,
        {"file": SimpleUploadedFile("登录截图.png", png_bytes(640, 480)), "alt": "登录页的报错"},
    )
    assert response.status_code == HTTPStatus.OK
    attachment = Attachment.objects.get()
    assert response.json()["markdown"] == (
        f'<img src="{attachment.get_absolute_url()}" alt="登录页的报错" width="640" height="480">'
    )
    assert attachment.get_absolute_url().endswith("/%E7%99%BB%E5%BD%95%E6%88%AA%E5%9B%BE.png")
    assert (media_root / attachment.file.name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = editor_client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("again.png", png_bytes(640, 480))}
    )
    assert again.json()["url"] == attachment.get_absolute_url()  # same bytes, one attachment
    assert Attachment.objects.count() == 1


def test_refused_uploads_are_json_errors_and_helpdesk_may_not_upload(
    editor_client, client, helpdesk
):
    response = editor_client.post(UPLOAD_URL, {"file": SimpleUploadedFile("x.svg", b"<svg/>")})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "x.svg：不接受此类文件" in response.json()["error"]  # the editor's language
    helpdesk.is_staff = True
    helpdesk.save()
    client.force_login(helpdesk)
    response = client.post(UPLOAD_URL, {"file": SimpleUploadedFile("a.png", png_bytes())})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Attachment.objects.exists()


@pytest.fixture
def shown(editor):
    image = attachment_upload(data=png_bytes(320, 200), name="step.png", alt="设置页", user=editor)
    pdf = attachment_upload(data=PDF, name="guide.pdf", user=editor)
    issue = make_issue(slug="login", title="登录失败")
    Fix.objects.create(
        issue=issue, position=1, body=f"如下图：\n\n{image.markdown()}\n\n{pdf.markdown()}"
    )
    return issue, image, pdf


def test_images_are_inline_and_files_are_downloads_with_nosniff(client, shown):
    _issue, image, pdf = shown
    response = client.get(image.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "attachment" not in response.get("Content-Disposition", "")
    response = client.get(pdf.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="guide.pdf"')
    assert b"".join(response.streaming_content) == PDF


def test_the_reader_page_shows_the_image_with_size_and_alt(client, shown):
    issue, image, pdf = shown
    page = client.get(issue.get_absolute_url()).content.decode()
    assert (
        f'<img src="/attachments/{image.key}/step.png" alt="设置页" width="320" height="200">'
        in page
    )
    assert f'href="/attachments/{pdf.key}/guide.pdf"' in page


@pytest.mark.parametrize(
    "hidden", [{"status": Issue.Status.DRAFT}, {"visibility": Issue.Visibility.INTERNAL}]
)
def test_attachments_of_entries_a_reader_may_not_see_are_404(editor_client, shown, hidden):
    issue, image, _pdf = shown
    Issue.objects.filter(pk=issue.pk).update(**hidden)
    assert Client().get(image.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert editor_client.get(image.get_absolute_url()).status_code == HTTPStatus.OK


def test_an_attachment_mentioned_only_in_internal_notes_stays_hidden(client, editor):
    image = attachment_upload(data=png_bytes(8, 8), name="n.png", user=editor)
    make_issue(product=make_product(slug="p2"), slug="x", internal_notes=image.markdown())
    assert client.get(image.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    unknown = reverse("attachments:serve", args=["0" * 32, "n.png"])
    assert client.get(unknown).status_code == HTTPStatus.NOT_FOUND


def test_search_indexes_an_images_alt_text_not_its_tag():
    from issues.search.documents import plain_text

    tag = '<img src="/attachments/ab12/step.png" alt="推送设置页" width="640" height="360">'
    body = f"如下图：\n\n{tag}"
    assert plain_text(body) == "如下图：\n\n推送设置页"
