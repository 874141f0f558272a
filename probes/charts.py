"""A small latency-over-time chart, computed here and drawn as inline SVG by the template."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 600, 160, 28


@dataclass
class ChartPoint:
    x: float
    y: float
    ms: float
    ok: bool
    label: str


@dataclass
class LatencyChart:
    points: list[ChartPoint]
    polyline: str
    max_ms: float
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD

    @property
    def baseline(self) -> int:
        return self.height - self.pad

    @property
    def right(self) -> int:
        return self.width - self.pad


def latency_chart(results) -> LatencyChart | None:
    """Results oldest first; each plotted at its total time, failures marked at zero height."""
    rows = [r for r in results if r.finished_at and r.timings_ms]
    if not rows:
        return None
    max_ms = max(r.timings_ms.get("total", 0) for r in rows) or 1.0
    span = WIDTH - 2 * PAD
    step = span / max(len(rows) - 1, 1)
    points = []
    for index, row in enumerate(rows):
        total = float(row.timings_ms.get("total", 0))
        ok = row.outcome == "ok"
        y = HEIGHT - PAD - (total / max_ms) * (HEIGHT - 2 * PAD) if ok else HEIGHT - PAD
        label = f"{row.finished_at:%Y-%m-%d %H:%M} · {row.outcome} · {total:.0f} ms"
        points.append(ChartPoint(round(PAD + index * step, 1), round(y, 1), total, ok, label))
    polyline = " ".join(f"{p.x},{p.y}" for p in points if p.ok)
    return LatencyChart(points=points, polyline=polyline, max_ms=round(max_ms, 1))
