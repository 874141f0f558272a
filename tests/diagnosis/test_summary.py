"""The plain-text summary a helpdesk pastes into a ticket, in Chinese or English."""

import pytest
from django.utils import timezone

from diagnosis import services
from diagnosis.summary import session_summary
from probes.models import Checklist, ChecklistItem, Target
from tests.diagnosis.conftest import closed_port

pytestmark = pytest.mark.django_db


def test_summary_lists_path_probe_results_override_and_escalation(
    build, prober, loopback_only, resolve_names, tcp_listeners
):
    resolve_names({"svc.test": ["127.0.0.1"]})
    checklist = Checklist.objects.create(slug="ports", title="Ports")
    open_port, shut = tcp_listeners(), closed_port()
    for position, port in enumerate([open_port, shut], start=1):
        target = Target.objects.create(kind="tcp", host="svc.test", port=str(port))
        ChecklistItem.objects.create(
            checklist=checklist, target=target, position=position, description=f"row {position}"
        )
    b = build("sum", status="published")
    b.add("q", title="Did the client say -1018?")
    b.add("check", "check", checklist=checklist, title="Firewall table")
    b.add(
        "esc",
        "escalate",
        title="Ask the network team",
        collect="ping output",
        send_to="network team",
    )
    b.add("esc2", "escalate", title="Other")
    b.link("q", "check", "yes")
    b.link("q", "esc2", "no")
    b.link("check", "esc2", "all fine", condition="all_ok")
    b.link("check", "esc", "unreachable", condition="else")
    session = services.session_start(flow=b.flow, user=prober)
    session = services.session_answer(
        session=session, user=prober, branch_id=b.steps["q"].branches.get(label="yes").pk
    )
    session = services.session_run_check(session=session, user=prober, wait=True)
    assert session.current_step.key == "esc"

    zh = session_summary(session, language="zh-hans", url="https://kb.example/diagnose/sessions/x/")
    en = session_summary(session, language="en")
    for text in (zh, en):
        assert "Flow sum" in text
        assert "Did the client say -1018? → yes" in text
        assert f"tcp://svc.test:{shut}" in text
        assert f"tcp://svc.test:{open_port}" in text
        assert "Ask the network team" in text and "network team" in text
        assert "ping output" in text
        assert "prober" in text
    assert "https://kb.example/diagnose/sessions/x/" in zh
    assert "Endpoints that failed:" in en and f"- tcp://svc.test:{shut}: refused / closed" in en
    assert "Outcome: escalated" in en
    assert "结果" in zh and "升级" in zh  # the interface words are Chinese
    assert f"- tcp://svc.test:{open_port}" not in en.split("Endpoints that failed:")[1]


def test_summary_times_name_their_zone(build, prober, settings):
    """ "10:52" alone says nothing to a ticket read elsewhere: the offset of TIME_ZONE follows."""
    settings.TIME_ZONE = "Asia/Shanghai"
    b = build("zone", status="published")
    b.add("esc", "escalate", title="Call the vendor", collect="logs", send_to="the vendor")
    session = services.session_start(flow=b.flow, user=prober)
    when = timezone.localtime(session.started_at).strftime("%Y-%m-%d %H:%M")
    assert f"开始：{when} (UTC+08:00)" in session_summary(session, language="zh-hans")
    assert f"Started: {when} (UTC+08:00) by prober" in session_summary(session, language="en")
    settings.TIME_ZONE = "UTC"
    assert "(UTC+00:00)" in session_summary(session, language="en")
