"""The public pages: what each shows, who may see it, and what it costs in queries."""

from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import http_date

from issues.models import Cause, ErrorCode, Fix, Issue, Symptom, Tag
from issues.pagecache import view_counts
from tests.issues.factories import make_code, make_issue, make_issue_with_parts, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_issue():
    """An issue with every kind of part, so every field has something to show."""
    product = make_product(slug="sdk", name="会议 SDK")
    issue = make_issue(
        product=product,
        slug="login-fails",
        title="登录失败",
        summary="登录时报错，无法进入会议。",
        source="004.txt#3",
        internal_notes="内部：**联系值班**",
    )
    issue.tags.add(Tag.objects.create(slug="login", name="登录"))
    Symptom.objects.create(issue=issue, position=1, text="点击登录后提示错误")
    Symptom.objects.create(issue=issue, position=2, text="登录一直转圈")
    first = Cause.objects.create(issue=issue, position=1, text="令牌过期")
    second = Cause.objects.create(issue=issue, position=2, text="重复登录")
    Fix.objects.create(issue=issue, cause=first, position=1, body="调用 `refreshSDKToken`")
    Fix.objects.create(issue=issue, cause=second, position=2, body="先调用 logout")
    Fix.objects.create(issue=issue, cause=None, position=3, body="仍失败则**提交工单**")
    code = make_code(
        product,
        "-1019",
        constant="kTMSDKErrorTokenVerifyFailed",
        description="sdktoken校验失败",
        callbacks="onResetSDKState()、onLogin()",
    )
    code.issues.add(issue)
    other = make_issue(product=product, slug="network", title="网络排查")
    issue.related.add(other)
    return issue


def test_issue_page_shows_every_part_in_order(client, full_issue):
    response = client.get(full_issue.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for text in (
        "登录失败",
        "会议 SDK",
        "登录",
        "点击登录后提示错误",
        "登录一直转圈",
        "令牌过期",
        "重复登录",
        "<code>refreshSDKToken</code>",
        "先调用 logout",
        "<strong>提交工单</strong>",
        "kTMSDKErrorTokenVerifyFailed",
        "网络排查",
        "登录时报错，无法进入会议。",
    ):
        assert text in html, text
    assert "004.txt#3" not in html  # where it was imported from is for editors only
    # Each cause is followed by its own fix; untied fixes come last.
    assert (
        html.index("令牌过期")
        < html.index("refreshSDKToken")
        < html.index("重复登录")
        < html.index("先调用 logout")
        < html.index("提交工单")
    )
    # Steps are numbered across the page and each has an anchor.
    for number in (1, 2, 3):
        assert f'id="step-{number}"' in html
        assert f'href="#step-{number}"' in html
    assert reverse("issues:code_detail", kwargs={"product": "sdk", "code": "-1019"}) in html
    assert 'href="/issues/network/"' in html


def test_issue_page_meta_description_canonical_and_breadcrumbs(client, full_issue):
    response = client.get(full_issue.get_absolute_url())
    html = response.content.decode()
    assert '<meta name="description" content="登录时报错，无法进入会议。">' in html
    assert '<link rel="canonical" href="http://testserver/issues/login-fails/">' in html
    assert "<title>登录失败 · kbsite</title>" in html
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</nav>", html.index('class="breadcrumbs"'))
    ]
    assert (
        'href="/"' in crumbs
        and "/search/?product=sdk" in crumbs
        and 'aria-current="page"' in crumbs
    )


def test_view_count_increments_without_touching_version(client, full_issue):
    version, updated_at = full_issue.version, full_issue.updated_at
    cache.clear()  # no pending views left in the cache by earlier tests
    client.get(full_issue.get_absolute_url())
    client.get(full_issue.get_absolute_url())
    view_counts.flush_all()  # views are written in batches (issues/pagecache/view_counts.py)
    full_issue.refresh_from_db()
    assert full_issue.view_count == 2
    assert full_issue.version == version
    assert full_issue.updated_at == updated_at


