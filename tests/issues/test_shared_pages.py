"""Anonymous issue pages served whole from the cache: no database, yet never stale."""

import re
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from issues.models import Feedback, Issue, Symptom, Tag
from issues.pagecache import generation, holes, markers, shared, view_counts
from kbsite.caches import caches_from_url
from tests.issues.factories import make_code, make_issue, make_issue_page_example
from tests.issues.pages import page, queries_for, shared_layer_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_page_cache(settings):
    with shared_layer_on(settings, KB_VIEW_FLUSH_EVERY=5, KB_VIEW_FLUSH_SECONDS=60):
        yield


@pytest.fixture
def issue():
    return make_issue_page_example()


def get(client, issue, **headers):
    return client.get(issue.get_absolute_url(), **headers)


def shown_count(html: str) -> int:
    return int(re.search(r"<dd>(\d+)</dd>", html).group(1))


def stored_count(issue) -> int:
    return Issue.objects.values_list("view_count", flat=True).get(pk=issue.pk)


# --- Served without the database -------------------------------------------------


def test_a_repeat_anonymous_request_makes_no_database_query(client, issue):
    assert queries_for(client, issue) > 0  # the first renders from the database
    assert queries_for(client, issue) == 0


def test_the_cached_page_is_the_page_the_database_path_renders(client, issue, settings):
    first = page(client, issue)
    cached = page(client, issue)
    settings.KB_PAGE_CACHE = "off"
    rendered = page(client, issue)

    def comparable(html):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r"<dd>\d+</dd>", "", html)

    assert comparable(first) == comparable(cached) == comparable(rendered)


def test_headers_match_the_database_path(client, issue):
    first, cached = get(client, issue), get(client, issue)
    for header in ("Last-Modified", "Cache-Control", "Vary", "Content-Type"):
        assert cached.headers[header] == first.headers[header]
    assert "csrftoken" in cached.cookies


def test_each_reader_gets_their_own_csrf_token_and_the_cache_holds_none(client, issue):
    tokens = set()
    for _ in range(3):
        client.cookies.clear()
        html = page(client, issue)
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    assert len(tokens) == 3
    placeholders = holes.holes()
    stored = [value for value in cache._cache.values()]  # LocMemCache keeps pickles
    assert any(placeholders.csrf_token.encode() in value for value in stored)
    assert not any(token.encode() in value for token in tokens for value in stored)


def test_if_modified_since_gets_304_from_the_cache(client, issue):
    last_modified = get(client, issue).headers["Last-Modified"]
    with CaptureQueriesContext(connection) as captured:
        response = get(client, issue, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert len(captured) == 0
    stale = http_date(0)
    assert get(client, issue, HTTP_IF_MODIFIED_SINCE=stale).status_code == HTTPStatus.OK


# --- Never stale ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda issue: setattr_save(issue, "title", "登录新标题"), "登录新标题"),
        (lambda issue: setattr_save(issue.symptoms.get(), "text", "新的现象"), "新的现象"),
        (lambda issue: setattr_save(issue.causes.get(), "text", "新的原因"), "新的原因"),
        (lambda issue: setattr_save(issue.fixes.get(), "body", "新的步骤"), "新的步骤"),
        (lambda issue: setattr_save(issue.product, "name", "新产品名"), "新产品名"),
        (lambda issue: setattr_save(issue.tags.get(), "name", "新标签"), "新标签"),
        (
            lambda issue: setattr_save(issue.error_codes.get(), "description", "新的说明"),
            "新的说明",
        ),
        (
            lambda issue: Symptom.objects.create(issue=issue, position=2, text="又一个现象"),
            "又一个现象",
        ),
    ],
    ids=[
        "title",
        "symptom",
        "cause",
        "fix",
        "product",
        "tag",
        "code",
        "new-part",
    ],
)
def test_any_edit_shows_on_the_next_request(client, issue, change, expected):
    assert expected not in page(client, issue)
    assert queries_for(client, issue) == 0  # cached
    change(issue)
    assert expected in page(client, issue)


def setattr_save(instance, field, value):
    setattr(instance, field, value)
    instance.save()


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (lambda issue, tag, code, other: issue.tags.add(tag), "加上的标签"),
        (lambda issue, tag, code, other: code.issues.add(issue), "无权限"),
        (lambda issue, tag, code, other: issue.error_codes.add(code), "无权限"),
        (lambda issue, tag, code, other: issue.related.add(other), "相关的问题"),
    ],
    ids=["tag", "code", "code-from-issue", "related"],
)
def test_a_new_link_shows_on_the_next_request(client, issue, link, expected):
    # The rows exist before the page is cached: only the link itself changes.
    tag = Tag.objects.create(slug="new", name="加上的标签")
    code = make_code(issue.product, "2004", description="无权限")
    other = make_issue(product=issue.product, slug="other", title="相关的问题")
    assert expected not in page(client, issue)
    assert queries_for(client, issue) == 0
    link(issue, tag, code, other)
    assert expected in page(client, issue)


