"""Editing the knowledge: every model, with revision history and stale-edit protection."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from issues import revisions
from issues.admin_editorial import DueForReviewFilter, EditorialAdminMixin, run_issue_service
from issues.admin_forms import IssueAdminForm, VersionedModelForm
from issues.markdown import render_markdown
from issues.models import Cause, ErrorCode, Feedback, Fix, Issue, Product, Symptom, Tag
from issues.versioning import StaleEditError
from issues.workflow import issue_archive, issue_unpublish
from kbsite.admin_filters import EmptyNamedRelatedFilter

# The admin index is the editor's desk (templates/admin/kb_index.html).
admin.site.index_template = "admin/kb_index.html"
admin.site.site_header = _("Knowledge base: editing")
admin.site.site_title = _("Knowledge base editing")
admin.site.index_title = _("Editor's desk")

MARKDOWN_PREVIEW_LIMIT = 100_000  # characters; a preview is a courtesy, not a bulk renderer


class MarkdownPreviewMedia:
    css = {"all": ["css/admin.css"]}
    # attachments_upload.js: "Add image or file" beside the text boxes (attachments app).
    js = ["js/admin_markdown_preview.js", "js/attachments_upload.js"]


def markdown_textarea_attrs() -> dict:
    return {"data-markdown-preview": reverse("admin:issues_markdown_preview"), "rows": 6}


class RendersVersionSeen:
    """Every form that edits an existing row must send back the version it loaded.

    Admins and inlines that list their fields explicitly would otherwise leave the
    hidden ``version_seen`` field out of the page, and every save would look stale.
    """

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        listed = {
            name
            for _, options in fieldsets
            for entry in options["fields"]
            for name in (entry if isinstance(entry, list | tuple) else [entry])
        }
        if "version_seen" in listed:
            return fieldsets
        return [*fieldsets, (None, {"fields": ["version_seen"]})]


class VersionedAdmin(RendersVersionSeen, SimpleHistoryAdmin):
    """History (who, when, what changed, restore) plus refusal of stale edits."""

    form = VersionedModelForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            # One entry revision for the whole page: the entry, its inlines and links.
            with revisions.revision(user=request.user):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError as exc:
            # Lost the race between the form check and the save: nothing was written.
            self.message_user(request, str(exc), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        with revisions.revision(user=request.user):
            return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with revisions.revision(user=request.user):
            return super().delete_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit():
            raise Http404(_("No such revision."))
        try:
            with revisions.revision(user=request.user):
                return super().history_form_view(request, object_id, version_id, extra_context)
        except StaleEditError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class MarkdownFieldsMixin:
    """Textareas of Markdown fields get a live preview button (progressive JavaScript)."""

    markdown_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.markdown_fields and formfield is not None:
            formfield.widget.attrs.update(markdown_textarea_attrs())
        return formfield


class VersionedInline(RendersVersionSeen, MarkdownFieldsMixin, admin.StackedInline):
    form = VersionedModelForm
    extra = 0
    ordering = ["position", "pk"]


class SymptomInline(VersionedInline):
    model = Symptom
    fields = ["position", "text"]


class CauseInline(VersionedInline):
    model = Cause
    fields = ["position", "text"]
    markdown_fields = ("text",)


class FixInline(VersionedInline):
    model = Fix
    fields = ["position", "cause", "body"]
    markdown_fields = ("body",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the causes of the issue being edited make sense as "resolves cause".
        if db_field.name == "cause":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Cause.objects.filter(issue_id=object_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FeedbackInline(admin.TabularInline):
    """Readers' answers, read-only: editors see them next to the text they judge."""

    model = Feedback
    extra = 0
    fields = ["helpful", "comment", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("reader feedback")

    def has_add_permission(self, request, obj=None):
        return False


# The auto-created link row has no name of its own, yet the inline prints one on each row.
ErrorCode.issues.through.__str__ = lambda link: str(link.errorcode)


class ErrorCodeLinkForm(forms.ModelForm):
    class Meta:
        model = ErrorCode.issues.through
        fields = ["errorcode"]
        # The auto-created link table's field names are no interface text.
        labels = {"errorcode": _("error code")}


class ErrorCodeLinkInline(admin.TabularInline):
    model = ErrorCode.issues.through
    form = ErrorCodeLinkForm
    extra = 0
    autocomplete_fields = ["errorcode"]
    verbose_name = _("linked error code")
    verbose_name_plural = _("linked error codes")


@admin.register(Product)
class ProductAdmin(VersionedAdmin):
    list_display = ["name", "slug", "issue_count", "code_count"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _issue_count=Count("issues", distinct=True),
                _code_count=Count("error_codes", distinct=True),
            )
        )

    @admin.display(description=_("issues"), ordering="_issue_count")
    def issue_count(self, obj):
        return obj._issue_count

    @admin.display(description=_("error codes"), ordering="_code_count")
    def code_count(self, obj):
        return obj._code_count


