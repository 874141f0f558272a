"""The numbers behind the insights page, one chart each, also served as CSV.

Daily series come from DailyMetric (kept after raw rows are pruned); per-entry helpfulness,
top gaps and per-check failure rates read the rows of the period."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from gaps.metrics import daily_series
from gaps.models import DailyMetric, Gap
from gaps.sources import FAILED
from issues.models import Feedback, Product
from probes.models import ProbeResult


@dataclass
class Chart:
    name: str
    title: str
    kind: str  # "line" or "bar"
    labels: list[str]
    series: list[dict] = field(default_factory=list)  # {"label": str, "data": [numbers]}
    unit: str = ""

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "kind": self.kind,
            "labels": self.labels,
            "series": self.series,
            "unit": self.unit,
        }

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["", *(s["label"] for s in self.series)])
        for n, label in enumerate(self.labels):
            writer.writerow([label, *(s["data"][n] for s in self.series)])
        return out.getvalue()


def _rate(part: list[int], whole: list[int]) -> list[float]:
    return [round(100 * p / w, 1) if w else 0 for p, w in zip(part, whole, strict=True)]


def _days(start: date, end: date) -> list[str]:
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def search_charts(start: date, end: date) -> list[Chart]:
    labels = _days(start, end)
    searches, zero, abandoned, clicked, suggestions, picks = (
        daily_series(metric, start=start, end=end)
        for metric in (
            "searches",
            "zero_results",
            "abandoned",
            "clicked",
            "suggestions",
            "suggestion_picks",
        )
    )
    return [
        Chart(
            "searches",
            _("Searches per day"),
            "line",
            labels,
            [
                {"label": _("searches"), "data": searches},
                {"label": _("typed into the suggestions box"), "data": suggestions},
            ],
        ),
        Chart(
            "search-rates",
            _("Zero-result and abandon rates"),
            "line",
            labels,
            [
                {"label": _("no result"), "data": _rate(zero, searches)},
                {"label": _("no result opened"), "data": _rate(abandoned, searches)},
            ],
            unit="%",
        ),
        Chart(
            "click-through",
            _("Click-through"),
            "line",
            labels,
            [
                {"label": _("searches with a result opened"), "data": _rate(clicked, searches)},
                {"label": _("suggestions with one picked"), "data": _rate(picks, suggestions)},
            ],
            unit="%",
        ),
    ]


def helpfulness_per_product(start: date, end: date) -> Chart:
    rows = (
        DailyMetric.objects.filter(day__gte=start, day__lte=end, metric__startswith="helpful_")
        .exclude(product="")
        .values("product", "metric")
        .annotate(total=Sum("count"))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["product"], {})[row["metric"]] = row["total"]
    names = dict(Product.objects.filter(slug__in=counts).values_list("slug", "name"))
    slugs = sorted(counts, key=lambda slug: names.get(slug, slug))
    yes = [counts[s].get("helpful_yes", 0) for s in slugs]
    no = [counts[s].get("helpful_no", 0) for s in slugs]
    return Chart(
        "helpfulness-products",
        _("Helpfulness per product"),
        "bar",
        [names.get(s, s) for s in slugs],
        [
            {
                "label": _("helpful"),
                "data": _rate(yes, [y + n for y, n in zip(yes, no, strict=True)]),
            }
        ],
        unit="%",
    )


def helpfulness_per_entry(start: date, end: date, *, limit: int = 10) -> Chart:
    """The entries readers found least helpful in the period (at least 2 answers)."""
    period = Q(created_at__date__gte=start, created_at__date__lte=end)
    rows = (
        Feedback.objects.filter(period)
        .values("issue__title", "error_code__code", "error_code__product__name")
        .annotate(answers=Count("id"), yes=Count("id", filter=Q(helpful=True)))
        .filter(answers__gte=2)
    )
    ranked = sorted(rows, key=lambda r: (r["yes"] / r["answers"], -r["answers"]))[:limit]
    labels = [
        r["issue__title"] or f"{r['error_code__product__name']} {r['error_code__code']}"
        for r in ranked
    ]
    return Chart(
        "helpfulness-entries",
        _("Least helpful entries"),
        "bar",
        labels,
        [
            {
                "label": _("helpful"),
                "data": [round(100 * r["yes"] / r["answers"], 1) for r in ranked],
            },
            {"label": _("answers"), "data": [r["answers"] for r in ranked]},
        ],
        unit="%",
    )


def top_gaps(start: date, end: date, *, limit: int = 10) -> Chart:
    gaps = (
        Gap.objects.filter(status__in=[Gap.Status.OPEN, Gap.Status.IN_PROGRESS])
        .annotate(impact=Sum("days__count", filter=Q(days__day__gte=start, days__day__lte=end)))
        .filter(impact__gt=0)
        .order_by("-impact")[:limit]
    )
    return Chart(
        "top-gaps",
        _("Top open gaps"),
        "bar",
        [f"{g.get_kind_display()}: {g.title}" for g in gaps],
        [{"label": _("signals"), "data": [g.impact for g in gaps]}],
    )


def check_failure_rates(start: date, end: date, *, limit: int = 15) -> Chart:
    rows = (
        ProbeResult.objects.filter(finished_at__date__gte=start, finished_at__date__lte=end)
        .values("target_text")
        .annotate(checks=Count("id"), failed=Count("id", filter=FAILED))
        .order_by("-failed", "target_text")[:limit]
    )
    return Chart(
        "check-failures",
        _("Check failure rate per item"),
        "bar",
        [r["target_text"] for r in rows],
        [{"label": _("failed"), "data": [round(100 * r["failed"] / r["checks"], 1) for r in rows]}],
        unit="%",
    )


def all_charts(start: date, end: date) -> list[Chart]:
    return [
        *search_charts(start, end),
        helpfulness_per_product(start, end),
        helpfulness_per_entry(start, end),
        top_gaps(start, end),
        check_failure_rates(start, end),
    ]


def period_label(start: date, end: date) -> str:
    first, last = (formats.date_format(day, "SHORT_DATE_FORMAT") for day in (start, end))
    return f"{first} – {last}"
