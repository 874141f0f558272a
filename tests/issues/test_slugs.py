import pytest

from issues.models import Issue, Product
from issues.slugs import title_slug, unique_issue_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("扫码登录失败", "saoma-denglu-shibai"),
        ("iOS客户端提示错误码-1019", "ios-kehuduan-tishi-cuowuma-1019"),
        ("Token verify failed", "token-verify-failed"),
    ],
)
def test_chinese_titles_become_readable_pinyin_slugs(title, slug):
    assert title_slug(title) == slug


def test_long_titles_are_cut_at_a_word():
    slug = title_slug("客户端" * 40)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.startswith("kehuduan-")


@pytest.mark.django_db
def test_a_taken_slug_gets_a_number():
    product = Product.objects.create(slug="p", name="P")
    Issue.objects.create(product=product, title="登录超时", slug="denglu-chaoshi")
    assert unique_issue_slug("登录超时") == "denglu-chaoshi-2"
    assert unique_issue_slug("登录超时", exclude_pk=Issue.objects.get().pk) == "denglu-chaoshi"
