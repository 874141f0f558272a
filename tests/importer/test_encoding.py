import codecs

import pytest

from issues.importer.encoding import DocumentEncodingError, decode_document

TEXT = "## 1.客户端登录不了，连接超时\n\n**问题现象**：连接超时\n"


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "UTF-8 with BOM"),
        (TEXT.encode("gb18030"), "GB18030"),
    ],
)
def test_accepted_encodings_read_to_the_same_text(data, label):
    text, encoding = decode_document(data, name="faq.txt")
    assert text == TEXT
    assert encoding == label


def test_windows_line_endings_become_newlines():
    text, _ = decode_document(TEXT.replace("\n", "\r\n").encode("gb18030"), name="faq.txt")
    assert text == TEXT


@pytest.mark.parametrize(
    "data",
    [TEXT.encode("utf-16"), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "café".encode("latin-1")],
)
def test_other_encodings_are_refused_with_a_clear_message(data):
    with pytest.raises(DocumentEncodingError) as excinfo:
        decode_document(data, name="faq.txt")
    message = str(excinfo.value)
    assert message.startswith("faq.txt:")
    assert "UTF-8, UTF-8 with BOM, GB18030" in message
