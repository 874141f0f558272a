"""Admin pieces for the editorial workflow, plugged into IssueAdmin.

* import: the views are issues/importer/admin_upload.py's (upload → preview → commit);
* revisions: compare any two side by side, restore either (as a new revision, refused
  when the entry changed since the page was opened);
* review actions (submit, approve, send back, mark verified) and a due-for-review filter.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from issues import revisions, workflow
from issues.importer.admin_upload import SESSION_KEY, ImportAdminMixin  # noqa: F401 (re-exported)
from issues.models import EntryRevision
from issues.versioning import StaleEditError


class DueForReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("yes", _("due for review")), ("no", _("recently verified"))]

    def queryset(self, request, queryset):
        due = workflow.due_for_review().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=due)
        if self.value() == "no":
            return queryset.exclude(pk__in=due)
        return queryset


def run_issue_service(modeladmin, request, queryset, service, done):
    """Apply a status service to each selected issue; report what was refused and why."""
    changed, refused = 0, []
    for issue in queryset:
        try:
            service(issue=issue, user=request.user)
            changed += 1
        except (workflow.TransitionNotAllowed, StaleEditError) as exc:
            refused.append(str(exc))
    if changed:
        modeladmin.message_user(request, done(changed) % {"count": changed}, messages.SUCCESS)
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


class EditorialAdminMixin(ImportAdminMixin):
    """Mix into IssueAdmin (before the ModelAdmin base); the import views come from the importer."""

    change_list_template = "admin/issues/issue/change_list.html"
    change_form_template = "admin/issues/issue/change_form.html"
    editorial_actions = ["submit_for_review", "approve_and_publish", "send_back", "mark_verified"]

    # Review actions ------------------------------------------------------------------

    @admin.action(description=_("Submit selected issues for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        run_issue_service(
            self,
            request,
            queryset,
            workflow.issue_submit,
            lambda n: ngettext("Submitted %(count)d issue.", "Submitted %(count)d issues.", n),
        )

    def has_approve_permission(self, request):
        return request.user.has_perm("issues.approve_issue")

    @admin.action(description=_("Approve and publish selected issues"), permissions=["approve"])
    def approve_and_publish(self, request, queryset):
        run_issue_service(
            self,
            request,
            queryset,
            workflow.issue_approve,
            lambda n: ngettext("Approved %(count)d issue.", "Approved %(count)d issues.", n),
        )

    @admin.action(description=_("Send selected issues back to draft"), permissions=["change"])
    def send_back(self, request, queryset):
        run_issue_service(
            self,
            request,
            queryset,
            workflow.issue_send_back,
            lambda n: ngettext("Sent back %(count)d issue.", "Sent back %(count)d issues.", n),
        )

    @admin.action(description=_("Mark selected issues as verified today"), permissions=["change"])
    def mark_verified(self, request, queryset):
        run_issue_service(
            self,
            request,
            queryset,
            workflow.issue_verify,
            lambda n: ngettext("Verified %(count)d issue.", "Verified %(count)d issues.", n),
        )

    # URLs ----------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="issues_issue_import"),
            path(
                "import/commit/",
                wrap(require_POST(self.import_commit_view)),
                name="issues_issue_import_commit",
            ),
            path(
                "<path:object_id>/workflow/<slug:step>/",
                wrap(require_POST(self.workflow_view)),
                name="issues_issue_workflow",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.compare_view),
                name="issues_issue_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                wrap(self.restore_view),
                name="issues_issue_restore",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    # Workflow buttons on the change form ---------------------------------------------

    WORKFLOW_STEPS = {
        # step: (service, status it starts from, needs the approve permission, label)
        "submit": (workflow.issue_submit, "draft", False, _("Submit for review")),
        "approve": (workflow.issue_approve, "review", True, _("Approve and publish")),
        "send-back": (workflow.issue_send_back, "review", True, _("Send back to draft")),
        "unpublish": (workflow.issue_unpublish, "published", False, _("Unpublish")),
    }

    def workflow_steps(self, request, issue) -> list[tuple[str, str]]:
        """The steps this user may take on this entry now, as (step, label)."""
        if not self.has_change_permission(request, issue):
            return []
        can_approve = self.has_approve_permission(request)
        return [
            (step, label)
            for step, (_service, status, approving, label) in self.WORKFLOW_STEPS.items()
            if issue.status == status and (can_approve or not approving)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, object_id)
        extra = {"workflow_steps": self.workflow_steps(request, issue) if issue else []}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def workflow_view(self, request, object_id, step):
        issue = self._issue_for(request, object_id, change=True)
        if step not in dict(self.workflow_steps(request, issue)):
            raise PermissionDenied
        service = self.WORKFLOW_STEPS[step][0]
        try:
            service(issue=issue, user=request.user)
        except (workflow.TransitionNotAllowed, StaleEditError) as exc:
            self.message_user(request, str(exc), messages.WARNING)
        else:
            self.message_user(
                request,
                _("“%(title)s” is now %(status)s.")
                % {"title": issue.title, "status": issue.get_status_display()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:issues_issue_change", args=[issue.pk]))

    # Revisions -----------------------------------------------------------------------

    def _issue_for(self, request, object_id, *, change: bool):
        issue = get_object_or_404(self.model, pk=object_id)
        allowed = (
            self.has_change_permission(request, issue)
            if change
            else self.has_view_or_change_permission(request, issue)
        )
        if not allowed:
            raise PermissionDenied
        return issue

    def history_view(self, request, object_id, extra_context=None):
        """Numbered revisions, newest first: who, when, why and what changed."""
        issue = self._issue_for(request, object_id, change=False)
        if not issue.revisions.exists():
            revisions.record(issue.pk, reason="recorded")
        entries = list(issue.revisions.select_related("user").order_by("-number"))
        rows = []
        for index, entry in enumerate(entries):
            previous = entries[index + 1] if index + 1 < len(entries) else None
            rows.append(
                {
                    "revision": entry,
                    "when": revisions.local_time(entry.created_at),
                    "reason": revisions.describe_reason(entry),
                    "changes": revisions.changed_labels(entry, previous),
                    "previous": previous,
                }
            )
        context = self._context(
            request,
            _("History of “%(title)s”") % {"title": issue.title},
            original=issue,
            rows=rows,
            choices=[(e.number, revisions.revision_label(e)) for e in entries],
            can_restore=self.has_change_permission(request, issue),
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/issues/issue/revision_history.html", context)

    def compare_view(self, request, object_id):
        issue = self._issue_for(request, object_id, change=False)
        entries = list(issue.revisions.select_related("user").order_by("-number"))
        if not entries:
            return HttpResponseRedirect(reverse("admin:issues_issue_history", args=[issue.pk]))
        try:
            old_number = int(request.GET.get("old") or entries[min(1, len(entries) - 1)].number)
            new_number = int(request.GET.get("new") or entries[0].number)
        except (TypeError, ValueError):
            return HttpResponseBadRequest(_("Choose two revisions to compare."))
        by_number = {e.number: e for e in entries}
        if old_number not in by_number or new_number not in by_number:
            return HttpResponseBadRequest(_("Those revisions do not belong to this entry."))
        old, new = sorted([by_number[old_number], by_number[new_number]], key=lambda e: e.number)
        context = self._context(
            request,
            _("Compare revisions of “%(title)s”") % {"title": issue.title},
            original=issue,
            choices=[(e.number, revisions.revision_label(e)) for e in entries],
            old=old,
            new=new,
            old_label=revisions.revision_label(old),
            new_label=revisions.revision_label(new),
            rows=revisions.compare(old, new),
            can_restore=self.has_change_permission(request, issue),
        )
        return TemplateResponse(request, "admin/issues/revision_compare.html", context)

    def restore_view(self, request, object_id, number):
        """GET: what restoring revision ``number`` adds and removes; POST: do it."""
        issue = self._issue_for(request, object_id, change=True)
        target = get_object_or_404(EntryRevision, issue=issue, number=number)
        if request.method == "POST":
            return self._restore(request, issue, target)
        current = revisions.entry_state(issue)
        rows = [row for row in revisions.compare_states(current, target.state) if row.changed]
        context = self._context(
            request,
            _("Restore revision %(number)s of “%(title)s”?")
            % {"number": number, "title": issue.title},
            original=issue,
            target=target,
            target_label=revisions.revision_label(target),
            rows=rows,
            problems=workflow.restore_problems(issue, target.state),
        )
        return TemplateResponse(request, "admin/issues/revision_restore.html", context)

    def _restore(self, request, issue, target):
        try:
            expected_version = int(request.POST["version"])
        except (KeyError, ValueError):
            return HttpResponseBadRequest(_("Reload the page and confirm again."))
        again = reverse("admin:issues_issue_restore", args=[issue.pk, target.number])
        try:
            workflow.issue_restore(
                issue=issue,
                number=target.number,
                expected_version=expected_version,
                user=request.user,
            )
        except StaleEditError:
            self.message_user(
                request,
                _(
                    "The entry was changed by someone else after you opened this page; "
                    "nothing was restored. Check what restoring would change now."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(again)
        except workflow.RestoreRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(again)
        self.message_user(
            request,
            _("Restored revision %(number)s as a new revision.") % {"number": target.number},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:issues_issue_history", args=[issue.pk]))
