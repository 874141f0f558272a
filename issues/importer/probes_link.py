"""Endpoint tables become probe checklists, so "check these hosts" can be run, not read.

A checklist already tied to the issue is extended with the hosts it lacks (editors
may have curated it: nothing of theirs is removed); otherwise one is created. Without
the probes app the table stays in the fix text only, and the report says so.
"""

import re

from django.apps import apps

from issues.importer.report import Change, FileReport
from issues.models import Issue

# "XXXX.sso.meeting.qq.com": a label the reader fills in with their own value.
_FILL_IN_LABEL = re.compile(r"^[xX]{3,}$")
PREFIX_PLACEHOLDER = "enterprise_prefix"


def _host_template(host: str) -> str:
    labels = host.strip().split(".")
    return ".".join(
        f"{{{PREFIX_PLACEHOLDER}}}" if _FILL_IN_LABEL.match(label) else label for label in labels
    )


def apply_endpoint_tables(report: FileReport, *, user=None) -> None:
    tables = report.parsed.endpoint_tables
    if not tables:
        return
    if not apps.is_installed("probes"):
        report.changes.append(
            Change("kept", "endpoint table", "in the fix text (the probes app is not installed)")
        )
        return
    Checklist = apps.get_model("probes", "Checklist")
    ChecklistItem = apps.get_model("probes", "ChecklistItem")
    ChecklistParameter = apps.get_model("probes", "ChecklistParameter")
    Target = apps.get_model("probes", "Target")
    for table in tables:
        issue = Issue.objects.filter(source=table.issue_source).first()
        if issue is None:
            continue
        checklist = issue.probe_checklists.order_by("pk").first()
        created = checklist is None
        if created:
            checklist = Checklist.objects.create(
                slug=f"{issue.slug}-endpoints"[:64],
                title=f"{issue.title[:180]}: endpoints",
                description=f"Imported from {report.name}.",
            )
            checklist.issues.add(issue)
        existing = {
            (item.target.kind, item.target.host, item.target.port)
            for item in checklist.items.select_related("target")
        }
        position = checklist.items.count()
        added = 0
        for row in table.rows:
            host = _host_template(row.host)
            for kind, port in row.protocols_and_ports():
                if kind not in ("tcp", "udp") or (kind, host, str(port)) in existing:
                    continue
                target = Target.objects.filter(kind=kind, host=host, port=str(port)).first()
                target = target or Target.objects.create(
                    kind=kind, host=host, port=str(port), description=row.description[:255]
                )
                position += 1
                ChecklistItem.objects.create(
                    checklist=checklist,
                    target=target,
                    position=position,
                    description=row.description[:255],
                    issue=issue,
                )
                existing.add((kind, host, str(port)))
                added += 1
        if f"{{{PREFIX_PLACEHOLDER}}}" in "".join(_host_template(r.host) for r in table.rows):
            ChecklistParameter.objects.get_or_create(
                checklist=checklist,
                name=PREFIX_PLACEHOLDER,
                defaults={
                    "label": "企业域名前缀 (XXXX)",
                    "help_text": "根据企业SSO域名实际填写",
                    "example": "mycompany",
                },
            )
        action = "created" if created else ("updated" if added else "unchanged")
        report.changes.append(
            Change(action, "probe checklist", checklist.slug, [f"{added} target(s) added"])
        )
