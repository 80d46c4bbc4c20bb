"""Inline SVG geometry for small charts, computed in Python so templates stay simple."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT, PAD = 880, 220, 36
HIGH = 125


@dataclass(frozen=True)
class Point:
    """One review on the chart."""

    x: float
    y: float
    label: str
    total: int


@dataclass(frozen=True)
class Chart:
    """Totals per review against the good (100) and exemplary (115) lines."""

    width: int
    height: int
    low: int
    points: tuple[Point, ...]
    good_y: float
    exemplary_y: float
    polyline: str


def fidelity_chart(history: list[tuple[date, int]]) -> Chart:
    """Place each (visit date, total) on a vertical scale up to 125, evenly spaced by review."""
    # Start the scale just below the lowest total (at most 70) so differences of a few points stay visible.
    low = min([70, *(total - 10 for _, total in history)])
    low = max(25, low - low % 5)

    def y(total: int) -> float:
        return round(HEIGHT - PAD - (total - low) / (HIGH - low) * (HEIGHT - 2 * PAD), 1)

    step = (WIDTH - 2 * PAD - 60) / max(1, len(history) - 1)
    points = tuple(
        Point(x=round(PAD + 60 + index * step if len(history) > 1 else WIDTH / 2, 1), y=y(total), label=day.isoformat(),
              total=total)
        for index, (day, total) in enumerate(history)
    )  # fmt: skip
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        low=low,
        points=points,
        good_y=y(100),
        exemplary_y=y(115),
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
    )


@dataclass(frozen=True)
class Bar:
    """One quarter's employment rate."""

    x: float
    y: float
    height: float
    label: str
    rate: float


@dataclass(frozen=True)
class RateChart:
    """Employment rate per quarter against the benchmark lines (minimal, average, excellent)."""

    width: int
    height: int
    bar_width: float
    bars: tuple[Bar, ...]
    lines: tuple[tuple[str, float, float], ...]  # (name, percent, y)


def outcomes_chart(rates: list[tuple[str, float]], benchmarks: list[tuple[str, float]]) -> RateChart:
    """Bars of (quarter, percent) on a 0-100% scale, with a line for each named benchmark."""

    def y(percent: float) -> float:
        return round(HEIGHT - PAD - percent / 100 * (HEIGHT - 2 * PAD), 1)

    slot = (WIDTH - 2 * PAD - 60) / max(1, len(rates))
    bars = tuple(
        Bar(x=round(PAD + 60 + index * slot + slot * 0.2, 1), y=y(rate), height=round(y(0) - y(rate), 1),
            label=quarter, rate=rate)
        for index, (quarter, rate) in enumerate(rates)
    )  # fmt: skip
    return RateChart(
        width=WIDTH,
        height=HEIGHT,
        bar_width=round(slot * 0.6, 1),
        bars=bars,
        lines=tuple((name, percent, y(percent)) for name, percent in benchmarks),
    )
