"""Admin: checklists are edited with their items and parameters inline; runs are read-only audit."""

from django.contrib import admin

from probes.models import (
    Checklist,
    ChecklistItem,
    ChecklistParameter,
    ProbeResult,
    ProbeRun,
    Target,
)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "host", "port", "description", "adhoc"]
    list_filter = ["kind", "adhoc"]
    search_fields = ["host", "description"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    autocomplete_fields = ["target"]
    raw_id_fields = ["issue"]
    fields = ["position", "target", "description", "issue"]


class ChecklistParameterInline(admin.TabularInline):
    model = ChecklistParameter
    extra = 0
    fields = ["position", "name", "label", "help_text", "example"]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["issues", "error_codes"]
    inlines = [ChecklistParameterInline, ChecklistItemInline]


class ProbeResultInline(admin.TabularInline):
    model = ProbeResult
    extra = 0
    can_delete = False
    fields = [
        "position",
        "target_text",
        "kind",
        "outcome",
        "addresses",
        "timings_ms",
        "explanation",
    ]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProbeRun)
class ProbeRunAdmin(admin.ModelAdmin):
    """The audit trail: who ran what, when, with which parameters. Not editable."""

    list_display = ["__str__", "user", "source", "checklist", "status", "started_at"]
    list_filter = ["source", "status", "checklist"]
    search_fields = ["user__username", "results__target_text"]
    date_hierarchy = "started_at"
    inlines = [ProbeResultInline]
    readonly_fields = [
        "user",
        "source",
        "checklist",
        "parameters",
        "timeout",
        "status",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProbeResult)
class ProbeResultAdmin(admin.ModelAdmin):
    list_display = ["target_text", "kind", "outcome", "run", "finished_at"]
    list_filter = ["outcome", "kind"]
    search_fields = ["target_text"]
    readonly_fields = [f.name for f in ProbeResult._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
