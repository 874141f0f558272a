"""One name for the feature in each language (逐步排查 / Guided diagnosis) on every page
that names it, and step kinds shown as capitalised labels in English."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from diagnosis.models import Step

NAMES = {"zh-hans": "逐步排查", "en": "Guided diagnosis"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_feature_has_one_name_per_language(language):
    with translation.override(language):
        names = {
            gettext("Guided diagnosis"),
            gettext("Step-by-step troubleshooting"),  # the headings of the flow links
            pgettext("search result kind", "Guided diagnosis"),
        }
        assert names == {NAMES[language]}
        assert gettext("Guided diagnosis: %(title)s").startswith(NAMES[language])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_code_page_flow_page_and_search_say_the_same_name(client, shipped_content, language):
    pages = [
        "/codes/meeting-sdk/-1019/",
        "/diagnose/sdk-login-failure/",
        "/diagnose/",
        "/search/?q=%E7%99%BB%E5%BD%95%E5%A4%B1%E8%B4%A5",
    ]
    for url in pages:
        text = client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
        assert NAMES[language] in text, url
        assert "引导式" not in text and "Step-by-step" not in text, url


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ["Question", "Check", "Fix", "Escalate"]),
        ("zh-hans", ["问题", "检查", "解决方法", "升级处理"]),
    ],
)
def test_step_kind_labels(language, labels):
    with translation.override(language):
        assert [str(label) for label in Step.Kind.labels] == labels
        # "fix" as a field's name stays lower case: only the kinds have their own context.
        if language == "en":
            assert gettext("fix") == "fix"
