"""Walking a flow through the services: answers, fixes, back, overrides, and check steps
that run against loopback listeners and choose their branch by themselves."""

import pytest
from django.core.exceptions import PermissionDenied

from diagnosis import services
from diagnosis.models import Session
from issues.models import ErrorCode
from probes.models import Checklist, ChecklistItem, Target
from probes.services import probe_run_execute

pytestmark = pytest.mark.django_db


def check_flow(build, checklist):
    """check → all ok: fixed / item 2 refused: escalate / otherwise: escalate 'else'."""
    b = build("check-demo", status="published")
    b.add("check", "check", checklist=checklist, title="Check the ports")
    code = ErrorCode.objects.create(product=b.flow.product, code="-9", fix="restart")
    b.add("fine", "fix", fix_code=code, title="All reachable")
    b.add("closed", "escalate", title="Port closed")
    b.add("other", "escalate", title="Something else")
    b.link("check", "fine", "all reachable", condition="all_ok")
    b.link(
        "check", "closed", "second closed", condition="any_failed", items="2", outcomes=["refused"]
    )
    b.link("check", "other", "otherwise", condition="else")
    return b


def loopback_checklist(ports):
    checklist = Checklist.objects.create(slug="ports", title="Ports")
    for position, port in enumerate(ports, start=1):
        target = Target.objects.create(kind="tcp", host="svc.test", port=str(port))
        ChecklistItem.objects.create(checklist=checklist, target=target, position=position)
    return checklist


@pytest.fixture
def names(resolve_names):
    return resolve_names({"svc.test": ["127.0.0.1"]})


def test_a_check_step_with_every_port_open_moves_on_to_the_all_ok_branch(
    build, prober, loopback_only, names, tcp_listeners
):
    b = check_flow(build, loopback_checklist([tcp_listeners(), tcp_listeners()]))
    session = services.session_start(flow=b.flow, user=prober)
    session = services.session_run_check(session=session, user=prober, wait=True)
    assert session.current_step.key == "fine"
    record = session.path().get()
    assert record.automatic and record.answer == "all reachable"
    assert [r.outcome for r in record.probe_run.results.all()] == ["ok", "ok"]
    assert record.probe_run.source == "diagnosis"


def test_a_closed_port_chooses_the_rule_naming_that_item(
    build, prober, loopback_only, names, tcp_listeners
):
    from tests.diagnosis.conftest import closed_port

    b = check_flow(build, loopback_checklist([tcp_listeners(), closed_port()]))
    session = services.session_start(flow=b.flow, user=prober)
    session = services.session_run_check(session=session, user=prober, wait=True)
    assert session.current_step.key == "closed"
    assert session.outcome == Session.Outcome.ESCALATED


def test_a_failure_no_rule_names_falls_to_otherwise(
    build, prober, loopback_only, names, tcp_listeners
):
    from tests.diagnosis.conftest import closed_port

    b = check_flow(build, loopback_checklist([closed_port(), tcp_listeners()]))
    session = services.session_start(flow=b.flow, user=prober)
    session = services.session_run_check(session=session, user=prober, wait=True)
    assert session.current_step.key == "other"


def test_a_queued_run_is_read_back_and_moves_the_walk_when_done(
    build, prober, loopback_only, names, tcp_listeners, monkeypatch
):
    queued = []
    monkeypatch.setattr(services, "probe_run_enqueue", lambda *, run: queued.append(run))
    b = check_flow(build, loopback_checklist([tcp_listeners(), tcp_listeners()]))
    session = services.session_start(flow=b.flow, user=prober)
    session = services.session_run_check(session=session, user=prober)
    assert session.current_step.key == "check"  # waiting for a worker
    run = session.path().get().probe_run
    assert queued == [run] and not run.is_finished
    assert services.session_sync_check(session=session).current_step.key == "check"
    probe_run_execute(run=run)  # what the worker does
    session = services.session_sync_check(session=session)
    assert session.current_step.key == "fine"
    assert session.path().get().automatic


