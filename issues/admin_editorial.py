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
    object_history_template = "admin/issues/issue/object_history.html"
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

    @admin.action(description=_("Approve and publish selected issues"), permissions=["change"])
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
                "<path:object_id>/revisions/compare/",
                wrap(self.compare_view),
                name="issues_issue_compare",
            ),
            path(
                "<path:object_id>/revisions/restore/",
                wrap(require_POST(self.restore_view)),
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

    # Revisions -----------------------------------------------------------------------

    def compare_view(self, request, object_id):
        issue = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_or_change_permission(request, issue):
            raise PermissionDenied
        records = list(
            issue.history.select_related("history_user").order_by("-history_date", "-history_id")
        )
        try:
            old_id = int(request.GET.get("old") or records[min(1, len(records) - 1)].history_id)
            new_id = int(request.GET.get("new") or records[0].history_id)
        except (TypeError, ValueError):
            return HttpResponseBadRequest(_("Choose two revisions to compare."))
        by_id = {r.history_id: r for r in records}
        if old_id not in by_id or new_id not in by_id:
            return HttpResponseBadRequest(_("Those revisions do not belong to this entry."))
        old, new = sorted(
            [by_id[old_id], by_id[new_id]], key=lambda r: (r.history_date, r.history_id)
        )
        context = self._context(
            request,
            _("Compare revisions of “%(title)s”") % {"title": issue.title},
            original=issue,
            revisions=records,
            old=old,
            new=new,
            rows=revisions.compare(old, new),
            can_restore=self.has_change_permission(request, issue),
        )
        return TemplateResponse(request, "admin/issues/revision_compare.html", context)

    def restore_view(self, request, object_id):
        issue = get_object_or_404(self.model, pk=object_id)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        try:
            history_id = int(request.POST["revision"])
            expected_version = int(request.POST["version"])
        except (KeyError, ValueError):
            return HttpResponseBadRequest(_("Choose a revision to restore."))
        if not issue.history.filter(history_id=history_id).exists():
            return HttpResponseBadRequest(_("That revision does not belong to this entry."))
        try:
            workflow.issue_restore(
                issue=issue,
                history_id=history_id,
                expected_version=expected_version,
                user=request.user,
            )
        except StaleEditError:
            self.message_user(
                request,
                _(
                    "The entry was changed by someone else after you opened this page; "
                    "nothing was restored. Compare again with the current version."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:issues_issue_compare", args=[issue.pk]))
        self.message_user(request, _("Restored the revision as a new version."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:issues_issue_change", args=[issue.pk]))
