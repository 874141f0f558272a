"""The admin-edited synonym list, applied to queries.

Applied at query time only (both directions): editing a group takes effect on the
next search without re-indexing anything. Each process caches the list briefly and
drops its copy whenever a group is saved or deleted in it.
"""

import re
import threading
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from issues.search.analyzer import Term, fold, member_words
from issues.search.models import Synonym

CACHE_SECONDS = 60
_lock = threading.Lock()
_cache: dict = {"groups": None, "loaded_at": 0.0}


@dataclass(frozen=True)
class _Member:
    """One member of a group, ready to apply: its pattern and what it adds."""

    pattern: re.Pattern
    others: tuple[frozenset[str], ...]  # the other members' words


def groups() -> list[list[_Member]]:
    """Active groups, each a list of members: patterns and words built once per load."""
    with _lock:
        fresh = time.monotonic() - _cache["loaded_at"] < CACHE_SECONDS
        if _cache["groups"] is not None and fresh:
            return _cache["groups"]
    loaded = []
    for synonym in Synonym.objects.filter(is_active=True):
        members = list(dict.fromkeys(fold(m) for m in synonym.members()))
        if len(members) > 1:
            prepared = [
                _Member(
                    pattern=_pattern(member),
                    others=tuple(
                        words for m in members if m != member if (words := member_words(m))
                    ),
                )
                for member in members
            ]
            loaded.append(prepared)
    with _lock:
        _cache.update(groups=loaded, loaded_at=time.monotonic())
    return loaded


def forget(**kwargs) -> None:
    with _lock:
        _cache.update(groups=None, loaded_at=0.0)


post_save.connect(forget, sender=Synonym, dispatch_uid="issues.search.synonyms.save")
post_delete.connect(forget, sender=Synonym, dispatch_uid="issues.search.synonyms.delete")


def _pattern(member: str) -> re.Pattern:
    if member.isascii():  # an English word must match whole, not inside another word
        return re.compile(r"(?<![a-z0-9])" + re.escape(member) + r"(?![a-z0-9])")
    return re.compile(re.escape(member))


def expand(folded_query: str, terms: list[Term]) -> None:
    """Let each term covered by a synonym also match the synonym's other members."""
    for members in groups():
        for member in members:
            for found in member.pattern.finditer(folded_query):
                start, end = found.span()
                covered = [t for t in terms if t.start < end and t.end > start]
                for term in covered:
                    term.alternatives += list(member.others)
