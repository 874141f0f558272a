"""Document frequencies (SearchTerm), kept in step with the entries.

Counts are a ranking aid, not a ledger: two editors saving at the same instant may
leave a count off by one until the next rebuild, which recounts everything.
"""

from collections import Counter

from django.db import connection

from issues.search import weights
from issues.search.backends.base import insert_rows
from issues.search.models import SearchTerm

# A statistics row beside the document frequencies: the sum of every entry's weighted
# length (ranking.weighted_length, an integer since the field weights are), so the text
# score normalises by the whole index's average length, not by whichever entries a query
# happened to read: an entry's text score is then the same in every candidate set, and
# the candidate search can bound it before the set is complete (candidates.select).
LENGTH = "\x01length"


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


def replace_counts(old: set[str], new: set[str], length_change: int = 0) -> None:
    changes = Counter(dict.fromkeys(new - old, 1))
    changes.update(dict.fromkeys(old - new, -1))
    changes[LENGTH] += length_change
    apply(changes)


def entry_length(token_texts) -> int:
    """An entry's weighted length from its analyzed text per field (name → str)."""
    return round(
        sum(weights.FIELD_WEIGHTS[name] * len(text.split()) for name, text in token_texts.items())
    )


def average_length(counts: dict[str, int], total: int) -> float | None:
    """The index's average weighted length, when its statistics row is there (an index
    built before it had none until the next rebuild)."""
    length = counts.get(LENGTH, 0)
    return length / total if length > 0 and total > 0 else None


def store(counts: Counter) -> None:
    """Replace every count (a full rebuild counted them all), in bulk SQL: the ORM's
    delete and bulk_create took 7 s at 100k entries."""
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - identifiers are constants; values are bound
        insert_rows(cursor, table, ("token", "entries"), list(counts.items()))


def frequencies(tokens: list[str]) -> tuple[dict[str, int], int]:
    """(token → entries holding it, total entries)."""
    rows = dict(
        SearchTerm.objects.filter(token__in=[*tokens, SearchTerm.TOTAL]).values_list(
            "token", "entries"
        )
    )
    return rows, rows.pop(SearchTerm.TOTAL, 0)