def test_issue_page_query_count(client, full_issue, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(full_issue.get_absolute_url())
    assert response.status_code == HTTPStatus.OK


def test_issue_page_query_count_does_not_grow_with_parts(
    client, full_issue, django_assert_num_queries
):
    client.get(full_issue.get_absolute_url())
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # compare page renders, not the shared content cache (pagecache/fragments.py)
    with CaptureQueriesContext(connection) as before:
        client.get(full_issue.get_absolute_url())
    for position in range(4, 14):
        cause = Cause.objects.create(issue=full_issue, position=position, text=f"原因{position}")
        Fix.objects.create(issue=full_issue, cause=cause, position=position, body="步骤")
        make_code(full_issue.product, str(position)).issues.add(full_issue)
        full_issue.related.add(make_issue(product=full_issue.product, slug=f"r{position}"))
    cache.clear()
    with django_assert_num_queries(len(before)):
        client.get(full_issue.get_absolute_url())


def test_staff_issue_page_query_count(client, full_issue, helpdesk, django_assert_max_num_queries):
    client.force_login(helpdesk)
    with django_assert_max_num_queries(12):
        response = client.get(full_issue.get_absolute_url())
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("status", [Issue.Status.DRAFT, Issue.Status.REVIEW, Issue.Status.ARCHIVED])
def test_unpublished_issue_is_404_for_readers_and_helpdesk(client, helpdesk, status):
    issue = make_issue_with_parts(status=status)
    assert client.get(issue.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    client.force_login(helpdesk)
    assert client.get(issue.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_editor_may_preview_a_draft(editor_client):
    issue = make_issue_with_parts(status=Issue.Status.DRAFT)
    response = editor_client.get(issue.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "Last-Modified" not in response.headers
    assert 'class="notice notice--warning"' in response.content.decode()


def test_internal_issue_is_404_for_anonymous_and_shown_to_helpdesk(client, helpdesk):
    issue = make_issue_with_parts(visibility=Issue.Visibility.INTERNAL)
    assert client.get(issue.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    client.force_login(helpdesk)
    response = client.get(issue.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "notice--internal" in response.content.decode()
    assert "Last-Modified" not in response.headers


def test_internal_notes_only_for_internal_readers(client, full_issue, helpdesk, django_user_model):
    assert "联系值班" not in client.get(full_issue.get_absolute_url()).content.decode()
    plain = django_user_model.objects.create_user("reader", password="reader-pass-1234")
    client.force_login(plain)
    assert "联系值班" not in client.get(full_issue.get_absolute_url()).content.decode()
    client.force_login(helpdesk)
    html = client.get(full_issue.get_absolute_url()).content.decode()
    assert "<strong>联系值班</strong>" in html


def test_internal_related_issue_hidden_from_anonymous(client, full_issue):
    secret = make_issue(
        product=full_issue.product,
        slug="secret",
        title="内部排障",
        visibility=Issue.Visibility.INTERNAL,
    )
    full_issue.related.add(secret)
    assert "内部排障" not in client.get(full_issue.get_absolute_url()).content.decode()


def test_anonymous_issue_page_sends_last_modified_and_answers_304(client, full_issue):
    response = client.get(full_issue.get_absolute_url())
    last_modified = response.headers["Last-Modified"]
    assert "Cookie" in response.headers["Vary"]
    again = client.get(full_issue.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == HTTPStatus.NOT_MODIFIED


LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _age_everything():
    """Push every timestamp the page depends on far into the past."""
    for model in (Symptom, Cause, Fix):
        model.history.model.objects.update(history_date=LONG_AGO)
    Issue.objects.update(updated_at=LONG_AGO)
    ErrorCode.objects.update(updated_at=LONG_AGO)


@pytest.mark.parametrize(
    "change",
    [
        lambda issue: Fix.objects.filter(issue=issue).first().save(),
        lambda issue: Symptom.objects.filter(issue=issue).first().delete(),
        lambda issue: Cause.objects.create(issue=issue, position=9, text="新原因"),
        lambda issue: ErrorCode.objects.get(code="-1019").save(),
        lambda issue: Issue.objects.get(slug="network").save(),
    ],
    ids=["fix-edited", "symptom-deleted", "cause-added", "code-edited", "related-edited"],
)
def test_any_change_the_page_shows_moves_last_modified(client, full_issue, change):
    _age_everything()
    old = client.get(full_issue.get_absolute_url()).headers["Last-Modified"]
    assert old == http_date(LONG_AGO.timestamp())
    cached = client.get(full_issue.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=old)
    assert cached.status_code == HTTPStatus.NOT_MODIFIED
    change(full_issue)
    response = client.get(full_issue.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=old)
    assert response.status_code == HTTPStatus.OK


def test_signed_in_reader_gets_no_validators(client, full_issue, helpdesk):
    client.force_login(helpdesk)
    response = client.get(full_issue.get_absolute_url())
    assert "Last-Modified" not in response.headers


def test_unknown_issue_is_styled_404_with_search_box(client):
    response = client.get("/issues/no-such-thing/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html
    assert 'href="/codes/"' in html


def test_500_template_renders_without_any_context():
    html = get_template("500.html").render()
    assert 'action="/search/"' in html
    assert 'href="/codes/"' in html
    assert "csrfmiddlewaretoken" not in html


def test_code_page_shows_every_field(client, full_issue):
    code = ErrorCode.objects.get(code="-1019")
    code.fix = "需要 `refreshSDKToken` 后再登录"
    code.network_relation = ErrorCode.NetworkRelation.NON_NETWORK
    code.save()
    response = client.get(code.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode().replace("<wbr>", "")  # identifiers' break points
    for text in (
        "-1019",
        "kTMSDKErrorTokenVerifyFailed",
        "sdktoken校验失败",
        "onResetSDKState()",
        "onLogin()",
        "<code>refreshSDKToken</code>",
        "登录失败",
        "会议 SDK",
    ):
        assert text in html, text
    assert str(ErrorCode.NetworkRelation.NON_NETWORK.label) in html or "非网络" in html
    assert 'id="procedure"' not in html
    assert response.headers["Last-Modified"]


def test_network_related_code_shows_the_procedure_steps(client, full_issue):
    code = ErrorCode.objects.get(code="-1019")
    code.network_relation = ErrorCode.NetworkRelation.BOTH
    code.save()
    html = client.get(code.get_absolute_url()).content.decode()
    assert 'id="procedure"' in html
    assert "<code>refreshSDKToken</code>" in html and "先调用 logout" in html


def test_code_page_found_by_any_spelling_and_redirected_to_permalink(client, full_issue):
    response = client.get("/codes/sdk/错误码-1019/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response.headers["Location"] == "/codes/sdk/-1019/"
    assert client.get("/codes/sdk/-1019/").status_code == HTTPStatus.OK


@pytest.mark.parametrize("path", ["/codes/sdk/-9999/", "/codes/other/-1019/", "/codes/sdk/1019/"])
def test_unknown_code_is_404(client, full_issue, path):
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_code_page_hides_internal_explaining_issue(client):
    product = make_product()
    code = make_code(product, "7", network_relation=ErrorCode.NetworkRelation.NETWORK)
    code.issues.add(
        make_issue(
            product=product, slug="hidden", title="内部步骤", visibility=Issue.Visibility.INTERNAL
        )
    )
    assert "内部步骤" not in client.get(code.get_absolute_url()).content.decode()


def test_code_page_query_count(client, full_issue, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get("/codes/sdk/-1019/").status_code == HTTPStatus.OK


def test_code_index_groups_by_product_and_filters_without_js(client, full_issue):
    make_code(make_product(slug="platform", name="移动平台"), "2004", description="没有权限接入")
    html = client.get(reverse("issues:code_index")).content.decode()
    assert 'id="product-sdk"' in html and 'id="product-platform"' in html
    filtered = client.get(reverse("issues:code_index"), {"q": "2004"}).content.decode()
    assert "没有权限接入" in filtered and "kTMSDKErrorTokenVerifyFailed" not in filtered
    by_constant = client.get(reverse("issues:code_index"), {"q": "TokenVerify"}).content.decode()
    assert "-1019" in by_constant and "没有权限接入" not in by_constant


def test_code_index_query_count(client, full_issue, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("issues:code_index"))


def test_home_shows_search_products_tags_popular_and_recent(client, full_issue):
    Issue.objects.filter(slug="network").update(view_count=50)
    response = client.get(reverse("issues:home"))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    main = html[html.index("<main") :]
    assert 'role="search"' in main
    assert main.index('role="search"') < main.index("会议 SDK")
    assert "/search/?product=sdk" in html and "/search/?tag=login" in html
    popular = html[html.index('id="popular-heading"') : html.index('id="recent-heading"')]
    assert popular.index("网络排查") < popular.index("登录失败")


def test_home_hides_internal_and_draft_entries(client):
    product = make_product()
    make_issue(product=product, slug="a", title="草稿条目", status=Issue.Status.DRAFT)
    make_issue(product=product, slug="b", title="内部条目", visibility=Issue.Visibility.INTERNAL)
    html = client.get(reverse("issues:home")).content.decode()
    assert "草稿条目" not in html and "内部条目" not in html


def test_home_query_count(client, full_issue, django_assert_max_num_queries):
    # 4 for the knowledge, 1 for the guided flows per product (diagnosis/_home_flows.html).
    with django_assert_max_num_queries(5):
        client.get(reverse("issues:home"))


def test_sitemap_lists_only_public_published_issues_and_codes(client, full_issue):
    product = full_issue.product
    make_issue(product=product, slug="draft-one", status=Issue.Status.DRAFT)
    make_issue(product=product, slug="internal-one", visibility=Issue.Visibility.INTERNAL)
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    xml = response.content.decode()
    assert "/issues/login-fails/" in xml and "/codes/sdk/-1019/" in xml
    assert "draft-one" not in xml and "internal-one" not in xml


def test_robots_txt_points_to_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response.headers["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


def test_pages_have_no_inline_scripts_styles_or_handlers(client, full_issue, editor):
    import re

    client.force_login(editor)
    for path in ("/", full_issue.get_absolute_url(), "/codes/", "/codes/sdk/-1019/", "/nope/"):
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert " style=" not in html and "<style" not in html, path


def test_skip_link_and_landmarks(client, full_issue):
    html = client.get(full_issue.get_absolute_url()).content.decode()
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html


def test_every_shipped_page_renders(client, shipped_content):
    anonymous = AnonymousUser()
    issues = Issue.objects.visible_to(anonymous)
    assert issues.exists()
    for issue in issues:
        assert client.get(issue.get_absolute_url()).status_code == HTTPStatus.OK, issue.slug
    for code in ErrorCode.objects.all():
        assert client.get(code.get_absolute_url()).status_code == HTTPStatus.OK, code.code


def test_shipped_network_code_shows_the_sdk_procedure(client, shipped_content):
    html = client.get("/codes/meeting-sdk/-1018/").content.decode()
    assert 'id="procedure"' in html
    assert "/issues/sdk-login-network-troubleshooting/" in html
    assert "telnet" in html


def test_shipped_minus_1002_is_listed_as_both(client, shipped_content):
    code = ErrorCode.objects.get(product__slug="meeting-sdk", code="-1002")
    assert code.network_relation == ErrorCode.NetworkRelation.BOTH
    html = client.get(code.get_absolute_url()).content.decode()
    assert "badge--both" in html


def test_code_page_answers_304_until_an_explaining_issue_changes(client, full_issue):
    _age_everything()
    url = "/codes/sdk/-1019/"
    old = client.get(url).headers["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=old).status_code == HTTPStatus.NOT_MODIFIED
    Fix.objects.filter(issue=full_issue).first().save()
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=old).status_code == HTTPStatus.OK


def test_interface_is_chinese_by_default(client, full_issue):
    html = client.get(full_issue.get_absolute_url()).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "你看到的现象" in html and "原因和解决方法" in html
    assert "What you see" not in html


def test_accept_language_english_translates_the_interface_not_the_content(client, full_issue):
    html = client.get(full_issue.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "What you see" in html and "Causes and fixes" in html
    assert "点击登录后提示错误" in html and "令牌过期" in html  # content stays as written


def test_language_switcher_posts_with_csrf_and_sticks():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    html = strict.get(reverse("issues:home")).content.decode()
    switcher = html[html.index('class="language-switcher"') :]
    assert 'action="/i18n/setlang/"' in switcher and 'name="csrfmiddlewaretoken"' in switcher
    assert strict.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == (
        HTTPStatus.FORBIDDEN
    )
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "What went wrong?" in strict.get("/").content.decode()


def test_staff_see_the_related_probe_checklist_link(client, editor, shipped_content):
    url = "/issues/sdk-login-network-troubleshooting/"
    assert "/probes/checklists/" not in client.get(url).content.decode()
    client.force_login(editor)
    html = client.get(url).content.decode()
    assert "/probes/checklists/sdk-firewall/" in html
    code_html = client.get("/codes/meeting-sdk/-1018/").content.decode()
    assert "/probes/checklists/sdk-firewall/" in code_html


def test_staff_issue_page_with_probes_query_count(
    client, editor, shipped_content, django_assert_max_num_queries
):
    client.force_login(editor)
    # 17: one more than before, the checklists' hosts, to offer each at the step naming them.
    with django_assert_max_num_queries(17):
        response = client.get("/issues/sdk-login-network-troubleshooting/")
    assert response.status_code == HTTPStatus.OK


def test_code_index_sends_last_modified_and_answers_304(client, full_issue):
    response = client.get(reverse("issues:code_index"))
    last_modified = response.headers["Last-Modified"]
    again = client.get(reverse("issues:code_index"), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
