"""The shipped SDK flow walked by staff from -1018, with the sdk-firewall checklist pointed
at loopback listeners (one port closed): the check lands on the escalation naming it."""

import pytest

from diagnosis import services
from diagnosis.models import Flow
from diagnosis.summary import failed_endpoints, session_summary

pytestmark = pytest.mark.django_db


def test_staff_walk_from_1018_escalates_naming_the_closed_endpoint(prober, firewall_on_loopback):
    flow = Flow.objects.get(slug="sdk-login-failure")
    session = services.session_start(flow=flow, user=prober)
    code = flow.start_step.branches.get(label__startswith="-1018")
    session = services.session_answer(session=session, user=prober, branch_id=code.pk)
    reachable = session.current_step.branches.get(label="都可达")
    session = services.session_answer(session=session, user=prober, branch_id=reachable.pk)
    assert session.current_step.key == "net-2"
    session = services.session_run_check(
        session=session, user=prober, params={"sso_prefix": "acme"}, wait=True
    )
    assert session.current_step.key == "network-path"
    assert session.outcome == "escalated"
    run = session.path().last().probe_run
    outcomes = {row.target_text: row.outcome for row in run.results.all()}
    closed = firewall_on_loopback
    assert outcomes.pop(closed) == "refused"
    assert set(outcomes.values()) == {"ok"}, outcomes
    assert "tcp://acme.sso.meeting.qq.com" in " ".join(outcomes)
    assert [row.target_text for row in failed_endpoints(session)] == [closed]
    summary = session_summary(session, language="zh-hans")
    assert f"- {closed}: 被拒绝" in summary
    assert "sso_prefix=acme" in summary


def test_without_an_sso_prefix_the_sso_rows_are_skipped_not_failed(prober, firewall_on_loopback):
    from probes.models import Checklist, Target

    # Every port open this time: 8081 moves to an open listener's port.
    open_port = Target.objects.filter(checklist_items__checklist__slug="sdk-firewall", kind="tcp")
    listener_port = open_port.exclude(host="oth.eve.mdt.qq.com").first().port
    open_port.filter(host="oth.eve.mdt.qq.com").update(port=listener_port)
    assert Checklist.objects.get(slug="sdk-firewall").placeholders() == ["sso_prefix"]
    flow = Flow.objects.get(slug="sdk-login-failure")
    session = services.session_start(flow=flow, user=prober)
    code = flow.start_step.branches.get(label__startswith="-1018")
    session = services.session_answer(session=session, user=prober, branch_id=code.pk)
    reachable = session.current_step.branches.get(label="都可达")
    session = services.session_answer(session=session, user=prober, branch_id=reachable.pk)
    session = services.session_run_check(session=session, user=prober, params={}, wait=True)
    outcomes = [row.outcome for row in session.path().last().probe_run.results.all()]
    assert outcomes.count("invalid") == 4 and set(outcomes) == {"ok", "invalid"}
    assert session.current_step.key == "net-3"  # all reachable that could be checked


def test_1019_fix_not_solved_escalates_without_the_network_steps(prober, shipped_content):
    flow = Flow.objects.get(slug="sdk-login-failure")
    session = services.session_start(flow=flow, user=prober)
    code = flow.start_step.branches.get(label__startswith="-1019")
    session = services.session_answer(session=session, user=prober, branch_id=code.pk)
    assert session.current_step.key == "fix-1019"
    session = services.session_fix_result(session=session, user=prober, solved=False)
    assert session.current_step.key == "code-support"
    assert session.outcome == "escalated"
    summary = session_summary(session, language="zh-hans")
    assert "非网络相关的错误码：收集日志提交工单" in summary
    assert "第 1 步" not in summary


def test_1002_fix_not_solved_goes_on_to_network_step_1(prober, shipped_content):
    flow = Flow.objects.get(slug="sdk-login-failure")
    session = services.session_start(flow=flow, user=prober)
    code = flow.start_step.branches.get(label__startswith="-1002")
    session = services.session_answer(session=session, user=prober, branch_id=code.pk)
    token = session.current_step.branches.get(label__contains="Token is expired")
    session = services.session_answer(session=session, user=prober, branch_id=token.pk)
    session = services.session_fix_result(session=session, user=prober, solved=False)
    assert session.current_step.key == "net-1"
    assert session.outcome == "in_progress"
