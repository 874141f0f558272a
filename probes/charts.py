"""The latency-over-time chart of a target: the numbers only, as JSON the page carries
(json_script); static/js/latency-chart.js draws them with Chart.js from the site's own static
files, as the insights page does. Without JavaScript the results table below it remains."""

from dataclasses import dataclass, field

from django.utils import timezone


@dataclass
class LatencyChart:
    labels: list[str]
    ok_ms: list[float | None] = field(default_factory=list)  # None where the check failed
    failed: list[float | None] = field(default_factory=list)  # 0 where it failed: on the baseline
    outcomes: list[str] = field(default_factory=list)

    @property
    def max_ms(self) -> float:
        return max((ms for ms in self.ok_ms if ms is not None), default=0.0)

    def as_json(self) -> dict:
        return {
            "labels": self.labels,
            "ok": self.ok_ms,
            "failed": self.failed,
            "outcomes": self.outcomes,
        }


def latency_chart(results) -> LatencyChart | None:
    """Results oldest first; each at its total time, failures marked on the baseline."""
    rows = [r for r in results if r.finished_at and r.timings_ms]
    if not rows:
        return None
    # Local time, as the results table under the chart shows it.
    chart = LatencyChart(
        labels=[f"{timezone.localtime(row.finished_at):%Y-%m-%d %H:%M}" for row in rows]
    )
    for row in rows:
        total = round(float(row.timings_ms.get("total", 0)), 1)
        ok = row.outcome == "ok"
        chart.ok_ms.append(total if ok else None)
        chart.failed.append(None if ok else 0)
        chart.outcomes.append(row.get_outcome_display())
    return chart
