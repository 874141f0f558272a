"""The shared issue content cache: edits show at once, nothing per-reader is shared."""

from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.cache import cache

from issues import views
from issues.models import Issue, Symptom
from issues.pagecache import fragments, holes, markers, store
from tests.issues.factories import make_code, make_issue, make_issue_page_example
from tests.issues.pages import page, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issue():
    return make_issue_page_example(internal_notes="内部备注：联系值班工程师")


# --- An edit is visible on the very next request ---------------------------------


def test_title_edit_is_visible_at_once(client, issue):
    assert "登录失败" in page(client, issue)
    issue.title = "登录总是失败"
    issue.save()
    assert '<h1 id="issue-title">登录总是失败</h1>' in page(client, issue)


def test_fix_edit_is_visible_at_once(client, issue):
    assert "refreshSDKToken" in page(client, issue)
    fix = issue.fixes.get()
    fix.body = "重新获取 **令牌**"
    fix.save()
    html = page(client, issue)
    assert "<strong>令牌</strong>" in html and "refreshSDKToken" not in html


def test_fix_deletion_is_visible_at_once(client, issue):
    assert "refreshSDKToken" in page(client, issue)
    issue.fixes.get().delete()
    assert "refreshSDKToken" not in page(client, issue)


def test_symptom_edit_and_addition_are_visible_at_once(client, issue):
    assert "提示错误" in page(client, issue)
    symptom = issue.symptoms.get()
    symptom.text = "弹出错误对话框"
    symptom.save()
    assert "弹出错误对话框" in page(client, issue)
    Symptom.objects.create(issue=issue, position=2, text="一直转圈")
    assert "一直转圈" in page(client, issue)


def test_linked_code_edit_is_visible_at_once(client, issue):
    assert "sdktoken校验失败" in page(client, issue)
    code = issue.error_codes.get()
    code.description = "令牌校验失败"
    code.save()
    html = page(client, issue)
    assert "令牌校验失败" in html and "sdktoken校验失败" not in html


def test_linking_an_older_code_is_visible_at_once(client, issue):
    """The new link's code is older than the linked one: no timestamp moves, the link set does."""
    older = make_code(issue.product, "-1005", description="网络不可达")
    newest = issue.error_codes.get()
    newest.save()  # now the linked code is the newest one
    assert "网络不可达" not in page(client, issue)
    older.issues.add(issue)
    assert "网络不可达" in page(client, issue)
    older.issues.remove(issue)
    assert "网络不可达" not in page(client, issue)


def test_tag_rename_is_visible_at_once(client, issue):
    assert "登录" in page(client, issue)
    tag = issue.tags.get()
    tag.name = "帐号登录"
    tag.save()
    assert "帐号登录" in page(client, issue)


def test_related_issue_edits_and_links_are_visible_at_once(client, issue):
    other = make_issue(product=issue.product, slug="token-expired", title="令牌过期怎么办")
    assert "令牌过期怎么办" not in page(client, issue)
    issue.related.add(other)
    assert "令牌过期怎么办" in page(client, issue)
    other.title = "令牌过期的处理"
    other.save()
    assert "令牌过期的处理" in page(client, issue)
    other.status = Issue.Status.ARCHIVED
    other.save()
    assert "令牌过期的处理" not in page(client, issue)


def test_view_count_is_never_cached(client, issue):
    first = page(client, issue)
    second = page(client, issue)
    assert "<dd>1</dd>" in first and "<dd>2</dd>" in second


# --- The cache is used, and saves queries ----------------------------------------


def test_cached_path_uses_fewer_queries(client, issue):
    uncached = queries_for(client, issue)
    cached = queries_for(client, issue)
    assert cached < uncached
    # The issue with its change markers, and the view count: nothing else.
    assert cached <= 2


def test_content_is_rendered_once_per_edit(client, issue):
    with mock.patch.object(fragments, "_render", wraps=fragments._render) as render:
        page(client, issue)
        page(client, issue)
        assert render.call_count == 1
        Symptom.objects.create(issue=issue, position=2, text="一直转圈")
        page(client, issue)
        assert render.call_count == 2


def test_page_works_when_the_cache_is_down(client, issue):
    with (
        mock.patch.object(store.cache, "get", side_effect=ConnectionError),
        mock.patch.object(store.cache, "set", side_effect=ConnectionError),
    ):
        assert "refreshSDKToken" in page(client, issue)


# --- Nothing per-reader is shared --------------------------------------------------


def test_internal_notes_never_reach_anonymous_readers_from_the_cache(client, issue, helpdesk):
    client.force_login(helpdesk)
    assert "内部备注" in page(client, issue)  # the staff reader's render fills the cache first
    client.logout()
    html = page(client, issue)
    assert "内部备注" not in html and "internal-notes" not in html
    assert "refreshSDKToken" in html


def test_staff_links_never_reach_anonymous_readers_from_the_cache(client, issue, editor):
    client.force_login(editor)
    assert 'href="/admin/"' in page(client, issue)
    client.logout()
    html = page(client, issue)
    assert 'href="/admin/"' not in html and "staff-tools" not in html


def test_internal_related_issue_stays_hidden_after_a_staff_render(client, issue, helpdesk):
    secret = make_issue(
        product=issue.product,
        slug="internal-runbook",
        title="值班手册",
        visibility=Issue.Visibility.INTERNAL,
    )
    issue.related.add(secret)
    client.force_login(helpdesk)
    assert "值班手册" in page(client, issue)
    client.logout()
    assert "值班手册" not in page(client, issue)


