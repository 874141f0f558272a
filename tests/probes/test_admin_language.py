"""The probes admin as a Chinese (and English) editor reads it: labels, not codes or JSON."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from probes.models import Checklist, ProbeResult, ProbeRun, RunSource
from tests.admin_text import speak, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    return client


@pytest.fixture
def blocked_run():
    run = ProbeRun.objects.create(source=RunSource.WEB, timeout=2, status=ProbeRun.Status.DONE)
    ProbeResult.objects.create(
        run=run,
        position=1,
        target_text="tcp://127.0.0.1:8011",
        kind="tcp",
        outcome="blocked",
        addresses=["127.0.0.1", "::1"],
        timings_ms={"connect": 1.1, "total": 4.2, "dns": 0.5},
    )
    return run


def test_a_run_page_reads_in_chinese(root, blocked_run):
    url = reverse("admin:probes_proberun_change", args=[blocked_run.pk])
    html = speak(root, "zh-hans").get(url).content.decode()
    text = visible_text(html, "content")
    results = visible_text(html, "results-group")
    assert "顺序" in results and "POSITION" not in results.upper()
    assert "tcp://127.0.0.1:8011: 被安全策略阻止" in results
    assert "blocked" not in results
    assert "地址 127.0.0.1, ::1" not in results  # header and value are separate cells
    assert "127.0.0.1, ::1" in results and '["127.0.0.1"' not in html
    assert "合计 4.2 ms · DNS 解析 0.5 ms · TCP 连接 1.1 ms" in results
    assert '"total"' not in html
    assert "发起方式: 网页" in text or "发起方式 网页" in text or "发起方式： 网页" in text
    assert not re.search(r">\s*web\s*<", html)


def test_a_run_page_reads_in_english(root, blocked_run):
    url = reverse("admin:probes_proberun_change", args=[blocked_run.pk])
    html = speak(root, "en").get(url).content.decode()
    results = visible_text(html, "results-group")
    assert "tcp://127.0.0.1:8011: blocked by policy" in results
    assert "total 4.2 ms · DNS lookup 0.5 ms · TCP connect 1.1 ms" in results
    assert "web page" in visible_text(html, "content")


def test_the_outcome_column_does_not_wrap_per_character(root, blocked_run):
    """The admin stylesheet (on every admin page) keeps the outcome cell on one line."""
    url = reverse("admin:probes_proberun_change", args=[blocked_run.pk])
    html = speak(root, "zh-hans").get(url).content.decode()
    assert 'class="field-outcome"' in html and "css/admin.css" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "admin.css").read_text()
    rule = re.search(r"td\.field-outcome[^{]*\{([^}]*)\}", css)
    assert rule and "white-space: nowrap" in rule.group(1)


def test_the_result_list_names_the_run_column(root, blocked_run):
    html = speak(root, "zh-hans").get(reverse("admin:probes_proberesult_changelist")).content
    header = visible_text(html.decode(), "result_list").split("tcp://")[0]
    assert "探测运行" in header and "RUN" not in header.upper().replace("探测运行", "")


def test_the_checklist_filter_names_the_empty_choice(root, blocked_run):
    Checklist.objects.create(slug="sso", title="SSO 登录")
    html = speak(root, "zh-hans").get(reverse("admin:probes_proberun_changelist")).content
    filters = visible_text(html.decode(), "changelist-filter")
    assert "（无）" in filters
    assert not re.search(r"<a[^>]*>\s*-\s*</a>", html.decode())
    assert "网页" in filters  # the source filter shows the label, not "web"


def test_the_recent_runs_list_shows_the_source_label(root, blocked_run):
    html = speak(root, "zh-hans").get(reverse("probes:index")).content.decode()
    assert "网页" in visible_text(html)
    assert not re.search(r'<span class="meta">\s*web\s*</span>', html)


def test_a_result_names_its_outcome_in_the_readers_language(blocked_run):
    result = blocked_run.results.get()
    with translation.override("zh-hans"):
        assert str(result) == "tcp://127.0.0.1:8011: 被安全策略阻止"
    with translation.override("en"):
        assert str(result) == "tcp://127.0.0.1:8011: blocked by policy"
    result.outcome = ""
    with translation.override("zh-hans"):
        assert str(result) == "tcp://127.0.0.1:8011: 等待中"


def test_the_greeting_is_punctuated_per_language(root):
    zh = visible_text(
        speak(root, "zh-hans").get(reverse("admin:index")).content.decode(), "user-tools"
    )
    assert zh.startswith("欢迎，root ") or zh.startswith("欢迎，root")
    assert "欢迎， " not in zh and "root." not in zh
    en = visible_text(speak(root, "en").get(reverse("admin:index")).content.decode(), "user-tools")
    assert en.startswith("Welcome, root.")
