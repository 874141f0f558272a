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


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (
            "問題現象\n用戶端登入失敗，提示憑證錯誤。\n解決方法\n重新安裝憑證，然後再試一次。\n",
            "big5",
            "Big5",
        ),
        (
            "問題の現象\nクライアントのログインに失敗し、証明書エラーが表示されます。\n"
            "解決方法\n証明書を再インストールしてください。\n",
            "shift_jis",
            "Shift_JIS",
        ),
        (
            "문제 현상\n클라이언트 로그인에 실패하고 인증서 오류가 표시됩니다.\n"
            "해결 방법\n인증서를 다시 설치하십시오.\n",
            "euc_kr",
            "EUC-KR",
        ),
    ],
)
def test_big5_shift_jis_and_euc_kr_are_detected_not_read_as_gb18030(text, codec, label):
    # Issue 14 item 8: these were decoded as GB18030 and imported as mojibake.
    decoded, encoding = decode_document(text.encode(codec), name="faq.txt")
    assert (decoded, encoding) == (text, label)


def test_the_source_faq_in_gb18030_is_still_read_as_gb18030(faq_bytes):
    text, encoding = decode_document(faq_bytes.decode("utf-8").encode("gb18030"), name="faq.txt")
    assert (text, encoding) == (faq_bytes.decode("utf-8").replace("\r\n", "\n"), "GB18030")
