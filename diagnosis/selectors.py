"""Reads: which flows a reader may see, who may open a walk, what a step page shows."""

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from diagnosis.models import Branch, Flow, Session, Step
from issues.models import can_read_internal
from issues.search.models import SearchEntry
from issues.selectors import issue_outline
from probes.access import can_run_probes

SESSION_KEY = "diagnosis_sessions"  # walks this browser started (anonymous readers)
MAX_REMEMBERED = 50


def flow_for_reader(*, slug: str, user) -> Flow:
    flow = Flow.objects.visible_to(user).select_related("product", "start_step").filter(slug=slug)
    found = flow.first()
    if found is None:
        raise Http404("No such flow")
    return found


def flows_by_product(*, user) -> list[tuple]:
    """[(product, [flows])] of published flows the user may read."""
    groups = defaultdict(list)
    for flow in Flow.objects.visible_to(user).published().select_related("product"):
        groups[flow.product].append(flow)
    return sorted(groups.items(), key=lambda pair: pair[0].name)


def flows_for_issue(*, issue, user) -> list[Flow]:
    return list(Flow.objects.visible_to(user).published().filter(issues=issue).distinct())


def flows_for_error_code(*, error_code, user) -> list[Flow]:
    return list(Flow.objects.visible_to(user).published().filter(error_codes=error_code).distinct())


def flows_for_search(
    *, issue_ids, code_ids, query: str, user, limit: int = 3, exclude_entries=()
) -> list[Flow]:
    """Published flows that cover entries found by a search, or whose title has the query,
    leaving out the flows whose own search entries are among ``exclude_entries`` (they
    are listed as results already)."""
    condition = Q(issues__in=issue_ids) | Q(error_codes__in=code_ids)
    query = query.strip()[:100]
    if query:
        condition |= Q(title__icontains=query)
    flows = Flow.objects.visible_to(user).published().filter(condition).distinct()
    if exclude_entries:
        listed = SearchEntry.objects.filter(kind=SearchEntry.Kind.FLOW, pk__in=exclude_entries)
        flows = flows.exclude(pk__in=listed.values("page_id"))
    return list(flows.select_related("product")[:limit])


def answer_for_code(step: Step | None, code: str) -> Branch | None:
    """The step's answer for an error code ("-1019"): the one whose label starts with the
    code, or else the one leading to that code's fix. None when no answer names it."""
    code = (code or "").strip()
    if step is None or not code or step.kind not in (Step.Kind.QUESTION, Step.Kind.CHECK):
        return None
    named = re.compile(rf"^\s*{re.escape(code)}(?![0-9])")
    branches = list(step.branches.select_related("next_step__fix_code"))
    for branch in branches:
        if named.match(branch.label):
            return branch
    for branch in branches:
        fix_code = branch.next_step.fix_code
        if fix_code is not None and fix_code.code == code:
            return branch
    return None


def remember_session(request, session: Session) -> None:
    remembered = [key for key in request.session.get(SESSION_KEY, []) if key != str(session.pk)]
    request.session[SESSION_KEY] = [str(session.pk), *remembered][:MAX_REMEMBERED]


def is_staff_reader(user) -> bool:
    return bool(getattr(user, "is_staff", False) and can_read_internal(user))


def session_for_walker(request, *, slug: str, pk) -> Session:
    """The walk, for the person who started it (or staff); 404 for anyone else."""
    session = (
        Session.objects.select_related("flow__product", "current_step", "user")
        .filter(pk=pk, flow__slug=slug)
        .first()
    )
    if session is None:
        raise Http404("No such session")
    user = request.user
    own = (session.user_id and session.user_id == getattr(user, "pk", None)) or (
        session.user_id is None and str(session.pk) in request.session.get(SESSION_KEY, [])
    )
    if not (own or is_staff_reader(user)):
        raise Http404("No such session")
    if not Flow.objects.visible_to(user).filter(pk=session.flow_id).exists():
        raise Http404("No such flow")
    return session


def remaining_steps(step: Step | None) -> int:
    """Fewest steps from here to a fix or an escalation (for the progress bar)."""
    if step is None or step.is_terminal_kind:
        return 0
    edges = defaultdict(set)
    for branch in Branch.objects.filter(step__flow_id=step.flow_id).values_list(
        "step_id", "next_step_id"
    ):
        edges[branch[0]].add(branch[1])
    terminal = set(
        Step.objects.filter(
            flow_id=step.flow_id, kind__in=[Step.Kind.FIX, Step.Kind.ESCALATE]
        ).values_list("pk", flat=True)
    )
    queue, seen = deque([(step.pk, 0)]), {step.pk}
    while queue:
        current, distance = queue.popleft()
        if current in terminal:
            return distance
        for nxt in edges[current]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, distance + 1))
    return 1


@dataclass
class FixTarget:
    """Where a fix step points: the issue's section (anchored), and/or the code's fix."""

    issue_url: str = ""
    issue_title: str = ""
    anchor_label: str = ""
    code_url: str = ""
    code_label: str = ""
    code_fix: str = ""
    bodies: list[str] = field(default_factory=list)


def fix_target(step: Step) -> FixTarget:
    target = FixTarget()
    if step.fix_issue_id:
        issue = step.fix_issue
        outline = issue_outline(issue)
        anchor = ""
        for section in outline.causes:
            if step.fix_cause_id and section.cause.pk == step.fix_cause_id:
                anchor = f"cause-{section.number}"
            for numbered in section.steps:
                if step.fix_fix_id == numbered.fix.pk and not anchor:
                    anchor = f"step-{numbered.number}"
        for numbered in outline.other_steps:
            if step.fix_fix_id == numbered.fix.pk and not anchor:
                anchor = f"step-{numbered.number}"
        target.issue_url = issue.get_absolute_url() + (f"#{anchor}" if anchor else "")
        target.issue_title = issue.title
        if step.fix_fix_id:
            target.bodies.append(step.fix_fix.body)
    if step.fix_code_id:
        code = step.fix_code
        target.code_url = code.get_absolute_url()
        target.code_label = f"{code.code} {code.constant}".strip()
        target.code_fix = code.fix
    return target


def issue_is_readable(step: Step, user) -> bool:
    if not step.fix_issue_id:
        return False
    from issues.models import Issue

    return Issue.objects.visible_to(user).filter(pk=step.fix_issue_id).exists()


def may_run_checks(user) -> bool:
    return can_run_probes(user)