def test_staff_reader_still_sees_internal_notes_after_an_anonymous_render(client, issue, helpdesk):
    assert "内部备注" not in page(client, issue)
    client.force_login(helpdesk)
    assert "内部备注" in page(client, issue)


def test_cached_fragments_hold_no_csrf_token_or_internal_notes(client, issue):
    html = page(client, issue)
    assert "csrfmiddlewaretoken" in html  # the page itself carries the feedback form
    head = markers.issue_head(slug=issue.slug, user=AnonymousUser())
    cached = cache.get(fragments.fragment_key(head, user=AnonymousUser()))
    assert cached is not None
    stored = "".join(cached.values())
    assert "refreshSDKToken" in stored
    assert "csrfmiddlewaretoken" not in stored and "内部备注" not in stored


def test_each_reader_gets_their_own_csrf_token(client, issue):
    from django.test import Client

    first = page(Client(), issue)
    second = page(Client(), issue)

    def token(html):
        return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    assert token(first) != token(second)


# --- Languages do not share content ------------------------------------------------


def test_languages_get_their_own_content(client, issue):
    chinese = page(client, issue, HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = page(client, issue, HTTP_ACCEPT_LANGUAGE="en")
    assert "你看到的现象" in chinese and "What you see" not in chinese
    assert "What you see" in english and "你看到的现象" not in english
    # And again from the cache, each in its own language.
    assert "你看到的现象" in page(client, issue, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "What you see" in page(client, issue, HTTP_ACCEPT_LANGUAGE="en")


# --- The whole anonymous page ------------------------------------------------------


def test_anonymous_page_fills_its_holes(client, issue):
    page(client, issue)
    html = page(client, issue)  # from the cache
    placeholders = holes.holes()
    assert placeholders.csrf_token not in html and placeholders.view_count not in html
    assert 'name="csrfmiddlewaretoken" value="' in html
    assert client.cookies.get("csrftoken")  # the token's cookie is sent with a cached page too


def test_cached_anonymous_page_holds_no_csrf_token(client, issue):
    with mock.patch.object(store, "put", wraps=store.put) as stored:
        html = page(client, issue)
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    cached_values = [call.args[1] for call in stored.call_args_list]
    assert any(isinstance(value, str) for value in cached_values)  # the whole page was stored
    assert all(token not in str(value) for value in cached_values)


def test_feedback_thanks_is_not_served_from_the_shared_page(client, issue):
    page(client, issue)
    thanks = page(client, issue, QUERY_STRING="feedback=thanks")
    assert "Thank you" in thanks or "谢谢" in thanks
    assert "谢谢" not in page(client, issue) and "Thank you" not in page(client, issue)


# --- The whole page for signed-in readers -------------------------------------------


def test_a_warm_helpdesk_page_is_not_rendered_again(client, issue, helpdesk):
    client.force_login(helpdesk)
    page(client, issue)
    with mock.patch.object(views, "render_to_string", wraps=views.render_to_string) as render:
        html = page(client, issue)
    assert render.call_count == 0  # neither the page template nor its fragments
    assert "内部备注" in html  # Helpdesk reads internal notes
    assert holes.holes().csrf_token not in html and holes.holes().view_count not in html


def test_a_helpdesk_page_shows_an_edit_on_the_next_request(client, issue, helpdesk):
    client.force_login(helpdesk)
    page(client, issue)
    issue.internal_notes = "新的内部备注"
    issue.save()
    assert "新的内部备注" in page(client, issue)


def test_each_signed_in_reader_gets_their_own_csrf_token(client, issue, helpdesk):
    other = type(helpdesk).objects.create_user("helpdesk-2")
    other.groups.set(helpdesk.groups.all())
    tokens = set()
    for user in (helpdesk, other):
        client.force_login(user)
        html = page(client, issue)
        tokens.add(html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])
    assert len(tokens) == 2


def test_the_helpdesk_page_never_reaches_anonymous_readers(client, issue, helpdesk):
    client.force_login(helpdesk)
    assert "内部备注" in page(client, issue)
    client.logout()
    assert "内部备注" not in page(client, issue)


def test_staff_pages_are_kept_whole_too(client, issue, editor, settings):
    # Where every process shares the cache; their live parts (monitor states,
    # checklists) follow the live generation: tests/issues/test_editor_pages.py.
    settings.KB_PAGE_CACHE = "on"
    client.force_login(editor)
    page(client, issue)
    assert queries_for(client, issue) == 0


def test_a_reader_given_more_rights_gets_their_own_page(client, issue, django_user_model):
    reader = django_user_model.objects.create_user("reader")
    client.force_login(reader)
    assert "内部备注" not in page(client, issue)
    reader.user_permissions.add(Permission.objects.get(codename="view_internal"))
    reader = django_user_model.objects.get(pk=reader.pk)  # a fresh permission cache
    client.force_login(reader)
    assert "内部备注" in page(client, issue)


def test_a_revoked_right_applies_on_the_next_request(client, issue, helpdesk):
    client.force_login(helpdesk)
    assert "内部备注" in page(client, issue)
    helpdesk.groups.clear()  # permission sets are cached between requests (permissions.py)
    assert "内部备注" not in page(client, issue)


def test_a_granted_right_applies_on_the_next_request(client, issue, django_user_model):
    reader = django_user_model.objects.create_user("reader-2")
    client.force_login(reader)
    assert "内部备注" not in page(client, issue)
    reader.user_permissions.add(Permission.objects.get(codename="view_internal"))
    assert "内部备注" in page(client, issue)
