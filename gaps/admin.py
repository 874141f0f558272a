"""The content-gap queue and the insights page, in the admin editors already use."""

from datetime import timedelta
from urllib.parse import unquote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import DateField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gaps import actions, insights
from gaps.collect import gaps_collect
from gaps.forms import BestBetForm, DraftIssueForm, EditForm, ReasonForm, SynonymForm
from gaps.metrics import metrics_refresh
from gaps.models import Gap, GapDay
from gaps.trend import PERIODS, daily_counts, period_days, sparkline


class PeriodFilter(admin.SimpleListFilter):
    """The period impact and trend are measured over (30 days unless chosen)."""

    title = gettext_lazy("period")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return [(str(days), _("last %(days)s days") % {"days": days}) for days in PERIODS]

    def choices(self, changelist):
        current = str(period_days(self.value()))
        for value, label in self.lookup_choices:
            yield {
                "selected": value == current,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        return queryset  # the period shapes the impact column, not which gaps are listed


@admin.register(Gap)
class GapAdmin(admin.ModelAdmin):
    list_display = ("what", "kind", "status", "impact", "trend", "assignee", "last_seen")
    list_filter = (
        PeriodFilter,
        "kind",
        "status",
        "product",
        ("assignee", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "key", "notes")
    list_select_related = ("assignee",)
    fields = (
        "kind",
        "title",
        "link",
        "product",
        "status",
        "assignee",
        "notes",
        "signal_count",
        "first_seen",
        "last_seen",
        "reopened",
        "drafted_issue",
        "resolution",
        "resolved_by",
        "resolved_at",
    )
    readonly_fields = (
        "kind",
        "title",
        "link",
        "product",
        "status",
        "signal_count",
        "first_seen",
        "last_seen",
        "reopened",
        "drafted_issue",
        "resolution",
        "resolved_by",
        "resolved_at",
    )
    change_form_template = "admin/gaps/gap/change_form.html"
    change_list_template = "admin/gaps/gap/change_list.html"
    actions = ("assign_to_me",)

    def has_add_permission(self, request):
        return False  # gaps are filed by the collector, from what readers did

    def _period(self, request):
        days = period_days(request.GET.get("period"))
        end = timezone.localdate()
        return end - timedelta(days=days - 1), end

    def get_queryset(self, request):
        start, end = self._period(request)
        in_period = Q(days__day__gte=start, days__day__lte=end)
        period_days_qs = GapDay.objects.filter(day__gte=start, day__lte=end)
        # Not ModelAdmin.get_queryset: it orders by get_ordering() before "impact" exists.
        # Coalesce: a gap quiet in the period has impact 0, sorted last on every database.
        return (
            self.model._default_manager.get_queryset()
            .annotate(
                impact=Coalesce(Sum("days__count", filter=in_period), 0),
                trend_start=Value(start, output_field=DateField()),
                trend_end=Value(end, output_field=DateField()),
            )
            .prefetch_related(Prefetch("days", queryset=period_days_qs, to_attr="period_days"))
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return ("-impact", "-last_seen")

    @admin.display(description=gettext_lazy("what"), ordering="title")
    def what(self, gap):
        return gap.title

    @admin.display(description=gettext_lazy("link"))
    def link(self, gap):
        # The link reads as typed ("/search/?q=投屏没有声音"), not percent-encoded.
        return format_html('<a href="{}">{}</a>', gap.url, unquote(gap.url)) if gap.url else "—"

    @admin.display(description=gettext_lazy("signals in period"), ordering="impact")
    def impact(self, gap):
        return gap.impact or 0

    @admin.display(description=gettext_lazy("trend"))
    def trend(self, gap):
        counts = {day.day: day.count for day in gap.period_days}
        span = (gap.trend_end - gap.trend_start).days + 1
        return sparkline([counts.get(gap.trend_start + timedelta(days=n), 0) for n in range(span)])

    def _period_default(self):
        end = timezone.localdate()
        return end - timedelta(days=29), end

    @admin.action(description=gettext_lazy("Assign to me"))
    def assign_to_me(self, request, queryset):
        for gap in queryset:
            actions.gap_assign(gap=gap, user=request.user, assignee=request.user)
        self.message_user(request, _("Assigned to you."), messages.SUCCESS)

    # --- the actions on one gap -------------------------------------------------------

    ACTIONS = {
        "draft": DraftIssueForm,
        "synonym": SynonymForm,
        "pin": BestBetForm,
        "dismiss": ReasonForm,
        "resolve": ReasonForm,
        "edit": EditForm,
    }

    # Acting on a gap may change what the action touches: it needs that right too.
    ACTION_PERMISSIONS = {
        "draft": "issues.add_issue",
        "synonym": "search.change_synonym",
        "pin": "search.add_bestbet",
    }

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("insights/", wrap(self.insights_view), name="gaps_gap_insights"),
            path("collect/", wrap(require_POST(self.collect_view)), name="gaps_gap_collect"),
            path(
                "<int:pk>/act/<str:action>/", wrap(require_POST(self.act_view)), name="gaps_gap_act"
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        gap = self.get_object(request, object_id)
        extra = extra_context or {}
        if gap is not None:
            start, end = self._period_default()
            extra.update(
                gap_trend=sparkline(daily_counts(gap, start=start, end=end), width=240, height=40),
                gap_signals=gap.signals.all()[:20],
                action_forms={
                    "draft": DraftIssueForm(initial={"product": gap.product_id}),
                    "synonym": SynonymForm(initial={"term": gap.title[:100]}),
                    "pin": BestBetForm(),
                    "dismiss": ReasonForm(prefix="dismiss"),
                    "resolve": ReasonForm(prefix="resolve"),
                    "edit": EditForm(),
                },
                is_query_gap=gap.kind
                in (Gap.Kind.ZERO_RESULTS, Gap.Kind.ABANDONED, Gap.Kind.WEAK_RESULTS),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def act_view(self, request, pk: int, action: str):
        gap = get_object_or_404(Gap, pk=pk)
        if action not in self.ACTIONS or not self.has_change_permission(request, gap):
            raise PermissionDenied
        needed = self.ACTION_PERMISSIONS.get(action)
        if needed and not request.user.has_perm(needed):
            raise PermissionDenied
        prefix = action if action in ("dismiss", "resolve") else None
        form = self.ACTIONS[action](request.POST, prefix=prefix)
        change_url = reverse("admin:gaps_gap_change", args=[gap.pk])
        if not form.is_valid():
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            self.message_user(request, errors, messages.ERROR)
            return redirect(change_url)
        data = form.cleaned_data
        try:
            if action == "draft":
                issue = actions.gap_draft_issue(gap=gap, user=request.user, product=data["product"])
                self.message_user(
                    request,
                    _("Draft created from the gap: finish it, then submit it for review."),
                    messages.SUCCESS,
                )
                return redirect("admin:issues_issue_change", issue.pk)
            if action == "synonym":
                actions.gap_add_synonym(
                    gap=gap, user=request.user, group=data["group"], term=data["term"]
                )
            elif action == "pin":
                actions.gap_pin_best_bet(
                    gap=gap, user=request.user, issue=data["issue"], error_code=data["error_code"]
                )
            elif action == "dismiss":
                actions.gap_dismiss(gap=gap, user=request.user, reason=data["reason"])
            elif action == "resolve":
                actions.gap_resolve(gap=gap, user=request.user, note=data["reason"])
            else:
                actions.gap_link_edit(gap=gap, user=request.user, revision_note=data["edit"])
        except ValueError as problem:
            self.message_user(request, str(problem), messages.ERROR)
            return redirect(change_url)
        self.message_user(
            request,
            _("Done: %(resolution)s") % {"resolution": gap.resolution or gap.get_status_display()},
            messages.SUCCESS,
        )
        return redirect(change_url)

    # --- insights -----------------------------------------------------------------------

    def collect_view(self, request):
        """File what happened since the scheduler last ran, at once (the queue and the
        insights would otherwise wait up to ten minutes for the periodic collector)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        counts = gaps_collect()
        metrics_refresh(days=1)
        self.message_user(
            request,
            _("%(signals)s new signals filed in %(gaps)s gaps.")
            % {"signals": counts["signals"], "gaps": counts["gaps"]},
            messages.SUCCESS,
        )
        return redirect("admin:gaps_gap_changelist")

    def insights_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Today's counts are recounted from the raw rows, so the page is never a day behind
        # (a few grouped counts over one day's rows); older days come from the kept totals.
        metrics_refresh(days=1)
        days = period_days(request.GET.get("period"))
        end = timezone.localdate()
        start = end - timedelta(days=days - 1)
        charts = insights.all_charts(start, end)
        wanted = request.GET.get("csv")
        if wanted:
            chart = next((c for c in charts if c.name == wanted), None)
            if chart is None:
                return HttpResponse(
                    _("No such chart."), status=404, content_type="text/plain; charset=utf-8"
                )
            response = HttpResponse(chart.as_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="{chart.name}-{start}-{end}.csv"'
            )
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Insights"),
            "charts": charts,
            "charts_json": [chart.as_json() for chart in charts],
            "period": days,
            "periods": PERIODS,
            "period_label": insights.period_label(start, end),
        }
        return TemplateResponse(request, "admin/gaps/insights.html", context)
