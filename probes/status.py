"""Reads for the status page and the staff panel beside a fix: monitor states and uptime bars."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from probes.models import Monitor, MonitorDay, MonitorState, MonitorStateChange

DAYS = 30
BAR_WIDTH, BAR_GAP, BAR_HEIGHT = 8, 2, 28


@dataclass(frozen=True)
class Bar:
    day: date
    x: int
    uptime: float | None  # 0..1, None when nothing was checked that day
    checks: int

    @property
    def css(self) -> str:
        if self.uptime is None:
            return "bar--none"
        if self.uptime >= 0.995:
            return "bar--up"
        return "bar--partial" if self.uptime >= 0.9 else "bar--down"

    @property
    def label(self) -> str:
        when = date_format(self.day, "SHORT_DATE_FORMAT")
        if self.uptime is None:
            return f"{when}: —"
        return f"{when}: {self.uptime * 100:.1f}% ({self.checks})"


@dataclass(frozen=True)
class MonitorRow:
    monitor: Monitor
    bars: list[Bar]
    uptime: float | None  # over the days shown

    @property
    def uptime_percent(self) -> str:
        return "—" if self.uptime is None else f"{self.uptime * 100:.2f}%"

    @property
    def width(self) -> int:
        return DAYS * (BAR_WIDTH + BAR_GAP) - BAR_GAP

    @property
    def height(self) -> int:
        return BAR_HEIGHT


def _bars(days: dict[date, MonitorDay], today: date) -> tuple[list[Bar], float | None]:
    bars, up, conclusive = [], 0, 0
    for offset in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - offset)
        counts = days.get(day)
        uptime = counts.uptime if counts else None
        if counts:
            up += counts.up
            conclusive += counts.up + counts.degraded + counts.down
        bars.append(
            Bar(day, offset * (BAR_WIDTH + BAR_GAP), uptime, counts.checks if counts else 0)
        )
    return bars, (up / conclusive if conclusive else None)


def monitor_rows(monitors: QuerySet | None = None) -> list[MonitorRow]:
    monitors = list(
        (monitors if monitors is not None else Monitor.objects.all()).select_related(
            "checklist", "target", "owner"
        )
    )
    today = timezone.localdate()
    since = today - timedelta(days=DAYS - 1)
    by_monitor: dict[int, dict[date, MonitorDay]] = {}
    for row in MonitorDay.objects.filter(monitor__in=monitors, day__gte=since):
        by_monitor.setdefault(row.monitor_id, {})[row.day] = row
    rows = []
    for monitor in monitors:
        bars, uptime = _bars(by_monitor.get(monitor.pk, {}), today)
        rows.append(MonitorRow(monitor=monitor, bars=bars, uptime=uptime))
    order = {
        MonitorState.DOWN: 0,
        MonitorState.DEGRADED: 1,
        MonitorState.UNKNOWN: 2,
        MonitorState.UP: 3,
    }
    rows.sort(key=lambda r: (not r.monitor.enabled, order.get(r.monitor.state, 9), r.monitor.name))
    return rows


def state_history(monitor: Monitor, limit: int = 50) -> list[MonitorStateChange]:
    return list(monitor.changes.select_related("run").order_by("-started_at", "-pk")[:limit])


def monitors_for(*, issue=None, error_code=None) -> list[Monitor]:
    """Enabled monitors watching what a fix depends on, the worst first."""
    if issue is not None:
        queryset = Monitor.objects.enabled().for_issue(issue)
    elif error_code is not None:
        queryset = Monitor.objects.enabled().for_error_code(error_code)
    else:
        return []
    order = {
        MonitorState.DOWN: 0,
        MonitorState.DEGRADED: 1,
        MonitorState.UNKNOWN: 2,
        MonitorState.UP: 3,
    }
    return sorted(
        queryset.select_related("checklist", "target"),
        key=lambda m: (order.get(m.state, 9), m.name),
    )
