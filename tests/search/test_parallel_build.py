"""A rebuild analysing in worker processes writes the same tokens as one analysing here."""

import pytest

from issues.search.index import rebuild
from issues.search.models import SearchEntry, SearchTerm

pytestmark = pytest.mark.django_db

_TOKEN_COLUMNS = ("title_tokens", "symptom_tokens", "code_tokens", "body_tokens", "meta_tokens")


def _index_state():
    entries = {
        (kind, issue_id, code_id): rest
        for kind, issue_id, code_id, *rest in SearchEntry.objects.values_list(
            "kind", "issue_id", "error_code_id", *_TOKEN_COLUMNS, "is_public"
        )
    }
    counts = dict(SearchTerm.objects.values_list("token", "entries"))
    return entries, counts


def test_parallel_build_writes_the_same_tokens_as_a_serial_build(shipped_content):
    serial_counts = rebuild(workers=1, batch_size=7)
    serial = _index_state()
    parallel_counts = rebuild(workers=2, batch_size=7)  # several batches in flight
    parallel = _index_state()

    assert parallel_counts == serial_counts
    assert serial_counts["issues"] > 10  # the shipped content, not an empty index
    assert parallel[0] == serial[0]
    assert parallel[1] == serial[1]
    assert any(tokens[0] for tokens in parallel[0].values())
