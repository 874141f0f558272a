"""The vendor's backend honours the contract: ids of entries holding any token, or every
condition (in given fields), unscored; user tokens quoted."""

import pytest
from django.db import connection

from issues.search.backends import get_backend
from issues.search.models import SearchEntry, SearchTerm

pytestmark = pytest.mark.django_db


def test_backend_matches_vendor():
    name = type(get_backend()).__name__
    assert (
        name == {"sqlite": "SQLiteFTS5Backend", "postgresql": "PostgresBackend"}[connection.vendor]
    )


def test_finds_entries_by_any_field_up_to_the_limit(make_issue):
    from issues.models import Fix

    in_body = make_issue("in-body", "别的标题")
    Fix.objects.create(issue=in_body, body="网关超时")
    in_title = make_issue("in-title", "网关超时")
    make_issue("neither", "别的")
    backend = get_backend()
    found = backend.matching_any(["网关"], public_only=True, limit=10)
    assert sorted(found) == sorted([in_title.search_entry.pk, in_body.search_entry.pk])
    assert len(backend.matching_any(["网关"], public_only=True, limit=1)) == 1


def test_public_only_and_restriction(make_issue):
    public = make_issue("pub", "网关超时 公开")
    internal = make_issue("int", "网关超时 内部", visibility="internal")
    backend = get_backend()
    assert backend.matching_any(["网关"], public_only=True, limit=10) == [public.search_entry.pk]
    both = set(backend.matching_any(["网关"], public_only=False, limit=10))
    assert both == {public.search_entry.pk, internal.search_entry.pk}
    only = SearchEntry.objects.filter(issue=internal).values("pk").query.sql_with_params()
    restricted = backend.matching_any(["网关"], public_only=False, restrict=only, limit=10)
    assert restricted == [internal.search_entry.pk]


def test_every_term_by_any_of_its_ways(make_issue):
    both = make_issue("both", "网关超时")
    synonym = make_issue("synonym", "gateway 连接 超时")
    make_issue("one", "网关重启")
    every = [[["网关"], ["gateway", "连接"]], [["超时"]]]
    found = get_backend().matching_all([(every, None)], public_only=True, limit=10)
    assert set(found) == {both.search_entry.pk, synonym.search_entry.pk}
    assert len(get_backend().matching_all([(every, None)], public_only=True, limit=1)) == 1


def test_every_term_in_the_given_fields(make_issue):
    from issues.models import Fix

    in_body = make_issue("body-only", "别的标题")
    Fix.objects.create(issue=in_body, body="网关超时")
    split = make_issue("split", "网关重启", symptoms=["偶尔超时"])
    in_title = make_issue("in-title", "网关超时")
    every = [[["网关"]], [["超时"]]]
    backend = get_backend()
    anywhere = backend.matching_all([(every, None)], public_only=True, limit=10)
    assert set(anywhere) == {
        in_body.search_entry.pk,
        split.search_entry.pk,
        in_title.search_entry.pk,
    }
    title = backend.matching_all([(every, ("title",))], public_only=True, limit=10)
    assert title == [in_title.search_entry.pk]
    both = [(every, ("title",)), (every, ("symptoms",))]
    assert backend.matching_all(both, public_only=True, limit=10) == []


def test_operator_characters_in_every_term_are_plain_tokens(make_issue):
    make_issue("ops-every", "普通条目")
    for operator in ['"', "*", " OR ", " AND ", "'", "&", "|", "!", ":*", "(", ")", "\\", "}:"]:
        # Read as syntax, the operator would let "普通" alone match.
        every = [[["普通"]], [[f"无此{operator}普通"], ["条目", f"无此{operator}条目"]]]
        for fields in (None, ("title",)):
            found = get_backend().matching_all([(every, fields)], public_only=False, limit=1)
            assert found == []


def test_operator_characters_are_plain_tokens(make_issue):
    make_issue("ops", "普通条目")
    for token in ['"', "*", "OR", "NEAR", "'", "&", "|", "!", ":*", "title:x", "\\"]:
        assert get_backend().matching_any([token], public_only=False, limit=5) == []


def test_document_frequencies_follow_saves_and_deletes(make_issue):
    first = make_issue("df-1", "网关超时")
    make_issue("df-2", "网关重启")
    counts = dict(SearchTerm.objects.values_list("token", "entries"))
    assert counts["网关"] == 2 and counts["超时"] == 1 and counts[SearchTerm.TOTAL] == 2
    first.delete()
    counts = dict(SearchTerm.objects.values_list("token", "entries"))
    assert counts["网关"] == 1 and counts["超时"] == 0 and counts[SearchTerm.TOTAL] == 1
