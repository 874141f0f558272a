"""Invalid-target and blocked-by-policy rows read in the reader's language at display time.

The parser and the policy explain themselves in English for the log; a Chinese reader
used to see those sentences on the row (原因：“99999” is not a port…) and in its details.
"""

import re

import pytest
from django.utils import translation

from probes.models import ProbeRun
from probes.outcomes import Outcome
from probes.services import probe_run_create, probe_run_execute
from tests.probes.test_explain import rendered

pytestmark = pytest.mark.django_db

# An English sentence of three or more words: interface text left untranslated.
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]+(?: [A-Za-z]+){2,}")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("prober", is_staff=True)


def run_rows(user, *targets):
    with translation.override("en"):  # the runner's language must not matter
        run = probe_run_create(user=user, source="api", targets=list(targets))
        probe_run_execute(run=run)
    return list(ProbeRun.objects.get(pk=run.pk).results.order_by("position"))


def english_left(text: str) -> list[str]:
    # Targets, addresses and setting names are not sentences; drop them first.
    text = re.sub(r"\S*(://|\.|_)\S*", " ", text)
    return ENGLISH_SENTENCE.findall(text)


@pytest.mark.parametrize(
    "target, chinese, english",
    [
        ("tcp://example.com:99999", "“99999”不是端口（1–65535）。", "“99999” is not a port"),
        ("tcp://example.com", "tcp 检查需要端口。", "A tcp check needs a port."),
        ("ftp://example.com", "未知的检查类型“ftp”。", "Unknown kind of check “ftp”."),
        ("tcp://exa mple.com:80", "主机包含空格或控制字符。", "The host contains spaces"),
    ],
)
def test_an_invalid_target_reads_in_each_language(user, target, chinese, english):
    (row,) = run_rows(user, target)
    assert row.outcome == Outcome.INVALID
    zh = rendered(row, "zh-hans")
    zh_text = " ".join(zh.visible + zh.folded)
    assert chinese in zh_text
    assert english_left(zh_text) == []
    en = rendered(row, "en")
    assert english in " ".join(en.visible)


def test_an_unknown_parser_sentence_gets_a_translated_line_and_keeps_the_original_folded():
    from probes.models import ProbeResult

    row = ProbeResult(
        position=1,
        target_text="tcp://x",
        outcome=Outcome.INVALID,
        details={"reason": "Some future parser message"},
    )
    zh = rendered(row, "zh-hans")
    assert "无法按所填写的目标执行检查（见详情）。" in " ".join(zh.visible)
    assert "Some future parser message" not in " ".join(zh.visible)
    assert "Some future parser message" in " ".join(zh.folded)  # under 技术信息


def test_a_blocked_address_reads_in_each_language(user):
    (row,) = run_rows(user, "tcp://192.0.2.1:443")  # TEST-NET-1: denied by the policy
    assert row.outcome == Outcome.BLOCKED
    zh = rendered(row, "zh-hans")
    zh_folded = " ".join(zh.folded)
    assert "192.0.2.1：文档示例地址（TEST-NET-1）" in zh_folded
    assert english_left(" ".join(zh.visible + zh.folded)) == []
    assert zh_folded.count("192.0.2.1：") == 1  # the policy line, not repeated as a message
    en = rendered(row, "en")
    assert "192.0.2.1: documentation address (TEST-NET-1)" in " ".join(en.folded)
