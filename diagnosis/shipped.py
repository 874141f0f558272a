"""The flows kbsite ships with (fixtures/diagnosis_flows.json), loaded into an empty app.

Runs after the core's shipped content (a hook of issues.content), because the
flows point at its issues, error codes and the probes' checklists. Like the core,
it loads only while the diagnosis app holds no flow, so an admin's edits are
never overwritten. Every loaded flow must pass the graph validation.
"""

import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from diagnosis.graph import flow_problems
from diagnosis.models import Branch, Flow, Step
from issues.models import ErrorCode, Issue, Product
from probes.models import Checklist

SHIPPED_FLOWS = Path(settings.BASE_DIR) / "fixtures" / "diagnosis_flows.json"


def _fix_fields(spec: dict, product: Product) -> dict:
    fields = {}
    if "issue" in spec:
        issue = Issue.objects.get(slug=spec["issue"])
        fields["fix_issue"] = issue
        if "cause" in spec:
            fields["fix_cause"] = list(issue.causes.all())[spec["cause"] - 1]
        if "fix" in spec:
            fields["fix_fix"] = list(issue.fixes.all())[spec["fix"] - 1]
    if "code" in spec:
        fields["fix_code"] = ErrorCode.objects.get(product=product, code=spec["code"])
    return fields


def _create_flow(data: dict) -> Flow:
    product = Product.objects.get(slug=data["product"])
    flow = Flow(
        product=product,
        slug=data["slug"],
        title=data["title"],
        summary=data.get("summary", ""),
        status=Flow.Status.DRAFT,
        visibility=data.get("visibility", Flow.Visibility.PUBLIC),
        source=data.get("source", ""),
    )
    flow._change_reason = "shipped content"
    flow.save()
    steps = {}
    for position, spec in enumerate(data["steps"], start=1):
        step = Step(
            flow=flow,
            key=spec["key"],
            position=position,
            kind=spec["kind"],
            title=spec["title"],
            body=spec.get("body", ""),
            reader_text=spec.get("reader_text", ""),
            collect=spec.get("collect", ""),
            send_to=spec.get("send_to", ""),
            source_ref=spec.get("source", ""),
            **_fix_fields(spec.get("fix", {}), product),
        )
        if spec.get("checklist"):
            step.checklist = Checklist.objects.get(slug=spec["checklist"])
        step.targets = "\n".join(spec.get("targets", []))
        step.full_clean(exclude=["unsolved_step"])
        step._change_reason = "shipped content"
        step.save()
        steps[step.key] = step
    for spec in data["steps"]:
        step = steps[spec["key"]]
        if spec.get("unsolved"):
            step.unsolved_step = steps[spec["unsolved"]]
            step.save()
        for position, branch_spec in enumerate(spec.get("branches", []), start=1):
            branch = Branch(
                step=step,
                position=position,
                label=branch_spec["label"],
                condition=branch_spec.get("condition", Branch.Condition.ANSWER),
                items=branch_spec.get("items", ""),
                outcomes=branch_spec.get("outcomes", []),
                next_step=steps[branch_spec["next"]],
                source_ref=branch_spec.get("source", ""),
            )
            branch.full_clean()
            branch._change_reason = "shipped content"
            branch.save()
    flow.start_step = steps[data["start"]]
    flow.issues.set(Issue.objects.filter(slug__in=data.get("issues", [])))
    flow.error_codes.set(
        ErrorCode.objects.filter(product=product, code__in=data.get("error_codes", []))
    )
    problems = flow_problems(flow)
    if problems:
        raise ValidationError([f"{data['slug']}: {problem.message}" for problem in problems])
    flow.status = data.get("status", Flow.Status.DRAFT)
    if flow.status == Flow.Status.PUBLISHED:
        flow.published_at = flow.created_at
    flow._change_reason = "shipped content"
    flow.save()
    return flow


def load_shipped_flows(
    *, path: Path = SHIPPED_FLOWS, report: Callable[[str], None] = lambda line: None
) -> list[Flow]:
    """Create the shipped flows if the app is empty and what they point at exists."""
    if Flow.objects.exists():
        report("diagnosis: already has flows, left as they are.")
        return []
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    needed = {flow["product"] for flow in data["flows"]}
    if Product.objects.filter(slug__in=needed).count() < len(needed):
        report("diagnosis: the shipped knowledge is not loaded, flows skipped.")
        return []
    with transaction.atomic():
        flows = [_create_flow(flow) for flow in data["flows"]]
    report(f"diagnosis: loaded {len(flows)} flows from {path.name}.")
    return flows


def load_after_core(loaded: list[str]) -> None:
    """Hook run by issues.content.load_shipped_content after the core's fixtures."""
    load_shipped_flows()
