"""Is a flow's graph walkable? Every step reachable, every walk able to end.

A walk ends only at a fix or an escalation. So a flow is refused when a step
cannot be reached from the first one, when a question or check leads nowhere
(a dead end), or when a loop of steps has no way out to a fix or escalation.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from diagnosis.models import Branch, Flow, Step


@dataclass(frozen=True)
class Problem:
    code: str  # no_start, unreachable, dead_end, no_way_out, too_few_answers, no_else, wrong_rule
    step_key: str
    message: str


def _edges(steps: list[Step], branches: list[Branch]) -> dict[int, set[int]]:
    edges: dict[int, set[int]] = defaultdict(set)
    for branch in branches:
        edges[branch.step_id].add(branch.next_step_id)
    for step in steps:
        if step.kind == Step.Kind.FIX and step.unsolved_step_id:
            edges[step.pk].add(step.unsolved_step_id)
    return edges


def _reachable(start: int, edges: dict[int, set[int]]) -> set[int]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _rule_problems(step: Step, own: list[Branch]) -> list[Problem]:
    problems = []
    if step.kind == Step.Kind.QUESTION:
        if any(branch.condition != Branch.Condition.ANSWER for branch in own):
            problems.append(
                Problem(
                    "wrong_rule",
                    step.key,
                    _("Step “%(title)s”: a question's branches are answers.")
                    % {"title": step.title},
                )
            )
        if 0 < len(own) < 2:
            problems.append(
                Problem(
                    "too_few_answers",
                    step.key,
                    _("Question “%(title)s” needs at least two answers.") % {"title": step.title},
                )
            )
    if step.kind == Step.Kind.CHECK and own:
        if any(branch.condition == Branch.Condition.ANSWER for branch in own):
            problems.append(
                Problem(
                    "wrong_rule",
                    step.key,
                    _("Step “%(title)s”: a check's branches are rules on outcomes, not answers.")
                    % {"title": step.title},
                )
            )
        if not any(branch.condition == Branch.Condition.ELSE for branch in own):
            problems.append(
                Problem(
                    "no_else",
                    step.key,
                    _("Check “%(title)s” needs an “otherwise” branch, so every result leads on.")
                    % {"title": step.title},
                )
            )
    return problems


def flow_problems(flow: Flow) -> list[Problem]:
    """Everything wrong with the flow's graph, as stored; [] when it can be walked."""
    steps = list(flow.steps.all())
    if not steps:
        return [Problem("no_start", "", _("The flow has no steps."))]
    by_id = {step.pk: step for step in steps}
    branches = list(Branch.objects.filter(step__flow=flow))
    edges = _edges(steps, branches)
    problems = []
    if flow.start_step_id not in by_id:
        return [Problem("no_start", "", _("Choose the flow's first step."))]
    reachable = _reachable(flow.start_step_id, edges)
    own = defaultdict(list)
    for branch in branches:
        own[branch.step_id].append(branch)
    for step in steps:
        problems.extend(_rule_problems(step, own[step.pk]))
        if step.pk not in reachable:
            problems.append(
                Problem(
                    "unreachable",
                    step.key,
                    _("Step “%(title)s” cannot be reached from the first step.")
                    % {"title": step.title},
                )
            )
        if not step.is_terminal_kind and not edges.get(step.pk):
            problems.append(
                Problem(
                    "dead_end",
                    step.key,
                    _("Step “%(title)s” leads nowhere: only a fix or an escalation may end a walk.")
                    % {"title": step.title},
                )
            )
    # Steps from which no fix or escalation can be reached: a loop with no way out.
    reverse: dict[int, set[int]] = defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            reverse[target].add(source)
    can_end: set[int] = set()
    for step in steps:
        if step.is_terminal_kind:
            can_end |= _reachable(step.pk, reverse)
    for step in steps:
        if step.pk in reachable and step.pk not in can_end and edges.get(step.pk):
            problems.append(
                Problem(
                    "no_way_out",
                    step.key,
                    _("Step “%(title)s” is in a loop with no way out to a fix or an escalation.")
                    % {"title": step.title},
                )
            )
    return problems


def flow_validate(flow: Flow) -> None:
    """Raise ValidationError listing every problem of the graph."""
    problems = flow_problems(flow)
    if problems:
        raise ValidationError([problem.message for problem in problems], code="broken_graph")
