"""The knowledge kbsite ships with, loaded once into an empty database.

The fixtures in ``fixtures/`` hold every fact of the two source documents. They
load only where their app holds no data yet, so running ``make run`` again never
duplicates an entry nor overwrites what an admin has edited since.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from issues.revisions import record_baselines, revision

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass(frozen=True)
class ShippedContent:
    app_label: str
    fixtures: tuple[str, ...]

    def paths(self) -> list[Path]:
        return [FIXTURES_DIR / name for name in self.fixtures]

    def is_installed_app(self) -> bool:
        return apps.is_installed(self.app_label)

    def app_is_empty(self) -> bool:
        """True when no model of the app (history tables aside) has a row."""
        for model in apps.get_app_config(self.app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            if model._default_manager.exists():
                return False
        return True


SHIPPED_CONTENT = (
    ShippedContent("issues", ("kb_platform_faq.json", "kb_meeting_sdk.json")),
    ShippedContent("probes", ("probes_checklists.json",)),
)


def _record_initial_history(app_label: str) -> None:
    """loaddata saves raw rows, which skips history; give every row its first revision.

    Linking rows (M2M) during the load already writes a revision for some of them, so
    only the rows still without any history get one here.
    """
    for model in apps.get_app_config(app_label).get_models():
        if not hasattr(model, "history") or model.__name__.startswith("Historical"):
            continue
        historical = model.history.model
        recorded = historical.objects.values_list(model._meta.pk.attname, flat=True)
        missing = model._default_manager.exclude(pk__in=recorded)
        model.history.bulk_history_create(list(missing), default_change_reason="shipped content")


def _mark_verified_on_load() -> None:
    """Shipped entries count as verified on the day they are installed.

    They were checked against the products when the fixtures were written; without a
    date every one of them would be "due for review" the moment the site is set up,
    burying the entries that really need it. A date the fixture gives is kept.
    """
    from issues.models import Issue

    today = timezone.localdate()
    unverified = list(
        Issue.objects.filter(last_verified_on__isnull=True).values_list("pk", flat=True)
    )
    Issue.objects.filter(pk__in=unverified).update(last_verified_on=today)
    # Linking parts during loaddata already wrote a history row for some entries; the
    # load is one act, so those rows show the entry as loaded, date included.
    Issue.history.filter(id__in=unverified, last_verified_on__isnull=True).update(
        last_verified_on=today
    )


def load_shipped_content(*, report: Callable[[str], None] = lambda line: None) -> list[str]:
    """Load each shipped fixture set whose app is still empty; return the app labels loaded."""
    loaded = []
    for content in SHIPPED_CONTENT:
        present = [path for path in content.paths() if path.exists()]
        if not content.is_installed_app() or not present:
            continue
        if not content.app_is_empty():
            report(f"{content.app_label}: already has content, left as it is.")
            continue
        # Entries linked during the load get their first revision when the block ends,
        # the others right after: each one revision, as it stands once loaded.
        with transaction.atomic(), revision(reason="recorded"):
            call_command("loaddata", *map(str, present), verbosity=0)
            if content.app_label == "issues":
                _mark_verified_on_load()
            _record_initial_history(content.app_label)
        if content.app_label == "issues":
            record_baselines()
        report(f"{content.app_label}: loaded {', '.join(p.name for p in present)}.")
        loaded.append(content.app_label)
    for hook in _after_load_hooks:
        hook(loaded)
    return loaded


_after_load_hooks: list[Callable[[list[str]], None]] = []


def after_content_load(hook: Callable[[list[str]], None]) -> Callable[[list[str]], None]:
    """Register work that must follow a load (e.g. rebuilding a search index)."""
    _after_load_hooks.append(hook)
    return hook
