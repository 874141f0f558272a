"""What a reader meets on fix and code pages: step links, no internal traces, the summary
as Markdown, the favicon, and (for staff) a checklist at the step that needs it."""

import re
import struct
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache

from tests.issues.factories import make_issue_page_example

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate limits and cached pages from other tests


@pytest.fixture
def issue():
    return make_issue_page_example(
        source="004_9b5b1c46d8420441.txt#5",
        summary="登录时**必须**先取得令牌。<script>alert(1)</script>\n\n见 [说明](https://example.com/doc)。",
    )


def test_step_link_is_a_labelled_icon_not_a_line_of_text(client, issue):
    html = client.get(issue.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    anchor = re.search(r'<a class="step-anchor[^"]*" href="#step-1"[^>]*>(.*?)</a>', html, re.S)
    assert anchor is not None
    assert 'aria-label="第 1 步的链接"' in anchor.group(0)
    # Nothing to read but an icon: the label is for screen readers and a tooltip.
    assert re.sub(r"<[^>]+>", "", anchor.group(1)).strip() == ""
    assert "<svg" in anchor.group(1)


def test_where_an_entry_was_imported_from_is_for_editors_only(client, helpdesk, issue):
    anonymous = client.get(issue.get_absolute_url()).content.decode()
    assert "004_9b5b1c46d8420441.txt" not in anonymous
    client.force_login(helpdesk)
    assert "004_9b5b1c46d8420441.txt#5" in client.get(issue.get_absolute_url()).content.decode()


def test_summary_is_sanitized_markdown_like_the_admin_preview(client, issue):
    html = client.get(issue.get_absolute_url()).content.decode()
    lead = html[html.index('class="lead') : html.index("</div>", html.index('class="lead'))]
    assert "<strong>必须</strong>" in lead
    assert 'href="https://example.com/doc"' in lead
    assert "<script>" not in lead
    assert "**" not in lead
    # The meta description is the same text, without Markdown or markup.
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    assert description.startswith("登录时必须先取得令牌。")
    assert "**" not in description and "&lt;" not in description


def test_code_page_summary_of_the_procedure_is_markdown_too(client, issue):
    code = issue.error_codes.get()
    code.network_relation = code.NetworkRelation.NETWORK
    code.save()
    html = client.get(code.get_absolute_url()).content.decode()
    assert "<strong>必须</strong>" in html
    assert "**必须**" not in html


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("favicon.ico")
    path = finders.find("favicon.ico")
    assert path is not None
    reserved, kind, count = struct.unpack("<HHH", open(path, "rb").read(6))
    assert (reserved, kind, count) == (0, 1, 1)  # an ICO file holding one image
    assert finders.find("favicon.svg") is not None
    home = client.get("/").content.decode()
    assert 'rel="icon"' in home


@pytest.mark.usefixtures("shipped_content")
def test_staff_see_the_firewall_checklist_at_the_telnet_step(client, editor):
    url = "/issues/sdk-login-network-troubleshooting/"
    client.force_login(editor)
    html = client.get(url).content.decode()
    step2 = html[html.index('id="step-2"') : html.index('id="step-3"')]
    assert 'href="/probes/checklists/sdk-firewall/"' in step2
    assert "telnet" in step2
    # Offered once, where it is needed: not again below the article.
    assert html.count('href="/probes/checklists/sdk-firewall/"') == 1
    step1 = html[html.index('id="step-1"') : html.index('id="step-2"')]
    assert "/probes/" not in step1


@pytest.mark.usefixtures("shipped_content")
def test_readers_get_no_checklist_and_no_visible_marker(client):
    html = client.get("/issues/sdk-login-network-troubleshooting/").content.decode()
    assert "/probes/checklists/" not in html
    text = re.sub(r"<!--.*?-->|<[^>]+>", "", html, flags=re.S)
    assert "kb:step-tools" not in text
