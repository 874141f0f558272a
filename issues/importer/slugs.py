"""ASCII slugs for products and issues whose names are Chinese."""

import hashlib
import re

from django.utils.text import slugify


def ascii_slug(text: str, *, max_length: int) -> str:
    """The ASCII words of a name as a slug: "IOS客户端扫描二维码到Safari…" → "ios-safari".

    Runs of other characters become word breaks first, so the ASCII words on either
    side of a Chinese phrase do not run together.
    """
    spaced = re.sub(r"[^\x00-\x7f]+", " ", text)
    return slugify(spaced)[:max_length].strip("-")


def product_slug(name: str) -> str:
    """A slug for a product name: its ASCII words, else a short stable digest of the name."""
    slug = ascii_slug(name, max_length=48)
    if len(slug) >= 3:
        return slug
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"product-{digest}" if not slug else f"{slug}-{digest}"


def unique_slug(base: str, *, taken) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever ``taken(slug)`` says is free."""
    slug, counter = base, 2
    while taken(slug):
        slug = f"{base}-{counter}"
        counter += 1
    return slug
