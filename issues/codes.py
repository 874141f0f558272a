"""Normalising error codes so every way staff write one finds the same row.

"-1019", "1019", "错误码-1019", "error -1019", "－１０１９" and "Error code: -1019" all
normalise to the signed form "-1019"; the unsigned form "1019" is kept alongside so
a code typed without its sign still matches (ranked below an exact signed match).
"""

import re
import unicodedata

# Words people put in front of a code; removed before the code itself is read.
_CODE_PREFIXES = re.compile(
    r"^(?:错误码|错误代码|错误|报错|提示|代码|返回码|err(?:or)?(?:[\s_-]*code)?|code|ec)[\s:：#=]*",
    re.IGNORECASE,
)
_SIGNED_NUMBER = re.compile(r"^([+-]?)\s*0*(\d+)$")


def normalize_code(raw: str) -> str:
    """The canonical, comparable form of an error code as typed.

    Numbers keep their minus sign and lose leading zeros and a plus sign;
    anything else (constant-like codes such as "E_AUTH") is lowercased.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = _CODE_PREFIXES.sub("", text).strip()
    match = _SIGNED_NUMBER.match(text)
    if match:
        sign, digits = match.groups()
        digits = digits or "0"
        return f"-{digits}" if sign == "-" and digits != "0" else digits
    return text.lower()


def unsigned_code(normalized: str) -> str:
    """The code without its sign, for queries typed without one."""
    return normalized.lstrip("-")
