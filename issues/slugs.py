"""Readable ASCII slugs for Chinese titles, words in pinyin.

"扫码登录失败" → "saoma-denglu-shibai"; used by the admin and the importer.
"""

import jieba
from django.utils.text import slugify
from pypinyin import lazy_pinyin

from issues.models import Issue

TITLE_SLUG_LENGTH = 80


def title_slug(title: str, *, max_length: int = TITLE_SLUG_LENGTH) -> str:
    """The title as a slug: each Chinese word in toneless pinyin, other words as they are."""
    words = ["".join(lazy_pinyin(word)) for word in jieba.cut(title)]
    slug = slugify(" ".join(words))
    if len(slug) > max_length:
        slug = slug[:max_length].rpartition("-")[0] or slug[:max_length]
    return slug.strip("-")


def unique_issue_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """``title_slug(title)``, with ``-2``, ``-3``… added while another entry has it."""
    base = title_slug(title) or "entry"
    taken = Issue.objects.exclude(pk=exclude_pk) if exclude_pk else Issue.objects.all()
    slug, counter = base, 2
    while taken.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug
