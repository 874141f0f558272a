"""Document frequencies (SearchTerm), kept in step with the entries.

Counts are a ranking aid, not a ledger: two editors saving at the same instant may
leave a count off by one until the next rebuild, which recounts everything.
"""

from collections import Counter

from issues.search.models import SearchTerm


def apply(changes: Counter) -> None:
    """Add ``changes`` (token → +n / -n) to the stored counts."""
    changes = Counter({token: n for token, n in changes.items() if n})
    if not changes:
        return
    current = dict(
        SearchTerm.objects.filter(token__in=list(changes)).values_list("token", "entries")
    )
    SearchTerm.objects.bulk_create(
        [SearchTerm(token=t, entries=max(current.get(t, 0) + n, 0)) for t, n in changes.items()],
        update_conflicts=True,
        update_fields=["entries"],
        unique_fields=["token"],
        batch_size=500,
    )


def replace_counts(old: set[str], new: set[str]) -> None:
    changes = Counter(dict.fromkeys(new - old, 1))
    changes.update(dict.fromkeys(old - new, -1))
    apply(changes)


def store(counts: Counter) -> None:
    """Replace every count (a full rebuild counted them all)."""
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create(
        (SearchTerm(token=t, entries=n) for t, n in counts.items()), batch_size=2000
    )


def frequencies(tokens: list[str]) -> tuple[dict[str, int], int]:
    """(token → entries holding it, total entries)."""
    rows = dict(
        SearchTerm.objects.filter(token__in=[*tokens, SearchTerm.TOTAL]).values_list(
            "token", "entries"
        )
    )
    return rows, rows.pop(SearchTerm.TOTAL, 0)
