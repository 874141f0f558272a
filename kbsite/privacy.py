"""What kbsite may keep of what a reader typed: phone numbers, email addresses and
token-like strings are masked before a search query or a feedback comment is stored
(docs/gaps.md, privacy)."""

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Mainland mobile numbers and other long digit runs with separators (+86 138-0013-8000).
_PHONE = re.compile(r"(?<!\w)\+?\d[\d\s-]{8,}\d(?!\w)")
# Long random-looking strings: API keys, session tokens, JWTs (letters and digits mixed).
_TOKEN = re.compile(r"(?<![\w-])(?=[\w.-]*\d)(?=[\w.-]*[A-Za-z])[\w.-]{24,}(?![\w-])")

MASKS = ((_EMAIL, "[email]"), (_PHONE, "[phone]"), (_TOKEN, "[token]"))


def mask_personal_data(text: str) -> str:
    for pattern, mask in MASKS:
        text = pattern.sub(mask, text)
    return text
