"""Signed-in readers' issue and code pages with the user kept in the shared cache
(issues/pagecache/permissions.py): no database query on a warm page, yet a changed
right, password or account, a sign-out and an edit all show on the next request.
Editors' pages and their live parts: test_editor_pages.py."""

from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.pagecache import permissions
from tests.issues.factories import make_issue, make_issue_page_example
from tests.issues.pages import page, queries_for, shared_layer_on

pytestmark = pytest.mark.django_db

NOTES = "内部备注：联系值班工程师"


@pytest.fixture(autouse=True)
def shared_cache(settings):
    with shared_layer_on(settings):
        yield


@pytest.fixture
def issue():
    issue = make_issue_page_example(internal_notes=NOTES)
    issue.code_url = issue.error_codes.get().get_absolute_url()  # read outside the counts
    return issue


@pytest.fixture
def signed_in(client, helpdesk):
    client.force_login(helpdesk)
    return client


def test_a_warm_helpdesk_page_makes_no_database_query(signed_in, issue):
    assert queries_for(signed_in, issue) > 0  # the first renders from the database
    assert queries_for(signed_in, issue) == 0  # user, rights and page from the cache


def test_a_revoked_right_applies_on_the_next_request(signed_in, issue, helpdesk):
    assert NOTES in page(signed_in, issue)
    helpdesk.groups.clear()
    assert NOTES not in page(signed_in, issue)


def test_a_granted_right_applies_on_the_next_request(client, issue, django_user_model):
    reader = django_user_model.objects.create_user("reader")
    client.force_login(reader)
    assert NOTES not in page(client, issue)
    assert NOTES not in page(client, issue)  # the user is now kept
    reader.user_permissions.add(Permission.objects.get(codename="view_internal"))
    assert NOTES in page(client, issue)


def test_a_right_removed_from_the_group_applies_on_the_next_request(signed_in, issue, helpdesk):
    assert NOTES in page(signed_in, issue)
    group = helpdesk.groups.get()
    group.permissions.remove(Permission.objects.get(codename="view_internal"))
    group.name = "Former helpdesk"  # can_read_internal also trusts the group's name
    group.save()
    assert NOTES not in page(signed_in, issue)


def test_signing_out_shows_the_anonymous_page_on_the_next_request(signed_in, issue):
    assert NOTES in page(signed_in, issue)
    signed_in.logout()
    assert NOTES not in page(signed_in, issue)


def test_a_deactivated_account_is_signed_out_on_the_next_request(signed_in, issue, helpdesk):
    assert NOTES in page(signed_in, issue)
    helpdesk.is_active = False
    helpdesk.save()
    assert NOTES not in page(signed_in, issue)


def test_a_new_password_signs_out_other_sessions_on_the_next_request(signed_in, issue, helpdesk):
    assert NOTES in page(signed_in, issue)
    helpdesk.set_password("a-new-password-5678")
    helpdesk.save()
    assert NOTES not in page(signed_in, issue)


def test_an_edit_shows_on_the_next_request(signed_in, issue):
    assert NOTES in page(signed_in, issue)
    issue.internal_notes = "新的内部备注"
    issue.save()
    assert "新的内部备注" in page(signed_in, issue)


def test_a_login_alone_does_not_make_kept_users_stale(client, issue, helpdesk, editor):
    client.force_login(helpdesk)
    page(client, issue)
    generation = cache.get(permissions.GENERATION_KEY)
    client.force_login(editor)  # saves last_login only
    assert cache.get(permissions.GENERATION_KEY) == generation


def test_a_cache_outage_reads_the_user_from_the_database(signed_in, issue):
    page(signed_in, issue)
    with mock.patch.object(permissions.cache, "get_many", side_effect=ConnectionError):
        assert NOTES in page(signed_in, issue)


def test_with_a_per_process_cache_the_user_is_read_from_the_database(signed_in, issue, settings):
    # Another worker's edit would not reach this worker's copy.
    settings.KB_PAGE_CACHE = "auto"  # locmem: off
    page(signed_in, issue)
    with mock.patch.object(permissions.cache, "set", wraps=permissions.cache.set) as kept:
        response = signed_in.get(issue.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert not any(
        call.args[0].startswith(permissions.USER_KEY_PREFIX) for call in kept.call_args_list
    )


# --- Code pages: kept per reader profile too ---------------------------------------


def code_page(client, issue) -> str:
    response = client.get(issue.code_url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


@pytest.fixture
def internal_issue(issue):
    internal = make_issue(
        product=issue.product, slug="internal-steps", title="内部排查步骤", visibility="internal"
    )
    issue.error_codes.get().issues.add(internal)
    return internal


def test_a_warm_helpdesk_code_page_makes_no_database_query(signed_in, issue, internal_issue):
    assert "内部排查步骤" in code_page(signed_in, issue)
    with CaptureQueriesContext(connection) as captured:
        assert "内部排查步骤" in code_page(signed_in, issue)
    assert len(captured) == 0


def test_a_revoked_right_applies_on_the_next_code_page(signed_in, issue, internal_issue, helpdesk):
    code_page(signed_in, issue)
    assert "内部排查步骤" in code_page(signed_in, issue)  # from the cache
    helpdesk.groups.clear()
    assert "内部排查步骤" not in code_page(signed_in, issue)


def test_an_edit_shows_on_the_next_code_page(signed_in, issue):
    code_page(signed_in, issue)
    code = issue.error_codes.get()
    code.description = "令牌已失效"
    code.save()
    assert "令牌已失效" in code_page(signed_in, issue)


def test_the_helpdesk_code_page_never_reaches_anonymous_readers(
    client, issue, internal_issue, helpdesk
):
    client.force_login(helpdesk)
    assert "内部排查步骤" in code_page(client, issue)
    client.logout()
    assert "内部排查步骤" not in code_page(client, issue)
    assert "内部排查步骤" not in code_page(client, issue)  # the page kept for anonymous readers
