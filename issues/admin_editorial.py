"""Admin pieces for the editorial workflow, plugged into IssueAdmin.

* import: upload a document → preview (the per-file report and the changes, computed
  in a rolled-back transaction, so nothing is written) → commit;
* revisions: compare any two side by side, restore either (as a new revision, refused
  when the entry changed since the page was opened);
* review actions (submit, approve, send back, mark verified) and a due-for-review filter.
"""

import base64
import secrets

from django import forms
from django.conf import settings
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
from issues.importer import DocumentError, ImportProblem, apply_files, read_document
from issues.models import Product
from issues.versioning import StaleEditError

DEFAULT_IMPORT_MAX_BYTES = 2 * 1024 * 1024
SESSION_KEY = "kb_import_uploads"


def import_max_bytes() -> int:
    return int(getattr(settings, "KB_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


class ImportUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Document"),
        help_text=_("A FAQ or guide (.txt), a Markdown file with front matter, or a JSON export."),
    )
    product = forms.CharField(
        label=_("Product"),
        required=False,
        max_length=200,
        help_text=_("Name or slug; a new name creates the product. Not needed for exports."),
    )
    publish = forms.BooleanField(label=_("Publish the imported entries"), required=False)

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > import_max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(limit)d KB.") % {"limit": import_max_bytes() // 1024}
            )
        return upload


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


class EditorialAdminMixin:
    """Mix into IssueAdmin (before the ModelAdmin base)."""

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

    # Import --------------------------------------------------------------------------

    def _check_import_permission(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied

    def import_view(self, request):
        self._check_import_permission(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        context = self._context(
            request, _("Import a document"), form=form, products=Product.objects.all()
        )
        if request.method != "POST":
            return TemplateResponse(request, "admin/issues/import_upload.html", context)
        if not form.is_valid():
            return TemplateResponse(request, "admin/issues/import_upload.html", context, status=400)
        upload = form.cleaned_data["document"]
        data = upload.read()
        product = form.cleaned_data["product"].strip() or None
        publish = form.cleaned_data["publish"]
        try:
            parsed = read_document(data, name=upload.name)
            result = apply_files([parsed], product_name=product, publish=publish, dry_run=True)
        except (DocumentError, ImportProblem) as exc:
            form.add_error("document", str(exc))
            return TemplateResponse(request, "admin/issues/import_upload.html", context, status=400)
        token = secrets.token_urlsafe(16)
        # Only the latest few uploads are kept: a session is not a file store.
        uploads = dict(list(request.session.get(SESSION_KEY, {}).items())[-2:])
        uploads[token] = {
            "name": upload.name,
            "data": base64.b64encode(data).decode("ascii"),
            "product": product,
            "publish": publish,
        }
        request.session[SESSION_KEY] = uploads
        context.update(
            title=_("Preview the import"), result=result, token=token, upload=uploads[token]
        )
        return TemplateResponse(request, "admin/issues/import_preview.html", context)

    def import_commit_view(self, request):
        self._check_import_permission(request)
        uploads = request.session.get(SESSION_KEY, {})
        upload = uploads.pop(request.POST.get("token", ""), None)
        if upload is None:
            return HttpResponseBadRequest(
                _("This preview has expired or was already imported. Upload the document again.")
            )
        request.session[SESSION_KEY] = uploads
        try:
            parsed = read_document(base64.b64decode(upload["data"]), name=upload["name"])
            result = apply_files(
                [parsed],
                product_name=upload["product"],
                publish=upload["publish"],
                user=request.user,
            )
        except (DocumentError, ImportProblem, StaleEditError) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:issues_issue_import"))
        totals = ", ".join(f"{n} {action}" for action, n in sorted(result.totals().items()))
        self.message_user(
            request,
            _("Imported %(name)s: %(totals)s.") % {"name": upload["name"], "totals": totals},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:issues_issue_changelist"))

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
