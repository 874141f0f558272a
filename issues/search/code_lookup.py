"""Error codes hiding in a query: "-1019", "错误码 0", "登录报错2004", "kTMSDKError…".

Numbers are read with their sign and looked up by ErrorCode's normalised columns
(signed "-1019" and unsigned "1019", leading zeros gone), so the exact signed code
ranks above an unsigned match; words are compared with constant names (any case)
and non-numeric codes.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from issues.models import ErrorCode
from issues.search import weights

_NUMBER = re.compile(r"(-)?(\d{1,12})")
_WORD = re.compile(r"[a-z][a-z0-9_]{2,127}")


@dataclass
class CodeQuery:
    exact: set[str] = field(default_factory=set)  # normalised as typed: "-1019", "2004"
    unsigned: set[str] = field(default_factory=set)  # without sign, for looser matches
    words: set[str] = field(default_factory=set)

    def __bool__(self):
        return bool(self.exact or self.unsigned or self.words)


def extract(folded: str) -> CodeQuery:
    """Candidate codes in a folded query (see analyzer.fold)."""
    found = CodeQuery()
    for match in _NUMBER.finditer(folded):
        sign, digits = match.groups()
        before = folded[match.start() - 1] if match.start() else " "
        after = folded[match.end()] if match.end() < len(folded) else " "
        if after == "." or (after.isascii() and after.isalpha()):
            continue  # "1.2", "4g": a version or a word, not a code
        if not sign and (before == "." or (before.isascii() and before.isalnum())):
            continue  # "ipv6", "v1.19"
        # As ErrorCode.save stores them: no leading zeros, and "-0" is "0".
        unsigned = digits.lstrip("0") or "0"
        found.exact.add(f"-{unsigned}" if sign and unsigned != "0" else unsigned)
        found.unsigned.add(unsigned)
    found.words = set(_WORD.findall(folded))
    return found


def code_tiers(codes: CodeQuery) -> dict[int, float]:
    """ErrorCode id → its tier (weights.EXACT_*), for every code the query names."""
    if not codes:
        return {}
    condition = Q(unsigned_code__in=codes.unsigned) | Q(normalized_code__in=codes.words)
    tiers: dict[int, float] = {}
    for pk, normalized in ErrorCode.objects.filter(condition).values_list("pk", "normalized_code"):
        exact = normalized in codes.exact or normalized in codes.words
        tiers[pk] = weights.EXACT_SIGNED_CODE if exact else weights.EXACT_UNSIGNED_CODE
    return tiers