@admin.register(Tag)
class TagAdmin(VersionedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Issue)
class IssueAdmin(EditorialAdminMixin, MarkdownFieldsMixin, VersionedAdmin):
    list_display = [
        "title",
        "product",
        "status",
        "visibility",
        "updated_at",
        "view_count",
        "helpful_ratio",
        "public_link",
    ]
    list_filter = [
        "product",
        "status",
        "visibility",
        DueForReviewFilter,
        ("tags", EmptyNamedRelatedFilter),
        "last_verified_on",
    ]
    list_select_related = ["product"]
    search_fields = [
        "title",
        "slug",
        "summary",
        "symptoms__text",
        "causes__text",
        "fixes__body",
        "error_codes__code",
        "error_codes__constant",
    ]
    form = IssueAdminForm
    autocomplete_fields = ["tags", "related"]
    filter_horizontal = []
    # Status, approval and dates change only through the workflow (review actions).
    readonly_fields = [
        "status",
        "published_at",
        "last_verified_on",
        "view_count",
        "created_at",
        "updated_at",
        "approved_by",
        "approved_at",
    ]
    fieldsets = [
        (None, {"fields": ["product", "title", "slug", "summary", "tags"]}),
        (_("Publishing"), {"fields": ["status", "visibility", "published_at", "last_verified_on"]}),
        (_("Internal"), {"fields": ["internal_notes", "source"]}),
        (_("Links"), {"fields": ["related"]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["view_count", "created_at", "updated_at", "approved_by", "approved_at"],
            },
        ),
    ]
    inlines = [SymptomInline, CauseInline, FixInline, ErrorCodeLinkInline, FeedbackInline]
    actions = [
        *EditorialAdminMixin.editorial_actions,
        "unpublish_selected",
        "archive_selected",
    ]
    markdown_fields = ("summary", "internal_notes")
    date_hierarchy = "updated_at"
    Media = MarkdownPreviewMedia

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # An entry is restored whole (parts and links too) from its own history page.
        if not str(version_id).isdigit():
            raise Http404(_("No such revision."))
        return HttpResponseRedirect(reverse("admin:issues_issue_history", args=[object_id]))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _helpful=Count("feedback", filter=Q(feedback__helpful=True)),
                _feedback=Count("feedback"),
            )
        )

    @admin.display(description=_("helpful"), ordering="_helpful")
    def helpful_ratio(self, obj):
        if not obj._feedback:
            return "—"
        return f"{obj._helpful}/{obj._feedback}"

    @admin.display(description=_("page"))
    def public_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("view"))

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.markdown_preview_view))
        return [
            path("markdown-preview/", preview, name="issues_markdown_preview"),
            *super().get_urls(),
        ]

    def markdown_preview_view(self, request):
        """Render posted Markdown exactly as readers will see it (sanitized)."""
        if not request.user.has_perm("issues.change_issue"):
            return JsonResponse({"error": str(_("Permission denied."))}, status=403)
        text = request.POST.get("text", "")
        if len(text) > MARKDOWN_PREVIEW_LIMIT:
            return JsonResponse({"error": str(_("Text too long to preview."))}, status=400)
        return JsonResponse({"html": str(render_markdown(text))})

    @admin.action(
        description=_("Unpublish selected issues (back to draft)"), permissions=["change"]
    )
    def unpublish_selected(self, request, queryset):
        run_issue_service(
            self,
            request,
            queryset,
            issue_unpublish,
            lambda n: ngettext("Unpublished %(count)d issue.", "Unpublished %(count)d issues.", n),
        )

    @admin.action(description=_("Archive selected issues"), permissions=["change"])
    def archive_selected(self, request, queryset):
        run_issue_service(
            self,
            request,
            queryset,
            issue_archive,
            lambda n: ngettext("Archived %(count)d issue.", "Archived %(count)d issues.", n),
        )


class IssuePartAdmin(MarkdownFieldsMixin, VersionedAdmin):
    """Symptoms, causes and fixes are edited inline on their issue; these pages serve
    search, history and restore of a single part."""

    list_select_related = ["issue"]
    list_filter = ["issue__product"]
    autocomplete_fields = ["issue"]
    Media = MarkdownPreviewMedia


@admin.register(Symptom)
class SymptomAdmin(IssuePartAdmin):
    list_display = ["text", "issue", "position"]
    search_fields = ["text", "issue__title"]


@admin.register(Cause)
class CauseAdmin(IssuePartAdmin):
    list_display = ["text", "issue", "position"]
    search_fields = ["text", "issue__title"]
    markdown_fields = ("text",)


@admin.register(Fix)
class FixAdmin(IssuePartAdmin):
    list_display = ["body", "issue", "cause", "position"]
    list_select_related = ["issue", "cause"]
    search_fields = ["body", "issue__title"]
    markdown_fields = ("body",)


@admin.register(ErrorCode)
class ErrorCodeAdmin(MarkdownFieldsMixin, VersionedAdmin):
    list_display = ["code", "constant", "product", "status", "network_relation", "callbacks"]
    list_filter = ["product", "status", "network_relation"]
    list_select_related = ["product"]
    search_fields = ["code", "normalized_code", "constant", "description", "callbacks"]
    autocomplete_fields = ["issues"]
    readonly_fields = ["normalized", "created_at", "updated_at"]
    markdown_fields = ("fix",)
    inlines = [FeedbackInline]
    Media = MarkdownPreviewMedia

    @admin.display(description=_("normalized code"))
    def normalized(self, obj):
        return obj.normalized_code


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["issue", "error_code", "helpful", "short_comment", "created_at"]
    list_filter = ["helpful", "issue__product", "created_at"]
    list_select_related = ["issue", "error_code__product"]
    search_fields = ["comment", "issue__title", "error_code__code"]
    readonly_fields = ["issue", "error_code", "helpful", "comment", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        # Feedback comes from readers; editors read and may delete it, never invent it.
        return False

    @admin.display(description=_("comment"))
    def short_comment(self, obj):
        return obj.comment[:120]