def test_removing_a_link_shows_on_the_next_request(client, issue):
    assert "sdktoken校验失败" in page(client, issue)
    issue.error_codes.clear()
    assert "sdktoken校验失败" not in page(client, issue)


def test_unpublishing_takes_the_page_away_at_once(client, issue):
    page(client, issue)
    issue.status = Issue.Status.DRAFT
    issue.save()
    assert get(client, issue).status_code == HTTPStatus.NOT_FOUND


def test_deleting_takes_the_page_away_at_once(client, issue):
    page(client, issue)
    Issue.objects.get(pk=issue.pk).delete()
    assert get(client, issue).status_code == HTTPStatus.NOT_FOUND


def test_the_generation_changes_again_when_the_edit_commits(
    issue, django_capture_on_commit_callbacks
):
    before = generation.current()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issue.title = "改"
        issue.save()
    inside = generation.current()
    assert inside != before  # visible inside the transaction already
    for callback in callbacks:
        callback()
    assert generation.current() != inside  # and again once committed


def test_feedback_does_not_make_pages_stale(client, issue):
    page(client, issue)
    Feedback.objects.create(issue=issue, helpful=True)
    assert queries_for(client, issue) == 0


def test_a_page_rendered_before_an_edit_is_never_stored_as_current(client, issue):
    """The generation is read before the database: an edit in between makes the entry stale."""
    real_head = markers.issue_head

    def edit_during_render(**kwargs):
        head = real_head(**kwargs)
        editor_copy = Issue.objects.get(pk=head.pk)
        editor_copy.title = "渲染中改的标题"
        editor_copy.save()  # committed while this reader renders the copy it read
        return head

    with mock.patch.object(markers, "issue_head", side_effect=edit_during_render):
        assert "渲染中改的标题" not in page(client, issue)
    assert "渲染中改的标题" in page(client, issue)


def test_a_new_release_does_not_serve_the_old_releases_pages(client, issue):
    page(client, issue)
    with mock.patch.object(shared, "release_digest", return_value="next-release"):
        assert queries_for(client, issue) > 0


def test_entries_expire_after_the_configured_time(client, issue, settings):
    settings.KB_PAGE_CACHE_SECONDS = 123
    with mock.patch.object(shared.cache, "set", wraps=shared.cache.set) as cache_set:
        page(client, issue)
    timeouts = [
        call.kwargs.get("timeout")
        for call in cache_set.call_args_list
        if call.args[0].startswith(shared.KEY_PREFIX)
    ]
    assert timeouts == [123]


# --- Only for readers who all see the same ---------------------------------------


def test_signed_in_readers_are_never_served_the_shared_page(client, issue, editor):
    page(client, issue)
    client.force_login(editor)
    assert queries_for(client, issue) > 0


def test_a_query_string_bypasses_the_shared_page(client, issue):
    page(client, issue)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(issue.get_absolute_url() + "?feedback=thanks")
    assert response.status_code == HTTPStatus.OK
    assert len(captured) > 0


def test_an_internal_issue_kept_for_helpdesk_never_reaches_anonymous_readers(
    client, issue, helpdesk
):
    issue.visibility = Issue.Visibility.INTERNAL
    issue.save()
    client.force_login(helpdesk)
    page(client, issue)
    with CaptureQueriesContext(connection) as captured:
        cached = get(client, issue)  # from the shared layer, the user from the cache too
    assert len(captured) == 0
    assert cached.headers["X-Robots-Tag"] == "noindex"
    assert cached.headers["Cache-Control"] == "private, no-cache"
    client.logout()
    assert get(client, issue).status_code == HTTPStatus.NOT_FOUND
    assert get(client, issue).status_code == HTTPStatus.NOT_FOUND


def test_a_helpdesk_reader_is_served_without_reading_the_issue(client, issue, helpdesk):
    issue.internal_notes = "内部备注：联系值班工程师"
    issue.save()
    client.force_login(helpdesk)
    first = page(client, issue)
    with CaptureQueriesContext(connection) as captured:
        again = page(client, issue)
    assert len(captured) == 0  # the signed-in user and rights come from the cache too
    assert "内部备注" in first and "内部备注" in again
    assert shown_count(again) == shown_count(first) + 1


def test_a_signed_in_reader_gets_no_anonymous_page_and_no_validators(client, issue, helpdesk):
    page(client, issue)  # the anonymous page is stored
    client.force_login(helpdesk)
    response = get(client, issue)
    assert "Last-Modified" not in response
    assert "Edit this entry" not in response.content.decode()


