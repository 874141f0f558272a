"""Live parts other apps add to staff pages (probes: monitor states, checklists at the
steps and below the article), kept current in pages cached whole.

An app registers its parts from its AppConfig.ready() (the core never imports it):
what about a user they depend on, which joins the staff reader profile, and the models
whose rows they show. Every save or delete of such a row, and every change to the
listed links, replaces the live generation that staff pages are kept under, so the next
request renders them again; times relative to now ("checked 3 minutes ago") are holes
filled per request (holes.py). See docs/caching.md.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from issues.pagecache import generation
from issues.pagecache.generation import Token
from issues.pagecache.readers import shows_live_parts

LIVE = Token("live-generation")
KEY = LIVE.key
LINK_CHANGES = {"post_add", "post_remove", "post_clear"}


@dataclass(frozen=True)
class Parts:
    name: str
    profile: Callable[[object], str]  # user → what the parts show this user, as a short text
    models: tuple[type[models.Model], ...]  # rows the parts show
    links: tuple[type[models.Model], ...]  # many-to-many tables the parts follow


_registered: dict[str, Parts] = {}


def _row_changed(sender, **kwargs) -> None:
    LIVE.bump_now_and_on_commit()


def _links_changed(sender, action, **kwargs) -> None:
    if action in LINK_CHANGES:
        LIVE.bump_now_and_on_commit()


def register(
    name: str,
    *,
    profile: Callable[[object], str],
    models: Iterable[type[models.Model]],
    links: Iterable[type[models.Model]] = (),
) -> None:
    """Keep ``name``'s parts live: ``models`` are every model whose rows they read."""
    parts = Parts(name=name, profile=profile, models=tuple(models), links=tuple(links))
    _registered[name] = parts
    for model in parts.models:
        uid = f"kb-live-{name}-{model._meta.label}"
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in parts.links:
        uid = f"kb-live-{name}-{through._meta.label}-links"
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=uid)


def registered() -> list[Parts]:
    return [_registered[name] for name in sorted(_registered)]


def profile(user) -> str:
    """What the registered parts show this staff user (e.g. "probes=1")."""
    return ",".join(f"{parts.name}={parts.profile(user)}" for parts in registered())


def kept(profile: str) -> bool:
    """Whether pages of this profile may be kept whole. Live parts change in other
    processes (a monitor's state in the worker that checked it): staff pages are kept
    only where every process shares the cache, as signed-in users are (permissions.py)."""
    if not shows_live_parts(profile):
        return True
    from issues.pagecache import shared  # shared imports this module

    return shared.enabled()


def timeout(profile: str) -> int | None:
    """How long a kept page of this profile may live in the cache (None: the default).

    The live generation is not in the page's own markers: if replacing it ever failed
    (the cache away at that moment), the shared layer's safety net bounds the stale page."""
    return settings.KB_PAGE_CACHE_SECONDS if shows_live_parts(profile) else None


def generation_keys(profile: str) -> list[str]:
    """The tokens a page of this profile is kept under: staff pages follow live parts too."""
    return [generation.KEY, KEY] if shows_live_parts(profile) else [generation.KEY]


def page_generation(profile: str, found: dict | None = None) -> str:
    """The tokens ``generation_keys`` names, as read in ``found``, else from the cache."""
    if found is None:
        found = cache.get_many(generation_keys(profile))  # one round trip for both
    current = generation.current(found.get(generation.KEY))
    if shows_live_parts(profile):
        current = f"{current}:{LIVE.current(found.get(KEY))}"
    return current