def test_staff_override_the_checks_choice_with_a_reason(
    build, prober, loopback_only, names, tcp_listeners
):
    from tests.diagnosis.conftest import closed_port

    b = check_flow(build, loopback_checklist([tcp_listeners(), closed_port()]))
    session = services.session_start(flow=b.flow, user=prober)
    services.session_run_check(session=session, user=prober, wait=True)
    with pytest.raises(services.WalkError):
        services.session_override(
            session=session,
            user=prober,
            branch_id=b.flow.steps.get(key="check").branches.first().pk,
            reason=" ",
        )
    fine = b.flow.steps.get(key="check").branches.get(condition="all_ok")
    session = services.session_override(
        session=session, user=prober, branch_id=fine.pk, reason="port 2 is only used at night"
    )
    assert session.current_step.key == "fine"
    assert session.is_open
    record = session.path().get()
    assert record.overridden_branch.label == "second closed"
    assert record.override_reason == "port 2 is only used at night"
    assert not record.automatic


def test_readers_answer_a_check_step_and_cannot_run_it(build, prober, django_user_model):
    b = check_flow(build, loopback_checklist([1, 2]))
    session = services.session_start(flow=b.flow, user=None)
    with pytest.raises(PermissionDenied):
        services.session_run_check(session=session, user=None)
    closed = b.flow.steps.get(key="check").branches.get(condition="any_failed")
    session = services.session_answer(session=session, user=None, branch_id=closed.pk)
    assert session.current_step.key == "closed"
    # Staff who may run probes choose by hand only with a reason.
    staff_walk = services.session_start(flow=b.flow, user=prober)
    with pytest.raises(services.WalkError):
        services.session_answer(session=staff_walk, user=prober, branch_id=closed.pk)
    staff_walk = services.session_answer(
        session=staff_walk, user=prober, branch_id=closed.pk, reason="probes cannot reach it"
    )
    assert staff_walk.path().get().override_reason == "probes cannot reach it"


def test_fix_solved_not_solved_back_and_abandon(build):
    b = build("walk")
    code = ErrorCode.objects.create(product=b.flow.product, code="-1", fix="x")
    b.add("q")
    b.add("fix", "fix", fix_code=code)
    b.add("esc", "escalate")
    yes = b.link("q", "fix", "yes")
    b.link("q", "esc", "no")
    b.steps["fix"].unsolved_step = b.steps["esc"]
    b.steps["fix"].save()

    session = services.session_start(flow=b.flow)
    assert session.flow_revision == b.flow.revision_id()
    session = services.session_answer(session=session, user=None, branch_id=yes.pk)
    session = services.session_fix_result(session=session, user=None, solved=True)
    assert session.outcome == "solved" and session.solved_by.key == "fix"
    with pytest.raises(services.WalkError):
        services.session_answer(session=session, user=None, branch_id=yes.pk)

    session = services.session_back(session=session)
    assert session.current_step.key == "fix" and session.is_open
    session = services.session_fix_result(session=session, user=None, solved=False)
    assert session.outcome == "escalated" and session.current_step.key == "esc"
    assert [r.answer for r in session.path()] == ["yes", "not solved"]
    assert session.records.filter(retracted=True).count() == 1

    other = services.session_start(flow=b.flow)
    other = services.session_abandon(session=other)
    assert other.outcome == "abandoned"


def test_an_answer_from_another_step_is_refused(build):
    b = build("two")
    b.add("q")
    b.add("r")
    b.add("e1", "escalate")
    b.add("e2", "escalate")
    b.link("q", "r")
    b.link("q", "e1")
    foreign = b.link("r", "e2")
    b.link("r", "e1")
    session = services.session_start(flow=b.flow)
    with pytest.raises(services.WalkError):
        services.session_answer(session=session, user=None, branch_id=foreign.pk)
    with pytest.raises(services.WalkError):
        services.session_answer(session=session, user=None, branch_id="not a number")
