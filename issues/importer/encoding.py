"""Reading uploaded and on-disk documents: UTF-8, UTF-8 with BOM, or GB18030.

Documents written on Chinese Windows machines are often GB18030 (a superset of
GBK/GB2312); anything else is refused with a message naming the accepted encodings
instead of being imported as mojibake.
"""

import codecs

ACCEPTED_ENCODINGS = ("UTF-8", "UTF-8 with BOM", "GB18030")


class DocumentEncodingError(ValueError):
    """The bytes are not text in one of the accepted encodings."""


def _looks_binary(text: str) -> bool:
    # NUL and other C0 controls never occur in the documents we import; they mean
    # UTF-16/UTF-32 or a binary file that GB18030 happened to decode.
    return any(ord(char) < 0x20 and char not in "\t\n\r\f" for char in text)


def decode_document(data: bytes, *, name: str = "document") -> tuple[str, str]:
    """The text of a document and the encoding it was read with."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = (("utf-8-sig", "UTF-8 with BOM"),)
    else:
        candidates = (("utf-8", "UTF-8"), ("gb18030", "GB18030"))
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return text.replace("\r\n", "\n").replace("\r", "\n"), label
    raise DocumentEncodingError(
        f"{name}: cannot read this file as text. Accepted encodings are "
        f"{', '.join(ACCEPTED_ENCODINGS)}; save the file in one of them and import it again."
    )
