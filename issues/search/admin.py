"""Admin: the synonym list editors maintain, and the search report (top queries, gaps)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from issues.search import analytics, reports
from issues.search.models import BestBet, SearchLog, Synonym

REPORT_PERIODS = (7, 30, 90)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["terms", "note", "is_active"]
    list_filter = ["is_active"]
    list_editable = ["is_active"]
    search_fields = ["terms", "note"]


@admin.register(BestBet)
class BestBetAdmin(admin.ModelAdmin):
    """Entries pinned first for one query; who pinned and who last changed each is kept."""

    list_display = ["query", "entry", "is_active", "created_by", "created_at", "updated_by"]
    list_filter = ["is_active"]
    search_fields = ["query", "query_key", "note"]
    raw_id_fields = ["issue", "error_code"]
    fields = [
        "query",
        "issue",
        "error_code",
        "is_active",
        "note",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    readonly_fields = ["created_by", "created_at", "updated_by", "updated_at"]

    @admin.display(description=_("pinned entry"))
    def entry(self, bet):
        return bet.entry

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class SearchKindFilter(admin.SimpleListFilter):
    """Searches by default, as the search report counts them; suggestion sessions apart.

    A suggestion row is one typing session in the search box, not a search made: listed
    among the searches it made the log longer than the report's count.
    """

    title = _("kind")
    parameter_name = "kind"
    DEFAULT = "searches"

    def lookups(self, request, model_admin):
        return [
            ("searches", _("searches")),
            ("suggestions", _("suggestion sessions")),
            ("all", _("all rows")),
        ]

    def value(self):
        return super().value() or self.DEFAULT

    def choices(self, changelist):
        # No "All" entry of Django's own: "all rows" is an explicit choice, searches the default.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "searches":
            return queryset.exclude(source=SearchLog.Source.SUGGEST)
        if self.value() == "suggestions":
            return queryset.filter(source=SearchLog.Source.SUGGEST)
        return queryset


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    list_display = [
        "query",
        "result_count",
        "best_score",
        "source",
        "clicked_url",
        "created_at",
    ]
    list_filter = [SearchKindFilter, "source", "created_at"]
    search_fields = ["query", "normalized_query"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in SearchLog._meta.fields]
    change_list_template = "search/admin_searchlog_changelist.html"

    def has_add_permission(self, request):
        return False  # the log is written by searches, never by hand

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("report/", report, name="search_searchlog_report"), *super().get_urls()]

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = int(request.GET.get("days", 30))
        except ValueError:
            days = 30
        days = days if days in REPORT_PERIODS else 30
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Search report"),
            "days": days,
            "periods": REPORT_PERIODS,
            "retention_days": analytics.retention_days(),
            "totals": reports.totals(days=days),
            "log_url": reverse("admin:search_searchlog_changelist"),
            "since": reports.since(days=days).isoformat(timespec="seconds"),
            "top_queries": reports.top_queries(days=days),
            "zero_result_queries": reports.zero_result_queries(days=days),
            "search_url": reverse("search:search"),
        }
        return TemplateResponse(request, "search/admin_report.html", context)
