"""Issue 13 item 6: images checked on their bytes and re-encoded; other files from a list."""

import io

import pytest
from django.utils import translation
from PIL import Image

from attachments.validation import AttachmentRefused, prepare, safe_name
from tests.attachments.conftest import jpeg_with_gps, png_bytes


@pytest.fixture(autouse=True)
def english():
    # The messages are translated; these tests read the English ones.
    with translation.override("en"):
        yield


def test_a_jpeg_loses_its_exif_gps_and_comment():
    original = jpeg_with_gps()
    assert b"SecretCam" in original and b"db01.corp" in original
    prepared = prepare(original, name="photo.jpg")
    assert (prepared.kind, prepared.content_type) == ("image", "image/jpeg")
    assert (prepared.width, prepared.height) == (40, 30)
    assert b"SecretCam" not in prepared.data and b"db01.corp" not in prepared.data
    reopened = Image.open(io.BytesIO(prepared.data))
    assert not reopened.getexif() and "comment" not in reopened.info


def test_png_text_chunks_are_dropped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "ops@corp.example")
    prepared = prepare(png_bytes(pnginfo=info), name="t.png")
    assert b"ops@corp.example" not in prepared.data


def test_bytes_appended_after_the_image_are_dropped():
    smuggled = png_bytes() + b"PK\x03\x04 a zip glued to the end <script>alert(1)</script>"
    prepared = prepare(smuggled, name="shot.png")
    assert b"PK\x03\x04" not in prepared.data and b"<script>" not in prepared.data
    assert prepared.data.endswith(b"IEND\xaeB`\x82")


def test_a_gif_becomes_a_png_and_the_name_is_made_safe():
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    prepared = prepare(out.getvalue(), name="../../步骤 1<b>.gif")
    assert (prepared.content_type, prepared.name) == ("image/png", "步骤_1_b.png")


def test_too_many_pixels_is_refused_from_the_header(settings):
    settings.KB_IMAGE_MAX_PIXELS = 10_000
    with pytest.raises(
        AttachmentRefused, match=r"big\.png: 200 × 100 pixels is more than 0.01 million"
    ):
        prepare(png_bytes(200, 100), name="big.png")


def test_size_limit(settings):
    settings.KB_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(AttachmentRefused, match="larger than"):
        prepare(png_bytes(), name="a.png")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<svg onload=alert(1)></svg>", "x.svg", "this kind of file is not accepted"),
        (b"<html><script>alert(1)</script>", "x.png", "this kind of file is not accepted"),
        (b"<html><script>alert(1)</script>", "x.html", "this kind of file is not accepted"),
        (b"MZ\x90\x00 not a pdf", "manual.pdf", "the content is not a .pdf file"),
        ("日志".encode("gb18030") + b"\xff", "a.log", "text files must be UTF-8"),
        (png_bytes()[:60], "cut.png", "not a readable image"),
    ],
)
def test_other_content_is_refused_with_a_reason(data, name, message):
    with pytest.raises(AttachmentRefused, match=message):
        prepare(data, name=name)


def test_accepted_files_are_kept_as_they_are():
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    prepared = prepare(pdf, name="手册.PDF")
    assert (prepared.kind, prepared.content_type, prepared.data) == ("file", "application/pdf", pdf)
    assert prepared.name == "手册.pdf"
    assert safe_name("C:\\temp\\log.txt", extension=".txt") == "log.txt"
