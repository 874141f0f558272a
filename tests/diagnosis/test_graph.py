"""Graph validation: each kind of broken graph is refused, a sound one is accepted."""

import pytest
from django.core.exceptions import ValidationError

from diagnosis.graph import flow_problems, flow_validate
from diagnosis.services import flow_publish

pytestmark = pytest.mark.django_db


def codes(flow):
    return {(p.code, p.step_key) for p in flow_problems(flow)}


def test_a_sound_graph_has_no_problems(build):
    b = build()
    b.add("q")
    b.add("esc1", "escalate")
    b.add("esc2", "escalate")
    b.link("q", "esc1")
    b.link("q", "esc2")
    assert flow_problems(b.flow) == []
    flow_validate(b.flow)
    flow_publish(flow=b.flow)
    b.flow.refresh_from_db()
    assert b.flow.status == "published"


def test_no_steps_and_no_first_step(build):
    b = build()
    assert codes(b.flow) == {("no_start", "")}
    b.add("esc", "escalate")
    b.flow.start_step = None
    b.flow.save()
    assert codes(b.flow) == {("no_start", "")}


def test_unreachable_step(build):
    b = build()
    b.add("q")
    b.add("a", "escalate")
    b.add("b", "escalate")
    b.add("island", "escalate")
    b.link("q", "a")
    b.link("q", "b")
    assert codes(b.flow) == {("unreachable", "island")}
    with pytest.raises(ValidationError) as raised:
        flow_publish(flow=b.flow)
    assert "Island" in str(raised.value)
    b.flow.refresh_from_db()
    assert b.flow.status == "draft"


def test_dead_end_question_and_check(build):
    b = build()
    b.add("q")
    b.add("stuck")  # a question with no answers
    b.add("esc", "escalate")
    b.link("q", "stuck")
    b.link("q", "esc")
    assert codes(b.flow) == {("dead_end", "stuck")}


def test_a_question_needs_two_answers(build):
    b = build()
    b.add("q")
    b.add("esc", "escalate")
    b.link("q", "esc")
    assert codes(b.flow) == {("too_few_answers", "q")}


def test_a_check_needs_an_otherwise_rule_and_rules_not_answers(build):
    b = build()
    b.add("check", "check", targets="tcp://good.test:1")
    b.add("ok", "escalate")
    b.add("bad", "escalate")
    b.link("check", "ok", condition="all_ok")
    b.link("check", "bad", condition="any_failed")
    assert codes(b.flow) == {("no_else", "check")}
    b.link("check", "bad", condition="answer")
    assert ("wrong_rule", "check") in codes(b.flow)


def test_a_loop_without_a_way_out(build):
    b = build()
    b.add("q")
    b.add("esc", "escalate")
    b.add("loop1")
    b.add("loop2")
    b.link("q", "esc")
    b.link("q", "loop1")
    b.link("loop1", "loop2", "again")
    b.link("loop1", "loop2", "still")
    b.link("loop2", "loop1", "back")
    b.link("loop2", "loop1", "and back")
    assert codes(b.flow) == {("no_way_out", "loop1"), ("no_way_out", "loop2")}


def test_a_loop_with_a_way_out_is_fine(build):
    b = build()
    b.add("q")
    b.add("r")
    b.add("esc", "escalate")
    b.link("q", "r", "on")
    b.link("q", "esc", "stop")
    b.link("r", "q", "again")
    b.link("r", "esc", "give up")
    assert flow_problems(b.flow) == []


def test_a_fix_that_is_not_solved_may_lead_on(build):
    from issues.models import ErrorCode

    b = build()
    code = ErrorCode.objects.create(product=b.flow.product, code="-1", fix="do it")
    b.add("q")
    b.add("fix", "fix", fix_code=code)
    b.add("esc", "escalate")
    b.link("q", "fix")
    b.link("q", "esc")
    b.steps["fix"].unsolved_step = b.steps["esc"]
    b.steps["fix"].save()
    assert flow_problems(b.flow) == []


def test_the_messages_are_translated_to_chinese(build):
    from django.utils import translation

    b = build()
    b.add("q")
    b.add("esc", "escalate")
    b.link("q", "esc")
    with translation.override("zh-hans"):
        message = flow_problems(b.flow)[0].message
    assert "至少" in message or "两个" in message
