"""Imported endpoint tables become probe checklists, so "check these hosts" can be run, not read.

Receives the importer's ``document_imported`` signal (connected in ProbesConfig.ready).
A checklist already tied to the issue is extended with the hosts it lacks (editors may
have curated it: nothing of theirs is removed); otherwise one is created.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from issues.importer.document import Endpoint, EndpointTable
from issues.importer.report import Change, FileReport
from issues.models import Issue
from probes.models import Checklist, ChecklistItem, ChecklistParameter, Target

# "XXXX.sso.meeting.qq.com": a label the reader fills in with their own value. The name is
# the shipped sdk-firewall checklist's, so importing the guide again matches its targets
# and parameter instead of adding each SSO check a second time under another name.
_FILL_IN_LABEL = re.compile(r"^[xX]{3,}$")
PREFIX_PLACEHOLDER = "sso_prefix"
_CHECKABLE_KINDS = ("tcp", "udp")


def host_template(host: str) -> str:
    """The host with fill-in labels ("XXXX") turned into the {sso_prefix} placeholder."""
    labels = host.strip().split(".")
    return ".".join(
        f"{{{PREFIX_PLACEHOLDER}}}" if _FILL_IN_LABEL.match(label) else label for label in labels
    )


def _checklist_for(issue: Issue, *, source_name: str) -> tuple[Checklist, bool]:
    """The issue's first checklist, or a new one tied to it; and whether it was created."""
    checklist = issue.probe_checklists.order_by("pk").first()
    if checklist is not None:
        return checklist, False
    # Title and description are content (editors may rename the checklist), so they are
    # written once, in the site's language like the imported entry itself, not the
    # language of whoever happened to run the import.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(title)s: endpoints") % {"title": issue.title[:180]}
        description = _("Imported from %(file)s.") % {"file": source_name}
    checklist = Checklist.objects.create(
        slug=f"{issue.slug}-endpoints"[:64], title=title, description=description
    )
    checklist.issues.add(issue)
    return checklist, True


def _wanted_targets(row: Endpoint) -> list[tuple[str, str, str]]:
    """(kind, host, port) of each checkable protocol and port a table row lists."""
    host = host_template(row.host)
    return [
        (kind, host, str(port))
        for kind, port in row.protocols_and_ports()
        if kind in _CHECKABLE_KINDS
    ]


def _target(kind: str, host: str, port: str, *, description: str) -> Target:
    found = Target.objects.filter(kind=kind, host=host, port=port).first()
    return found or Target.objects.create(
        kind=kind, host=host, port=port, description=description[:255]
    )


def _add_missing_items(checklist: Checklist, *, issue: Issue, table: EndpointTable) -> int:
    """Append an item for every (kind, host, port) the checklist lacks; return how many."""
    existing = {
        (item.target.kind, item.target.host, item.target.port)
        for item in checklist.items.select_related("target")
    }
    position = checklist.items.count()
    added = 0
    for row in table.rows:
        for key in _wanted_targets(row):
            if key in existing:
                continue
            position += 1
            ChecklistItem.objects.create(
                checklist=checklist,
                target=_target(*key, description=row.description),
                position=position,
                description=row.description[:255],
                issue=issue,
            )
            existing.add(key)
            added += 1
    return added


def _ensure_prefix_parameter(checklist: Checklist, *, table: EndpointTable) -> None:
    """Ask for the enterprise prefix at run time when a host of the table needs it."""
    placeholder = f"{{{PREFIX_PLACEHOLDER}}}"
    if not any(placeholder in host_template(row.host) for row in table.rows):
        return
    ChecklistParameter.objects.get_or_create(
        checklist=checklist,
        name=PREFIX_PLACEHOLDER,
        defaults={
            "label": "企业 SSO 域名前缀（XXXX）",
            "help_text": "根据企业SSO域名实际填写",
            "example": "mycompany",
        },
    )


def checklist_import_endpoint_table(
    *, issue: Issue, table: EndpointTable, source_name: str
) -> Change:
    """Create or extend the issue's checklist from one table; the change, for the report."""
    checklist, created = _checklist_for(issue, source_name=source_name)
    added = _add_missing_items(checklist, issue=issue, table=table)
    _ensure_prefix_parameter(checklist, table=table)
    action = "created" if created else ("updated" if added else "unchanged")
    added_text = ngettext("%(count)d target added", "%(count)d targets added", added) % {
        "count": added
    }
    return Change(action, "probe checklist", checklist.slug, [added_text])


def on_document_imported(sender, *, report: FileReport, **kwargs) -> bool:
    """Turn each endpoint table of an imported file into checklist items; report each."""
    tables = report.parsed.endpoint_tables
    for table in tables:
        issue = Issue.objects.filter(source=table.issue_source).first()
        if issue is not None:
            report.changes.append(
                checklist_import_endpoint_table(issue=issue, table=table, source_name=report.name)
            )
    return bool(tables)
