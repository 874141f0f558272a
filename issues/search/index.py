"""Keeping the search index in step with the knowledge.

Every save and delete of an issue, its parts, an error code, a tag or a product
goes through Django's signals (the admin, importers and services alike), so the
entry is rebuilt right away, in the same transaction. loaddata saves raw rows and
sends signals flagged ``raw``: those are skipped and the content loader's
``after_content_load`` hook rebuilds the whole index instead.
"""

import multiprocessing
import multiprocessing.util
import os
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import connection, connections, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

from issues.models import Cause, ErrorCode, Fix, Issue, Product, Symptom, Tag
from issues.search import terms
from issues.search.analyzer import analyze
from issues.search.backends import get_backend
from issues.search.backends.base import entry_field_texts, insert_rows
from issues.search.documents import PAGE_KINDS, Document, analyze_sources, document_for
from issues.search.models import SearchEntry

Progress = Callable[[str, int, int], None]

# What a document reads besides its row: relation → (queryset or None for the default,
# the relations of its rows in turn). Saves prefetch them; a rebuild reads them in bulk.
_ISSUE_RELATIONS = {
    "tags": (None, {}),
    "symptoms": (None, {}),
    "causes": (None, {}),
    "fixes": (None, {}),
    "error_codes": (ErrorCode.objects.select_related("product"), {}),
}
_CODE_RELATIONS = {"issues": (Issue.objects.all(), {"tags": (None, {})})}


def _prefetches(relations) -> tuple[Prefetch, ...]:
    return tuple(
        Prefetch(
            name,
            queryset=queryset.prefetch_related(*_prefetches(inner)) if inner else queryset,
        )
        for name, (queryset, inner) in relations.items()
    )


_ISSUE_PREFETCH = _prefetches(_ISSUE_RELATIONS)
_CODE_PREFETCH = _prefetches(_CODE_RELATIONS)


def _indexable_issues():
    return Issue.objects.published().select_related("product").prefetch_related(*_ISSUE_PREFETCH)


def _indexable_codes():
    # Draft codes only while a published entry explains them (see ErrorCodeQuerySet.readable).
    codes = ErrorCode.objects.readable(internal=True).select_related("product")
    return codes.prefetch_related(*_CODE_PREFETCH)


def _build_entry(obj, tokens: dict[str, str] | None = None) -> tuple[SearchEntry, Document]:
    document = obj if isinstance(obj, Document) else document_for(obj)
    entry = SearchEntry(
        kind=document.kind,
        product_id=document.product_id,
        constant_key=document.constant_key,
        **document.link,
    )
    for name, value in document.entry_fields(tokens).items():
        setattr(entry, name, value)
    return entry, document


def _save_entry(obj) -> None:
    entry, document = _build_entry(obj)
    previous = SearchEntry.objects.filter(kind=document.kind, **document.link).first()
    entry.pk = previous.pk if previous else None
    terms.replace_counts(
        previous.distinct_tokens() if previous else set(),
        entry.distinct_tokens(),
        _length(entry) - (_length(previous) if previous else 0),
    )
    entry.save(force_insert=entry.pk is None)
    entry.tags.set(document.tags)
    get_backend().replace([entry])


def index_issues(ids: Iterable[int]) -> None:
    ids = set(ids)
    if not ids:
        return
    found = _indexable_issues().filter(pk__in=ids)
    for issue in found:
        _save_entry(issue)
    # Drafts, archived and deleted issues leave the index.
    SearchEntry.objects.filter(issue_id__in=ids - {issue.pk for issue in found}).delete()


def index_error_codes(ids: Iterable[int]) -> None:
    ids = set(ids)
    if not ids:
        return
    found = _indexable_codes().filter(pk__in=ids)
    for code in found:
        _save_entry(code)
    SearchEntry.objects.filter(error_code_id__in=ids - {code.pk for code in found}).delete()