def test_languages_get_their_own_pages(client, issue):
    chinese = get(client, issue, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = get(client, issue, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in chinese and 'lang="en"' in english
    assert 'lang="en"' in get(client, issue, HTTP_ACCEPT_LANGUAGE="en").content.decode()


# --- View counts stay exact -------------------------------------------------------


def test_view_counts_stay_exact_across_flushes(client, issue):
    Issue.objects.filter(pk=issue.pk).update(view_count=100)
    shown = [shown_count(page(client, issue)) for _ in range(12)]
    # Every view is shown at once, also after the flushes (every fifth view).
    assert shown == list(range(101, 113))
    assert stored_count(issue) == 110


def test_a_flush_publishes_the_written_count_by_slug(issue):
    for _ in range(3):
        view_counts.record(issue.pk)
    view_counts.flush(issue.pk)
    assert cache.get(view_counts.written_key(issue.slug)) == 3


def test_a_count_read_before_a_flush_never_replaces_the_flushed_one(issue):
    cache.set(view_counts.written_key(issue.slug), 50)
    view_counts.remember_written(issue.slug, 40)
    assert cache.get(view_counts.written_key(issue.slug)) == 50


# --- Failure and configuration ----------------------------------------------------


def test_a_cache_outage_falls_back_to_the_database(client, issue):
    page(client, issue)
    with mock.patch.object(shared.cache, "get_many", side_effect=ConnectionError):
        assert "登录失败" in page(client, issue)


@pytest.mark.parametrize(
    ("mode", "cache_url", "expected"),
    [
        ("auto", "locmem://", False),
        ("auto", "dummy://", False),
        ("auto", "redis://127.0.0.1:6379/0", True),
        ("off", "redis://127.0.0.1:6379/0", False),
        ("on", "locmem://", True),
    ],
)
def test_auto_is_on_only_for_a_cache_every_worker_shares(settings, mode, cache_url, expected):
    settings.KB_PAGE_CACHE = mode
    settings.CACHES = caches_from_url(cache_url)  # as CACHE_URL configures it
    assert shared.enabled() is expected


def test_off_renders_from_the_database_every_time(client, issue, settings):
    settings.KB_PAGE_CACHE = "off"
    page(client, issue)
    assert queries_for(client, issue) > 0


def test_lookup_is_skipped_for_anything_but_a_plain_anonymous_get(rf):
    request = rf.post("/issues/x/")
    request.user = AnonymousUser()
    assert shared.lookup(request, "x").key is None


def test_a_database_outage_does_not_break_a_cached_page(client, issue, settings):
    from django.db import OperationalError

    settings.KB_VIEW_FLUSH_EVERY = 2  # the next view is due for a flush
    page(client, issue)
    with mock.patch.object(view_counts, "_write", side_effect=OperationalError("database gone")):
        assert shown_count(page(client, issue)) == 2
    # The views it could not write are still pending, and written by the next flush.
    assert view_counts.pending([issue.pk]) == {issue.pk: 2}
    page(client, issue)
    assert stored_count(issue) == 3


def test_a_view_counted_with_a_stale_page_is_not_counted_twice(client, issue):
    shown = [shown_count(page(client, issue)) for _ in range(3)]
    setattr_save(issue, "title", "改过的标题")  # the cached page is stale now
    shown += [shown_count(page(client, issue)) for _ in range(3)]
    assert shown == [1, 2, 3, 4, 5, 6]


def test_a_slug_that_moved_to_another_issue_counts_the_right_one(client, issue):
    page(client, issue)
    page(client, issue)  # this process now knows the slug's pk
    issue.slug = "login-fails-old"
    issue.save()
    newcomer = make_issue(product=issue.product, slug="login-fails", title="新的问题")
    for _ in range(2):
        assert "新的问题" in page(client, newcomer)
    counts = view_counts.pending([issue.pk, newcomer.pk])
    assert counts.get(issue.pk, 0) + stored_count(issue) == 2
    assert counts.get(newcomer.pk, 0) + stored_count(newcomer) == 2


@pytest.fixture
def redis_cache(settings):
    from tests.prod.servers import REDIS_URL, redis_test_url, unavailable

    # This lane's own Redis database (tests/prod/servers.py): cache.clear() flushes it.
    settings.CACHES = caches_from_url(redis_test_url("cache"), key_prefix="kbtest-pages")
    try:
        cache.clear()
    except Exception as exc:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    yield
    cache.clear()


def test_with_redis_a_hit_is_one_round_trip_and_counts_exactly(client, issue, redis_cache):
    Issue.objects.filter(pk=issue.pk).update(view_count=100)
    shown = [shown_count(page(client, issue)) for _ in range(3)]
    client_of_redis = cache._cache.get_client(write=True)
    # A single command (not the one pipeline) would fail and send the page to the database.
    single_command = AssertionError("a single Redis command on the hot path")
    with (
        mock.patch.object(type(client_of_redis), "execute_command", side_effect=single_command),
        CaptureQueriesContext(connection) as queries,
    ):
        shown.append(shown_count(page(client, issue)))
    assert len(queries) == 0
    shown += [shown_count(page(client, issue)) for _ in range(8)]
    assert shown == list(range(101, 113))  # across flushes (every fifth view)
    assert stored_count(issue) == 110


# --- Home, code index and code pages --------------------------------------------


def read(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def queries_for_url(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        read(client, url)
    return len(captured)


def code_url(issue) -> str:
    return issue.error_codes.get().get_absolute_url()


@pytest.mark.parametrize("url", ["/", "/codes/", "code"])
def test_other_public_pages_repeat_without_the_database(client, issue, url):
    url = code_url(issue) if url == "code" else url
    assert queries_for_url(client, url) > 0
    assert queries_for_url(client, url) == 0


@pytest.mark.parametrize("url", ["/", "/codes/", "code"])
def test_other_public_pages_get_their_own_csrf_token_from_the_cache(client, issue, url):
    url = code_url(issue) if url == "code" else url
    tokens = set()
    for _ in range(2):
        client.cookies.clear()
        html = read(client, url)
        assert holes.holes().csrf_token not in html
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))
    assert len(tokens) == 2


def test_home_shows_an_edit_on_the_next_request(client, issue):
    assert "登录失败" in read(client, "/")
    issue.title = "登录总是失败"
    issue.save()
    assert "登录总是失败" in read(client, "/")


def test_home_shows_a_newly_published_entry_and_never_a_draft_or_internal_one(client, issue):
    read(client, "/")
    draft = make_issue(product=issue.product, slug="draft", title="草稿条目", status="draft")
    make_issue(product=issue.product, slug="internal", title="内部条目", visibility="internal")
    html = read(client, "/")
    assert "草稿条目" not in html and "内部条目" not in html
    draft.status = Issue.Status.PUBLISHED
    draft.save()
    assert "草稿条目" in read(client, "/")


def test_a_signed_in_readers_page_is_never_served_to_anonymous_readers(client, helpdesk, issue):
    make_issue(product=issue.product, slug="internal", title="内部条目", visibility="internal")
    client.force_login(helpdesk)
    assert "内部条目" in read(client, "/")
    client.logout()
    assert "内部条目" not in read(client, "/")
    assert "内部条目" not in read(client, "/")  # the page stored for anonymous readers


def test_home_most_viewed_list_is_rendered_again_once_views_may_have_moved(client, issue, settings):
    read(client, "/")
    assert queries_for_url(client, "/") == 0
    later = shared.time.time() + settings.KB_VIEW_FLUSH_SECONDS
    with mock.patch.object(shared.time, "time", return_value=later):
        assert queries_for_url(client, "/") > 0


def test_home_answers_304_from_the_cache(client, issue):
    etag = client.get("/")["ETag"]
    with CaptureQueriesContext(connection) as captured:
        again = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert len(captured) == 0


def test_code_page_shows_an_edit_on_the_next_request(client, issue):
    url = code_url(issue)
    assert "sdktoken校验失败" in read(client, url)
    code = issue.error_codes.get()
    code.description = "令牌校验失败"
    code.save()
    assert "令牌校验失败" in read(client, url)


def test_code_page_never_lists_an_internal_explaining_issue_to_anonymous_readers(
    client, helpdesk, issue
):
    code = issue.error_codes.get()
    hidden = make_issue(
        product=issue.product, slug="hidden", title="内部解释", visibility="internal"
    )
    code.issues.add(hidden)
    client.force_login(helpdesk)
    assert "内部解释" in read(client, code.get_absolute_url())
    client.logout()
    for _ in range(2):
        assert "内部解释" not in read(client, code.get_absolute_url())


def test_code_page_sends_the_same_validators_from_the_cache(client, issue):
    url = code_url(issue)
    first, cached = client.get(url), client.get(url)
    for header in ("Last-Modified", "Cache-Control", "Vary", "Content-Type"):
        assert cached.headers[header] == first.headers[header]
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first.headers["Last-Modified"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_code_index_shows_a_new_code_on_the_next_request(client, issue):
    read(client, "/codes/")
    make_code(issue.product, "-1002", description="网络不可用")
    assert "-1002" in read(client, "/codes/")


def test_code_index_search_is_not_served_from_the_cache(client, issue):
    read(client, "/codes/")
    html = read(client, "/codes/?q=-1019")
    assert "-1019" in html
    assert queries_for_url(client, "/codes/?q=-1019") > 0
