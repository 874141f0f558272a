"""A rebuild writes the same index as saving each entry, whether it analyses in worker
processes or here, and reads in a number of queries that does not grow with the entries."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.models import Cause, ErrorCode, Fix, Issue, Symptom, Tag
from issues.search import index
from issues.search.documents import PAGE_KINDS
from issues.search.index import index_error_codes, index_issues, index_pages, rebuild
from issues.search.models import SearchEntry, SearchTerm

pytestmark = pytest.mark.django_db

_TOKEN_COLUMNS = ("title_tokens", "symptom_tokens", "code_tokens", "body_tokens", "meta_tokens")
# Every column but the id and the time of writing.
_ROW_COLUMNS = [
    field.attname
    for field in SearchEntry._meta.concrete_fields
    if field.attname not in ("id", "updated_at")
]


def _index_state():
    entries = {
        (kind, issue_id, code_id): rest
        for kind, issue_id, code_id, *rest in SearchEntry.objects.values_list(
            "kind", "issue_id", "error_code_id", *_TOKEN_COLUMNS, "is_public"
        )
    }
    counts = dict(SearchTerm.objects.values_list("token", "entries"))
    return entries, counts


def _full_state():
    """Each entry's row, tags and database index row, by the page it is about (ids
    differ between a rebuild and saves), and the document frequencies."""
    keys, rows = {}, {}
    for values in SearchEntry.objects.values("id", *_ROW_COLUMNS):
        entry_id = values.pop("id")
        keys[entry_id] = (
            values["kind"],
            values["issue_id"],
            values["error_code_id"],
            values["page_id"],
        )
        rows[keys[entry_id]] = values
    tags = {}
    for entry_id, tag_id in SearchEntry.tags.through.objects.values_list(
        "searchentry_id", "tag_id"
    ):
        tags.setdefault(keys[entry_id], set()).add(tag_id)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT id, document::text, headline::text FROM search_searchentry")
        else:
            cursor.execute(
                "SELECT rowid, title, symptoms, codes, body, meta, is_public FROM search_fts"
            )
        index = {keys[entry_id]: rest for entry_id, *rest in cursor.fetchall()}
    counts = dict(SearchTerm.objects.values_list("token", "entries"))
    return rows, tags, index, counts


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


def _state_after_saving_each():
    """The index as single saves leave it: every page indexed the way an edit indexes it."""
    index_issues(Issue.objects.values_list("pk", flat=True))
    index_error_codes(ErrorCode.objects.values_list("pk", flat=True))
    for kind in PAGE_KINDS.values():
        index_pages(kind.kind, kind.model.objects.values_list("pk", flat=True))
    return _full_state()


def test_rebuild_writes_what_saving_each_entry_writes(shipped_content):
    """The rebuild's bulk path (rows, tag links, database index, counts) against the path
    a single save takes (model instances, the backend's replace, counts kept in step)."""
    rebuild(workers=2, batch_size=5)
    built = _full_state()

    saved = _state_after_saving_each()

    assert len(built[0]) > 20  # issues, codes and flows of the shipped content
    assert built[1] and built[2]  # tags and index rows were written
    for part, (from_rebuild, from_saves) in enumerate(zip(built, saved, strict=True)):
        assert from_rebuild == from_saves, f"part {part} differs"


@pytest.mark.django_db(transaction=True)
def test_workers_reading_on_their_own_connections_write_what_saving_writes():
    """Outside a transaction the workers read the pages themselves (committed data)."""
    call_command("load_shipped_content", verbosity=0)
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is not shared with other processes")
    assert index._workers_can_read()  # the path under test, not the fallback
    assert rebuild(workers=2, batch_size=5)["issues"] > 10
    built = _full_state()

    saved = _state_after_saving_each()

    assert len(built[0]) > 20 and built[1] and built[2]
    for part, (from_rebuild, from_saves) in enumerate(zip(built, saved, strict=True)):
        assert from_rebuild == from_saves, f"part {part} differs"


def test_a_reading_worker_leaves_inherited_connections_to_their_owner():
    """A forked worker can find a connection of its parent's open (the browser tests'
    second rebuild did: both workers then read on one socket and the server dropped it).
    The worker's start sets it aside unclosed, still referenced, and opens its own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    inherited = connection.connection
    try:
        index._own_connections()
        assert connection.connection is None  # the next query opens a connection of its own
        assert any(kept is inherited for kept in index._inherited)  # never deallocated
        assert getattr(inherited, "closed", 0) == 0  # nor closed under its owner
    finally:
        index._inherited.clear()
        connection.connection = inherited


def test_rebuild_reads_in_queries_that_do_not_grow_with_the_entries(make_issue, make_code):
    tag = Tag.objects.create(slug="login", name="登录")

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            issue = make_issue(f"entry-{i}", f"客户端登录失败 {i}", symptoms=["白屏", "卡顿"])
            issue.tags.add(tag)
            Cause.objects.create(issue=issue, text="证书过期")
            Fix.objects.create(issue=issue, body="重新安装证书")
            make_code(str(-1000 - i), f"kError{i}").issues.add(issue)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rebuild(workers=1, batch_size=1000)
        return len(captured)

    add(3, 0)
    few = queries()
    add(12, 3)
    assert Symptom.objects.count() == 30
    assert queries() == few  # no query per entry or per relation
