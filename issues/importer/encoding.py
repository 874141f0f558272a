"""Reading uploaded and on-disk documents: UTF-8 (with or without BOM), else detected.

Documents written on Chinese Windows machines are often GB18030 (a superset of
GBK/GB2312); traditional-Chinese ones Big5, and Japanese or Korean ones Shift_JIS or
EUC-KR. Anything that is not UTF-8 is identified with charset-normalizer among those
East Asian encodings, never assumed, so a Big5 file is not read as GB18030 mojibake;
what none of them decodes cleanly is refused with a message naming what is accepted.
"""

import codecs

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

ACCEPTED_ENCODINGS = ("UTF-8", "UTF-8 with BOM", "GB18030", "Big5", "Shift_JIS", "EUC-KR")

# charset-normalizer's codec names → (the codec we decode with, the label we report).
# cp932/cp949 are the Windows supersets of Shift_JIS/EUC-KR; decoding with them is
# what reads such files correctly.
_DETECTABLE = {
    "gb18030": ("gb18030", "GB18030"),
    "big5": ("big5hkscs", "Big5"),
    "big5hkscs": ("big5hkscs", "Big5"),
    "cp932": ("cp932", "Shift_JIS"),
    "shift_jis": ("cp932", "Shift_JIS"),
    "cp949": ("cp949", "EUC-KR"),
    "euc_kr": ("cp949", "EUC-KR"),
}


class DocumentEncodingError(ValueError):
    """The bytes are not text in one of the accepted encodings."""


def _looks_binary(text: str) -> bool:
    # NUL and other C0 controls never occur in the documents we import; they mean
    # UTF-16/UTF-32 or a binary file that some legacy codec happened to decode.
    return any(ord(char) < 0x20 and char not in "\t\n\r\f" for char in text)


def _detected(data: bytes) -> tuple[str, str] | None:
    best = from_bytes(data, cp_isolation=list(_DETECTABLE)).best()
    if best is None or best.encoding not in _DETECTABLE:
        return None
    return _DETECTABLE[best.encoding]


def decode_document(data: bytes, *, name: str = "document") -> tuple[str, str]:
    """The text of a document and the encoding it was read with."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8 with BOM")]
    else:
        candidates = [("utf-8", "UTF-8")]
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            candidates = [found] if (found := _detected(data)) else []
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text.replace("\r\n", "\n").replace("\r", "\n"), label
    raise DocumentEncodingError(
        _(
            "%(file)s: cannot read this file as text. Accepted encodings are %(encodings)s; "
            "save the file in one of them and import it again."
        )
        % {"file": name, "encodings": ", ".join(ACCEPTED_ENCODINGS)}
    )