def index_pages(kind: str, ids: Iterable[int]) -> None:
    """Re-index pages of a registered kind (documents.register_kind): those still
    indexable get their entry rebuilt, the others (unpublished, deleted) leave."""
    ids = set(ids)
    if not ids:
        return
    found = PAGE_KINDS[kind].indexable().filter(pk__in=ids)
    for page in found:
        _save_entry(page)
    remove_pages(kind, ids - {page.pk for page in found})


def remove_pages(kind: str, ids: Iterable[int]) -> None:
    SearchEntry.objects.filter(kind=kind, page_id__in=set(ids)).delete()


def index_issue_and_codes(issue_ids: Iterable[int]) -> None:
    """An issue's entry shows its codes and a code's entry its issues' tags: both change."""
    issue_ids = set(issue_ids)
    index_issues(issue_ids)
    index_error_codes(
        ErrorCode.issues.through.objects.filter(issue_id__in=issue_ids).values_list(
            "errorcode_id", flat=True
        )
    )


def rebuild(
    *, progress: Progress | None = None, batch_size: int = 1000, workers: int | None = None
) -> dict[str, int]:
    """Drop every entry and index all published issues, all error codes and the pages
    of registered kinds (guided flows) again.

    ``workers`` processes (default: one per core; 1 does everything here) read and
    analyse the pages while this process writes the entries in bulk. Workers read on
    connections of their own only where they see what this process sees (_workers_can_read);
    otherwise this process reads and they analyse. The tokens are the same every way
    (the same _analyse, tested), and the same as a single save's.
    Figures and why: docs/benchmarks.md, "Index build at 100k".
    """
    report = progress or (lambda label, done, total: None)
    workers = workers or os.cpu_count() or 1
    backend = get_backend()
    counts = {}
    frequencies: Counter = Counter()
    read_in_workers = workers > 1 and _workers_can_read()
    if read_in_workers:
        connections.close_all()  # forked workers connect on their own, never on ours
    with _analysis_pool(workers, reading=read_in_workers) as pool, transaction.atomic():
        with connection.cursor() as cursor:
            # Raw deletes: per-row delete signals would cost minutes on a large index.
            cursor.execute(f"DELETE FROM {_ENTRY_TAGS}")  # noqa: S608 - identifiers are constants; values are bound
            cursor.execute(f"DELETE FROM {_ENTRIES}")  # noqa: S608 - identifiers are constants; values are bound
        backend.clear()  # after the entries: PostgreSQL's index lives on their rows
        for label, queryset, read in _rebuild_sources():
            ids = list(queryset.order_by("pk").values_list("pk", flat=True))
            total, done = len(ids), 0
            report(label, 0, total)
            if read_in_workers:
                tasks = [(label, ids[i : i + _READ_CHUNK]) for i in range(0, total, _READ_CHUNK)]
                built = pool.imap(_build_elsewhere, tasks)  # in order, as they are ready
            else:
                built = _build_here(read, ids, pool, batch_size)
            rows, tags = [], []
            for chunk_rows, chunk_tags, chunk_counts in built:
                frequencies.update(chunk_counts)
                rows += chunk_rows
                tags += chunk_tags
                if len(rows) >= batch_size:
                    done += _write(rows, tags, backend)
                    rows, tags = [], []
                    report(label, done, total)
            if rows:
                done += _write(rows, tags, backend)
                report(label, done, total)
            counts[label] = total
        terms.store(frequencies)
    return counts


def _workers_can_read() -> bool:
    """Whether processes on connections of their own see the pages this one sees: not
    inside a transaction (its uncommitted rows are invisible to them; loaddata, tests)
    nor on an in-memory SQLite database (theirs would be empty)."""
    if connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


# Pages per task when the workers read: a task's queries (the rows, then each relation)
# cost little beside the rows at this size (CPU per page: 250 +7%, 1000 +10%), and both
# workers still share every kind of page.
_READ_CHUNK = 500
# Pages per task when they only analyse.
_ANALYSIS_CHUNK = 100
_ENTRIES = SearchEntry._meta.db_table
_ENTRY_TAGS = SearchEntry.tags.through._meta.db_table


