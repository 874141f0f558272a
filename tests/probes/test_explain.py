"""Result rows are worded at display time, in the reader's language, from stored codes."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from issues.models import Issue, Product
from probes.explain import explanation_text, reason_text
from probes.models import ProbeResult, ProbeRun, Target
from probes.outcomes import Outcome
from probes.services import probe_run_create, probe_run_execute
from tests.probes.factories import make_checklist

pytestmark = pytest.mark.django_db


class VisibleText(HTMLParser):
    """The text a reader sees without opening anything, and the folded <details> text apart."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.visible: list[str] = []
        self.folded: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "details":
            self.depth += 1
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "details":
            self.depth -= 1

    def handle_data(self, data):
        (self.folded if self.depth else self.visible).append(data)


def rendered(row: ProbeResult, language: str) -> VisibleText:
    with translation.override(language):
        html = render_to_string("probes/_result_row.html", {"result": row})
    parser = VisibleText()
    parser.feed(html)
    return parser


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("prober", is_staff=True)


@pytest.fixture
def fix():
    product = Product.objects.create(slug="sdk", name="SDK")
    return Issue.objects.create(
        product=product, title="防火墙放通", slug="firewall-fix", status="published"
    )


def run_one(user, **kwargs) -> ProbeResult:
    run = probe_run_create(user=user, source="api", **kwargs)
    probe_run_execute(run=run)
    return run.results.select_related("fix_issue", "target").get()


def test_the_same_stored_row_reads_in_each_readers_language(user, closed_tcp_port):
    with translation.override("en"):  # the runner's language must not matter
        row = run_one(user, targets=[f"tcp://127.0.0.1:{closed_tcp_port}"])
    chinese = " ".join(rendered(row, "zh-hans").visible)
    english = " ".join(rendered(row, "en").visible)
    assert "连接被拒绝" in chinese and "原因" in chinese
    assert "Connection refused" not in chinese
    assert "Reason: Connection refused" in english
    assert "原因" not in english and "目标拒绝了连接" not in english


def test_a_failure_links_its_fix_once(user, fix, closed_tcp_port):
    checklist = make_checklist(
        Target(kind="tcp", host="127.0.0.1", port=str(closed_tcp_port)), issue=fix
    )
    run = probe_run_create(user=user, source="web", checklist=checklist)
    probe_run_execute(run=run)
    row = run.results.select_related("fix_issue").get()
    page = rendered(row, "zh-hans")
    assert page.links.count(fix.get_absolute_url()) == 1
    assert fix.get_absolute_url() not in " ".join(page.visible)  # a link, not a raw path


def test_without_a_linked_fix_the_row_says_so_and_suggests_a_checklist(user, closed_tcp_port):
    row = run_one(user, targets=[f"tcp://127.0.0.1:{closed_tcp_port}"])
    page = rendered(row, "en")
    assert "No fix is linked to this check." in " ".join(page.visible)
    assert page.links[0] == "/probes/"  # then the folded history link


def test_outcome_target_and_total_time_show_and_the_rest_folds_away(user, open_tcp_port):
    row = run_one(user, targets=[f"tcp://127.0.0.1:{open_tcp_port}"])
    page = rendered(row, "en")
    visible, folded = " ".join(page.visible), " ".join(page.folded)
    assert f"tcp://127.0.0.1:{open_tcp_port}" in visible
    assert "reachable" in visible and f"{row.total_ms} ms" in visible
    assert "127.0.0.1" in folded and "TCP connect" in folded and "Connected to" in folded
    assert "TCP connect" not in visible


def test_old_rows_without_a_code_show_their_technical_reason():
    details = {"reason": "connection refused (nothing listens, or a firewall rejects)"}
    assert reason_text(details) == details["reason"]


def test_dns_misses_name_the_hosts_file_that_was_read_first():
    details = {
        "reason_code": "dns_nxdomain",
        "reason_params": {"name": "sso.example", "hosts_file": "/etc/hosts"},
    }
    with translation.override("zh-hans"):
        assert reason_text(details) == (
            "域名 sso.example 不存在（NXDOMAIN）。 已先查 /etc/hosts，其中也没有该名称。"
        )


def test_plain_text_for_alerts_and_the_api_follows_the_active_language(fix):
    details = {"reason_code": "http_status", "reason_params": {"status": 503}}
    with translation.override("en"):
        text = explanation_text(Outcome.HTTP_ERROR, details=details, fix_issue=fix)
    assert "Reason: The server answered HTTP 503." in text
    assert f"({fix.get_absolute_url()})" in text


def test_a_run_row_keeps_no_sentence(user, closed_tcp_port):
    row = run_one(user, targets=[f"tcp://127.0.0.1:{closed_tcp_port}"])
    stored = repr(ProbeResult.objects.filter(pk=row.pk).values().get())
    for language in ("en", "zh-hans"):
        with translation.override(language):
            sentence = reason_text(row.details)
        assert sentence and sentence not in stored  # only codes and parameters are kept
    assert ProbeRun.objects.get().results.count() == 1


def test_a_tls_failure_is_explained_without_pointing_at_one_documents_section():
    """An ad-hoc check can target anything: its explanation stands on its own (a new
    user's TLS check against loopback was sent to the SDK guide's certificate section)."""
    from probes.explain import explanation

    for language, section in (("zh-hans", "一节"), ("en", "section")):
        with translation.override(language):
            text = explanation(Outcome.TLS_ERROR)
        assert text and section not in text
