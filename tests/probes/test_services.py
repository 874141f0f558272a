import pytest
from django.core.cache import cache

from issues.models import Issue, Product
from kbsite.ratelimit import RateLimited
from probes.models import ProbeRun, Target
from probes.outcomes import Outcome
from probes.services import (
    ProbeRequestError,
    probe_run_create,
    probe_run_execute,
)
from tests.probes.factories import make_checklist, make_prober

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def user(django_user_model):
    return make_prober(django_user_model)


@pytest.fixture
def dns_fix():
    product = Product.objects.create(slug="p", name="P")
    return Issue.objects.create(
        product=product, title="DNS 没有配置", slug="network-test-error-code-0", status="published"
    )


def test_checklist_run_fills_placeholders_and_records_who_and_what(user, open_tcp_port):
    checklist = make_checklist(
        Target(kind="tcp", host="{prefix}.test", port=str(open_tcp_port)),
        Target(kind="tcp", host="127.0.0.1", port="{port}"),
        parameters=["prefix", "port"],
    )
    run = probe_run_create(
        user=user, source="web", checklist=checklist, params={"prefix": "good", "port": ""}
    )
    assert run.user == user and run.parameters == {"prefix": "good"}
    rows = list(run.results.order_by("position"))
    assert rows[0].target_text == f"tcp://good.test:{open_tcp_port}"
    assert rows[0].outcome == ""  # pending until executed
    assert rows[1].outcome == Outcome.INVALID  # its parameter was left empty
    assert "port" in rows[1].details["reason"]

    seen = []
    probe_run_execute(run=run, on_result=seen.append)
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.DONE and run.finished_at
    first = run.results.get(position=1)
    assert first.outcome == Outcome.OK
    assert first.addresses == ["127.0.0.1"]
    assert first.finished_at
    assert [row.position for row in seen] == [1]


def test_unknown_parameters_are_refused(user):
    checklist = make_checklist(Target(kind="dns", host="a.test"))
    with pytest.raises(ProbeRequestError, match="unknown parameter"):
        probe_run_create(user=user, source="api", checklist=checklist, params={"x": "1"})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "either a checklist or a list of targets"),
        ({"targets": ["dns:a.test"], "timeout": "soon"}, "timeout must be a number"),
        ({"targets": ["dns:a.test"], "timeout": 600}, "between"),
        ({"targets": [42]}, "must be a string"),
        ({"targets": ["dns:a.test"] * 101}, "at most 100"),
    ],
)
def test_bad_requests_say_why(user, kwargs, message):
    with pytest.raises(ProbeRequestError, match=message):
        probe_run_create(user=user, source="api", **kwargs)


def test_adhoc_targets_keep_their_text_and_share_a_history_target(user, open_tcp_port):
    text = f"tcp://127.0.0.1:{open_tcp_port}"
    first = probe_run_create(user=user, source="api", targets=[text, "tcp://bad:port"])
    second = probe_run_create(user=user, source="api", targets=[text])
    row = first.results.get(position=1)
    assert row.target_text == text
    assert row.target.adhoc
    assert second.results.get().target_id == row.target_id
    invalid = first.results.get(position=2)
    assert invalid.outcome == Outcome.INVALID and invalid.target is None


def test_an_adhoc_failure_links_no_fix_and_stores_codes_not_sentences(user, dns_fix):
    run = probe_run_create(user=user, source="api", targets=["dns:nowhere.test"])
    probe_run_execute(run=run)
    row = run.results.get()
    assert row.outcome == Outcome.DNS_ERROR
    assert row.fix_issue is None  # no default fix whatever the target (issue 12, item 4)
    assert row.details["reason_code"] == "dns_nxdomain"
    assert row.details["reason_params"]["name"] == "nowhere.test"


def test_an_adhoc_target_a_checklist_item_links_gets_that_items_fix(user, dns_fix, closed_tcp_port):
    make_checklist(Target(kind="tcp", host="127.0.0.1", port=str(closed_tcp_port)), issue=dns_fix)
    run = probe_run_create(user=user, source="api", targets=[f"tcp://127.0.0.1:{closed_tcp_port}"])
    probe_run_execute(run=run)
    assert run.results.get().fix_issue == dns_fix


def test_a_checklist_items_own_fix_comes_first(user, dns_fix, closed_tcp_port):
    other = Issue.objects.create(
        product=dns_fix.product, title="IM 端口", slug="im", status="published"
    )
    checklist = make_checklist(
        Target(kind="tcp", host="127.0.0.1", port=str(closed_tcp_port)), issue=other
    )
    run = probe_run_create(user=user, source="web", checklist=checklist)
    probe_run_execute(run=run)
    row = run.results.get()
    assert row.outcome == Outcome.REFUSED
    assert row.fix_issue == other


def test_ok_results_link_no_fix(user, open_tcp_port):
    run = probe_run_create(user=user, source="api", targets=[f"tcp://127.0.0.1:{open_tcp_port}"])
    probe_run_execute(run=run)
    assert run.results.get().fix_issue is None


def test_runs_are_rate_limited_per_user(user, settings):
    settings.PROBES_RATE_LIMIT = "2/60"
    for _ in range(2):
        probe_run_create(user=user, source="api", targets=["dns:a.test"])
    with pytest.raises(RateLimited):
        probe_run_create(user=user, source="api", targets=["dns:a.test"])
    assert ProbeRun.objects.filter(user=user).count() == 2