def _build_here(read, ids, pool, batch_size):
    """Read and make documents here, analyse in the pool (or here): yields each chunk's
    (rows, tag links, counts) a batch behind, so the workers analyse one batch while
    the caller writes the one before."""
    pending = None
    for start in range(0, len(ids), batch_size):
        documents = [document_for(obj) for obj in read(ids[start : start + batch_size])]
        chunks = [
            documents[i : i + _ANALYSIS_CHUNK] for i in range(0, len(documents), _ANALYSIS_CHUNK)
        ]
        sources = [[document.token_sources() for document in chunk] for chunk in chunks]
        analysis = (
            pool.map_async(_analyse, sources, chunksize=1)
            if pool
            else _Done([_analyse(chunk) for chunk in sources])
        )
        if pending:
            yield from _built(*pending)
        pending = (chunks, analysis)
    if pending:
        yield from _built(*pending)


def _built(chunks, analysis):
    for documents, (analysed, counts) in zip(chunks, analysis.get(), strict=True):
        yield *_rows(documents, analysed), counts


_worker_readers: dict = {}


def _build_elsewhere(task):
    """In a worker: read a chunk of pages on the worker's own connection, make their
    documents and analyse them: (rows, tag links, counts) to write."""
    label, ids = task
    if not _worker_readers:
        _worker_readers.update({label: read for label, _, read in _rebuild_sources()})
    documents = [document_for(obj) for obj in _worker_readers[label](ids)]
    analysed, counts = _analyse([document.token_sources() for document in documents])
    return *_rows(documents, analysed), counts


def _rows(documents, analysed) -> tuple[list[tuple], list[list[int]]]:
    now = SearchEntry._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    rows = [
        _entry_row(document, tokens, now)
        for document, tokens in zip(documents, analysed, strict=True)
    ]
    return rows, [[tag.pk for tag in document.tags] for document in documents]


def _rebuild_sources():
    """(label, queryset of what belongs in the index, read(ids) → its objects ready for
    document_for) per kind of page."""
    issues, codes = _indexable_issues(), _indexable_codes()
    return (
        ("issues", issues, _bulk_reader(issues, _ISSUE_RELATIONS)),
        ("error codes", codes, _bulk_reader(codes, _CODE_RELATIONS)),
        *(
            (kind.count_key, kind.indexable(), _plain_reader(kind.indexable()))
            for kind in PAGE_KINDS.values()
        ),
    )


def _plain_reader(queryset):
    return lambda ids: list(queryset.filter(pk__in=ids))


def _bulk_reader(queryset, relations):
    """Read a batch with the same queries and order as the prefetching queryset, but
    hand each object its related rows without a queryset per object: Django's prefetch
    builds a filtered queryset for every object and relation, half of a rebuild's
    reading at 100k entries."""
    base = queryset.prefetch_related(None)

    def read(ids):
        objects = list(base.filter(pk__in=ids))
        _fetch_related(objects, relations)
        return objects

    return read


def _fetch_related(objects, relations) -> None:
    if not objects:
        return
    prefetch_related_objects(
        objects,
        *(
            Prefetch(name, queryset=queryset, to_attr=f"_rebuild_{name}")
            for name, (queryset, _) in relations.items()
        ),
    )
    for name, (_, inner) in relations.items():
        manager = getattr(objects[0], name)
        # The key the relation's manager looks its prefetched rows up by.
        key = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
        related = []
        for obj in objects:
            rows = obj.__dict__.pop(f"_rebuild_{name}")
            obj._prefetched_objects_cache[key] = _Fetched(rows)
            related += rows
        _fetch_related(related, inner)


class _Fetched(list):
    """A relation's rows read for a rebuild, where its manager expects a prefetched
    queryset: ``obj.tags.all()`` returns it, and it iterates, counts and indexes like one.
    Anything else a queryset does (filter, order_by…) would not apply the relation, so
    it fails loudly instead of querying the whole table."""

    def all(self):
        return self

    def __getattr__(self, name):
        raise AttributeError(f"rows read for a rebuild support iteration only, not .{name}()")


