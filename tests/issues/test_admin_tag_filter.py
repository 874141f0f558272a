"""The issue list's tag filter names its "no tag" choice instead of Django's bare "-"."""

import re

import pytest
from django.urls import reverse

from issues.models import Tag
from tests.admin_text import speak, visible_text
from tests.issues.factories import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged():
    tagged = make_issue(slug="tagged", title="带标签的问题")
    tagged.tags.add(Tag.objects.create(slug="login", name="登录"))
    make_issue(product=tagged.product, slug="untagged", title="没有标签")


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "（无）"), ("en", "(none)")])
def test_the_tag_filter_names_the_empty_choice(editor_client, tagged, language, label):
    url = reverse("admin:issues_issue_changelist")
    html = speak(editor_client, language).get(url).content.decode()
    filters = visible_text(html, "changelist-filter")
    assert "登录" in filters and label in filters
    assert not re.search(r"<a[^>]*>\s*-\s*</a>", html)
    # The worded choice still lists the issues without a tag.
    empty = editor_client.get(url, {"tags__isnull": "True"}).content.decode()
    assert "没有标签" in empty and "带标签的问题" not in empty
