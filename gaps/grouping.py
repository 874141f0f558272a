"""How near-identical queries fall into one gap: the search analyzer's fold (NFKC, so
full-width becomes half-width; traditional → simplified; lower case), then no spacing or
punctuation, so "Token 過期", "token过期" and "ｔｏｋｅｎ 过期" are one gap."""

import re

from issues.search.analyzer import fold

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def query_key(query: str) -> str:
    return _NOT_WORD.sub("", fold(query))[:300]