def _analyse(sources: list[dict[str, str]]) -> tuple[list[dict[str, str]], Counter]:
    """A chunk of documents' token columns, and its share of the document frequencies
    (each entry's distinct tokens once, its weighted length under terms.LENGTH), counted
    where the chunk is analysed so the writing process only adds the shares up."""
    analysed = [analyze_sources(source) for source in sources]
    counts: Counter = Counter()
    for tokens in analysed:
        entry = SearchEntry(**tokens)
        counts.update(entry.distinct_tokens())
        counts[terms.LENGTH] += _length(entry)
    return analysed, counts


class _Done:
    """An analysis already made here, read like the pool's AsyncResult."""

    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value


@contextmanager
def _analysis_pool(workers: int, *, reading: bool = False):
    if workers <= 1:
        yield None
        return
    analyze("预热 warm")  # jieba's dictionary loads once, before the fork, and is shared
    # fork: workers that only analyse never touch a database; reading ones open their
    # own connections (_own_connections) and close them when they end.
    pool = multiprocessing.get_context("fork").Pool(
        workers, initializer=_own_connections if reading else None
    )
    try:
        yield pool
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()  # workers end on their own, running _own_connections
    finally:
        pool.join()


# Connections a worker inherited through the fork: the parent's sockets, seen open in
# workers even after the parent closed its own (another thread's, the live server's in
# tests). Kept referenced and never used: a deallocated one would say goodbye to the
# server over a socket its parent or a sibling still uses.
_inherited: list = []


def _own_connections():
    for alias in connections:
        wrapper = connections[alias]
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None  # the worker opens one of its own
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


_ENTRY_FIELDS = [field for field in SearchEntry._meta.concrete_fields if not field.primary_key]
_ENTRY_COLUMNS = [field.column for field in _ENTRY_FIELDS]


def _write(rows: list[tuple], tags: list[list[int]], backend) -> int:
    """Write entries, their tag links and their index rows in bulk: rows made here, not
    model instances (Django's bulk_create compiled every value, most of the writing)."""
    ids = backend.insert(_ENTRY_COLUMNS, rows)
    with connection.cursor() as cursor:
        insert_rows(
            cursor,
            _ENTRY_TAGS,
            ("searchentry_id", "tag_id"),
            [(pk, tag) for pk, tag_ids in zip(ids, tags, strict=True) for tag in tag_ids],
        )
    return len(rows)


def _entry_row(document: Document, tokens: dict[str, str], updated_at) -> tuple:
    """The SearchEntry row _build_entry would save, as a tuple of _ENTRY_COLUMNS."""
    values = {
        "kind": document.kind,
        "product_id": document.product_id,
        "constant_key": document.constant_key,
        "updated_at": updated_at,
        **document.entry_fields(tokens),
    }
    for name, target in document.link.items():
        field = SearchEntry._meta.get_field(name)
        values[field.attname] = target.pk if field.is_relation else target
    if unknown := values.keys() - _ENTRY_DEFAULTS.keys():
        raise ValueError(f"not a SearchEntry field: {sorted(unknown)}")
    return tuple(values.get(attname, default) for attname, default in _ENTRY_DEFAULTS.items())


_ENTRY_DEFAULTS = {field.attname: field.get_default() for field in _ENTRY_FIELDS}


def _length(entry: SearchEntry) -> int:
    return terms.entry_length(entry_field_texts(entry))


def rebuild_after_content_load(loaded_apps: list[str]) -> None:
    if "issues" in loaded_apps:
        rebuild()


# --- signal handlers -------------------------------------------------------------------


def _on_issue_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_issue_and_codes([instance.pk])


def _on_part_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.issue_id:
        index_issues([instance.issue_id])


def _on_code_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    index_error_codes([instance.pk])
    index_issues(instance.issues.values_list("pk", flat=True))


def _remember_related(sender, instance, **kwargs):
    """Before a delete, note the entries that mention the object; they change after it."""
    if isinstance(instance, Issue):
        instance._search_codes = list(instance.error_codes.values_list("pk", flat=True))
    elif isinstance(instance, ErrorCode):
        instance._search_issues = list(instance.issues.values_list("pk", flat=True))
    elif isinstance(instance, Tag):
        instance._search_issues = list(instance.issues.values_list("pk", flat=True))


