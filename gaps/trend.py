"""A gap's trend over the chosen period: per-day counts and a small SVG line for the queue."""

from datetime import date, timedelta

from django.utils.html import format_html
from django.utils.translation import gettext as _

from gaps.models import Gap

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


def period_days(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


def daily_counts(gap: Gap, *, start: date, end: date) -> list[int]:
    counts = dict(gap.days.filter(day__gte=start, day__lte=end).values_list("day", "count"))
    return [counts.get(start + timedelta(days=n), 0) for n in range((end - start).days + 1)]


def sparkline(counts: list[int], *, width: int = 90, height: int = 18) -> str:
    """Counts as an SVG polyline (no inline style: presentation attributes keep the CSP)."""
    top = max(counts, default=0) or 1
    step = width / max(len(counts) - 1, 1)
    points = " ".join(
        f"{n * step:.1f},{height - 1 - (count / top) * (height - 2):.1f}"
        for n, count in enumerate(counts)
    )
    label = _("%(total)s signals, at most %(top)s a day") % {"total": sum(counts), "top": top}
    return format_html(
        '<svg class="gap-trend" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}"><polyline points="{points}" fill="none" stroke="currentColor" '
        'stroke-width="1.5"/></svg>',
        w=width,
        h=height,
        label=label,
        points=points,
    )
