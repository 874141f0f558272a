"""Admin: checklists are edited with their items and parameters inline; runs are read-only audit."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kbsite.admin_filters import EmptyNamedRelatedFilter
from probes.explain import result_text
from probes.models import (
    AlertChannel,
    AlertDelivery,
    Checklist,
    ChecklistItem,
    ChecklistParameter,
    Monitor,
    MonitorStateChange,
    ProbeResult,
    ProbeRun,
    Target,
)
from probes.templatetags.probe_results import PHASES


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


def timings_text(timings) -> str:
    """ "total 4.2 ms · TCP connect 1.1 ms": the total first, then the phases in order."""
    timings = timings or {}
    keys = ["total", *(key for key in PHASES if key != "total")]
    keys += [key for key in timings if key not in PHASES]
    parts = []
    for key in keys:
        if key in timings:
            value = timings[key]
            shown = f"{value:g}" if isinstance(value, int | float) else str(value)
            parts.append(f"{PHASES.get(key, key)} {shown} ms")
    return " · ".join(parts)


class ProbeResultInline(admin.TabularInline):
    model = ProbeResult
    extra = 0
    can_delete = False
    fields = [
        "position",
        "target_text",
        "kind",
        "outcome",
        "address_list",
        "timing_list",
        "explanation",
    ]
    readonly_fields = fields

    @admin.display(description=_("addresses"))
    def address_list(self, row):
        return ", ".join(str(address) for address in row.addresses or [])

    @admin.display(description=_("timings (ms)"))
    def timing_list(self, row):
        return timings_text(row.timings_ms)

    @admin.display(description=_("explanation"))
    def explanation(self, row):
        """Worded now, in the editor's language, from the stored codes."""
        return result_text(row) if row.outcome else ""

    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProbeRun)
class ProbeRunAdmin(admin.ModelAdmin):
    """The audit trail: who ran what, when, with which parameters. Not editable."""

    list_display = ["__str__", "user", "source", "checklist", "status", "started_at"]
    list_filter = ["source", "status", ("checklist", EmptyNamedRelatedFilter)]
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
        "attempts",
        "worker",
        "failure",
        "monitor",
        "observed",
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


# --- Monitors and alerts ----------------------------------------------------------


class MonitorStateChangeInline(admin.TabularInline):
    model = MonitorStateChange
    extra = 0
    can_delete = False
    fields = ["state", "previous", "started_at", "ended_at", "run"]
    readonly_fields = fields
    ordering = ["-started_at"]
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Monitor)
class MonitorAdmin(admin.ModelAdmin):
    """Schedules: a checklist (with parameters) or a target every N seconds, with an owner."""

    list_display = [
        "name",
        "watched",
        "interval_seconds",
        "state",
        "state_since",
        "enabled",
        "owner",
    ]
    list_filter = ["state", "enabled"]
    search_fields = ["name", "checklist__title", "target__host"]
    autocomplete_fields = ["target"]
    fields = [
        "name",
        "checklist",
        "target",
        "parameters",
        "interval_seconds",
        "timeout",
        "owner",
        "enabled",
        "state",
        "state_since",
        "last_checked_at",
    ]
    readonly_fields = ["state", "state_since", "last_checked_at"]
    inlines = [MonitorStateChangeInline]
    actions = ["check_now"]

    def get_changeform_initial_data(self, request):
        from django.conf import settings

        return {
            "owner": request.user.pk,
            "interval_seconds": max(300, settings.PROBES_MONITOR_MIN_INTERVAL),
        }

    @admin.action(description=_("Check the selected monitors now"))
    def check_now(self, request, queryset):
        from probes.tasks import run_monitor

        for monitor in queryset:
            run_monitor.delay(monitor.pk)
        self.message_user(
            request, _("%(n)d monitor check(s) queued.") % {"n": queryset.count()}, messages.SUCCESS
        )


@admin.register(AlertChannel)
class AlertChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "enabled", "url"]
    list_filter = ["kind", "enabled"]
    filter_horizontal = ["monitors"]
    fields = ["name", "kind", "enabled", "recipients", "url", "secret", "monitors"]
    actions = ["send_test_alert"]

    @admin.action(description=_("Send a test alert"))
    def send_test_alert(self, request, queryset):
        from probes.alerts import send_test_alert

        for channel in queryset:
            delivery = send_test_alert(channel=channel)
            if delivery.status == AlertDelivery.Status.SENT:
                self.message_user(
                    request,
                    _("Test alert sent to “%(name)s”.") % {"name": channel},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("Test alert to “%(name)s” failed: %(error)s")
                    % {"name": channel, "error": delivery.last_error},
                    messages.ERROR,
                )


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "monitor", "event", "status", "attempts", "last_error"]
    list_filter = ["status", "event", "channel"]
    readonly_fields = [f.name for f in AlertDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