def _on_deleted(sender, instance, **kwargs):
    index_error_codes(getattr(instance, "_search_codes", ()))
    issue_ids = getattr(instance, "_search_issues", ())
    if isinstance(instance, Tag):
        index_issue_and_codes(issue_ids)
    else:
        index_issues(issue_ids)


def _on_tag_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_issue_and_codes(instance.issues.values_list("pk", flat=True))


def _on_product_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_issues(instance.issues.values_list("pk", flat=True))
        index_error_codes(instance.error_codes.values_list("pk", flat=True))


def _m2m_handler(reindex: Callable[[set[int], set[int]], None], forward_model):
    """Re-index after an M2M change from either side, clear() included.

    ``reindex(forward_ids, other_ids)`` gets the ids on both sides of the change: a
    link removed must update the entry on each side, even though it no longer links.
    """

    def handler(sender, instance, action, reverse, pk_set, **kwargs):
        forward_side = isinstance(instance, forward_model)
        if action == "pre_clear":
            column = _other_column(sender, instance)
            own = {_own_column(sender, instance): instance.pk}
            instance._search_m2m_ids = set(
                sender.objects.filter(**own).values_list(column, flat=True)
            )
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        others = (
            getattr(instance, "_search_m2m_ids", set()) if action == "post_clear" else set(pk_set)
        )
        if forward_side:
            reindex({instance.pk}, others)
        else:
            reindex(others, {instance.pk})

    return handler


def _own_column(through, instance) -> str:
    for field in through._meta.get_fields():
        if getattr(field, "related_model", None) is type(instance):
            return field.attname
    raise LookupError(type(instance))


def _other_column(through, instance) -> str:
    for field in through._meta.get_fields():
        related = getattr(field, "related_model", None)
        if related is not None and related is not type(instance) and field.concrete:
            return field.attname
    raise LookupError(type(instance))


def _on_entry_deleted(sender, instance, **kwargs):
    get_backend().remove([instance.pk])
    terms.replace_counts(instance.distinct_tokens(), set(), -_length(instance))


def _reindex_tag_change(issue_ids: set[int], tag_ids: set[int]) -> None:
    index_issue_and_codes(issue_ids)


def _reindex_code_links(code_ids: set[int], issue_ids: set[int]) -> None:
    index_error_codes(code_ids)
    index_issues(issue_ids)


def connect_signals() -> None:
    uid = "issues.search"
    post_save.connect(_on_issue_saved, sender=Issue, dispatch_uid=f"{uid}.issue")
    for model in (Symptom, Cause, Fix):
        post_save.connect(_on_part_changed, sender=model, dispatch_uid=f"{uid}.save.{model}")
        post_delete.connect(_on_part_changed, sender=model, dispatch_uid=f"{uid}.del.{model}")
    post_save.connect(_on_code_saved, sender=ErrorCode, dispatch_uid=f"{uid}.code")
    post_save.connect(_on_tag_saved, sender=Tag, dispatch_uid=f"{uid}.tag")
    post_save.connect(_on_product_saved, sender=Product, dispatch_uid=f"{uid}.product")
    for model in (Issue, ErrorCode, Tag):
        pre_delete.connect(_remember_related, sender=model, dispatch_uid=f"{uid}.pre.{model}")
        post_delete.connect(_on_deleted, sender=model, dispatch_uid=f"{uid}.post.{model}")
    post_delete.connect(_on_entry_deleted, sender=SearchEntry, dispatch_uid=f"{uid}.entry")
    m2m_changed.connect(
        _m2m_handler(_reindex_tag_change, Issue),
        sender=Issue.tags.through,
        dispatch_uid=f"{uid}.m2m.tags",
        weak=False,
    )
    m2m_changed.connect(
        _m2m_handler(_reindex_code_links, ErrorCode),
        sender=ErrorCode.issues.through,
        dispatch_uid=f"{uid}.m2m.codes",
        weak=False,
    )
