"""Editing flows and their steps, with history, stale-edit refusal and graph validation.

A flow is published only while its graph can be walked (diagnosis.graph): the
form refuses to publish a broken graph, and an edit that breaks a published
flow's graph sends it back to review, with the problems listed.
"""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from diagnosis.graph import flow_problems
from diagnosis.models import Branch, Flow, Session, SessionStep, Step
from issues.admin import VersionedAdmin, VersionedInline
from issues.admin_forms import VersionedModelForm


def _send_back_if_broken(request, flow: Flow) -> None:
    problems = flow_problems(flow)
    if not problems:
        return
    if flow.status == Flow.Status.PUBLISHED:
        flow.refresh_from_db()
        flow.status = Flow.Status.REVIEW
        flow._change_reason = "graph broken: back to review"
        flow.save()
        messages.error(
            request,
            _("The flow “%(title)s” can no longer be walked, so it went back to review:")
            % {"title": flow.title},
        )
    else:
        messages.warning(
            request, _("The flow “%(title)s” cannot be published yet:") % {"title": flow.title}
        )
    for problem in problems:
        messages.warning(request, problem.message)


class FlowForm(VersionedModelForm):
    class Meta:
        model = Flow
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Flow.Status.PUBLISHED:
            if self.instance.pk is None:
                raise forms.ValidationError(
                    _("Save the flow and its steps first; publish it once its graph is complete.")
                )
            problems = flow_problems(self.instance)
            if problems:
                raise forms.ValidationError(
                    [_("This flow cannot be published:")] + [p.message for p in problems]
                )
        return cleaned


class StepInline(admin.TabularInline):
    model = Step
    fields = ["position", "key", "kind", "title"]
    extra = 0
    show_change_link = True
    ordering = ["position", "pk"]


@admin.register(Flow)
class FlowAdmin(VersionedAdmin):
    form = FlowForm
    list_display = ["title", "product", "status", "visibility", "step_count", "graph_ok"]
    list_filter = ["status", "visibility", "product"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["issues", "error_codes"]
    readonly_fields = ["graph_check", "created_at", "updated_at", "published_at"]
    inlines = [StepInline]
    fieldsets = [
        (None, {"fields": ["product", "title", "slug", "summary", "status", "visibility"]}),
        (_("Graph"), {"fields": ["start_step", "graph_check"]}),
        (_("What it resolves"), {"fields": ["issues", "error_codes"]}),
        (_("For editors"), {"fields": ["source", "created_at", "updated_at", "published_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "start_step":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Step.objects.filter(flow_id=object_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("steps"))
    def step_count(self, flow):
        return flow.steps.count()

    @admin.display(description=_("graph valid"), boolean=True)
    def graph_ok(self, flow):
        return not flow_problems(flow)

    @admin.display(description=_("graph check"))
    def graph_check(self, flow):
        if flow.pk is None:
            return "-"
        problems = flow_problems(flow)
        if not problems:
            return _("The graph can be walked: every step is reachable and every path ends.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p.message,) for p in problems))
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _send_back_if_broken(request, form.instance)


class BranchInline(VersionedInline):
    model = Branch
    fk_name = "step"
    fields = ["position", "label", "condition", "items", "outcomes", "next_step", "source_ref"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the steps of the same flow make sense as the next step.
        if db_field.name == "next_step":
            object_id = request.resolver_match.kwargs.get("object_id")
            step = Step.objects.filter(pk=object_id).first() if object_id else None
            kwargs["queryset"] = Step.objects.filter(flow_id=step.flow_id if step else None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Step)
class StepAdmin(VersionedAdmin):
    list_display = ["title", "flow", "key", "kind", "position"]
    list_filter = ["kind", "flow"]
    search_fields = ["title", "key", "body", "flow__title"]
    autocomplete_fields = ["fix_issue", "fix_code"]
    inlines = [BranchInline]
    readonly_fields = ["checklist_items"]
    fieldsets = [
        (None, {"fields": ["flow", "key", "position", "kind", "title", "body"]}),
        (
            _("Check"),
            {"fields": ["checklist", "checklist_items", "targets", "reader_text"]},
        ),
        (_("Fix"), {"fields": ["fix_issue", "fix_cause", "fix_fix", "fix_code", "unsolved_step"]}),
        (_("Escalate"), {"fields": ["collect", "send_to"]}),
        (_("For editors"), {"fields": ["source_ref"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        object_id = request.resolver_match.kwargs.get("object_id")
        step = Step.objects.filter(pk=object_id).first() if object_id else None
        if db_field.name == "unsolved_step":
            kwargs["queryset"] = Step.objects.filter(flow_id=step.flow_id if step else None)
        if db_field.name in ("fix_cause", "fix_fix") and step and step.fix_issue_id:
            model = db_field.remote_field.model
            kwargs["queryset"] = model.objects.filter(issue_id=step.fix_issue_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("checklist items (numbers for branch rules)"))
    def checklist_items(self, step):
        if not step.checklist_id:
            return "-"
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} {}</li>",
                (
                    (item.target.display, item.description)
                    for item in step.checklist.ordered_items()
                ),
            ),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _send_back_if_broken(request, form.instance.flow)


class SessionStepInline(admin.TabularInline):
    model = SessionStep
    fk_name = "session"
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "step_title",
        "answer",
        "probe_run",
        "automatic",
        "override_reason",
        "retracted",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["started_at", "flow", "user", "outcome", "open_record"]
    list_filter = ["outcome", "flow"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "flow",
        "flow_revision",
        "user",
        "source",
        "current_step",
        "parameters",
        "outcome",
        "solved_by",
        "started_at",
        "finished_at",
    ]
    fields = readonly_fields
    inlines = [SessionStepInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("record"))
    def open_record(self, session):
        return format_html(
            '<a href="{}">{}</a>', reverse("diagnosis:session", args=[session.pk]), _("open")
        )
