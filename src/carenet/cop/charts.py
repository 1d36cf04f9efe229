"""Small server-side SVG charts: no JavaScript, no inline styles (CSP), readable on a phone.

Every chart has a <title> and a <desc>; pages show the same figures in a table as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 40


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / span)


def _x(index: int, count: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner / 2 if count == 1 else inner * index / (count - 1))


def _frame(title: str, desc: str, body: list[str]) -> SafeString:
    svg = (
        f'<svg class="cop-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text part above is escaped


def _axis(low: float, high: float, ticks: Sequence[float], tick_labels: Sequence[str]) -> list[str]:
    parts = []
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = _y(tick, low, high)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{LEFT - 4}" y="{y + 4:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
    return parts


def _x_labels(points: Sequence[Point]) -> list[str]:
    step = max(1, len(points) // 6)
    parts = []
    for i, p in enumerate(points):
        if i % step == 0 or i == len(points) - 1:
            parts.append(
                f'<text class="tick" x="{_x(i, len(points)):.1f}" '
                f'y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                f"{escape(p.label)}</text>"
            )
    return parts


def line_chart(
    points: Sequence[Point],
    *,
    low: float,
    high: float,
    ticks: Sequence[float],
    tick_labels: Sequence[str],
    title: str,
    desc: str,
) -> SafeString:
    """A line through the points that have a value (gaps where a value is None)."""
    body = _axis(low, high, ticks, tick_labels) + _x_labels(points)
    coords = [
        (_x(i, len(points)), _y(p.value, low, high))
        for i, p in enumerate(points)
        if p.value is not None
    ]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline class="line" points="{path}"/>')
    body += [f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="4"/>' for x, y in coords]
    return _frame(title, desc, body)


def bar_chart(
    points: Sequence[Point],
    *,
    high: float,
    ticks: Sequence[float],
    tick_labels: Sequence[str],
    title: str,
    desc: str,
) -> SafeString:
    """Vertical bars from zero; a None value draws no bar (shown as suppressed or missing)."""
    body = _axis(0, high, ticks, tick_labels) + _x_labels(points)
    inner = WIDTH - LEFT - RIGHT
    width = min(40.0, inner / max(len(points), 1) * 0.6)
    for i, p in enumerate(points):
        if p.value is None:
            continue
        x, y = _x(i, len(points)), _y(p.value, 0, high)
        body.append(
            f'<rect class="bar" x="{x - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{HEIGHT - BOTTOM - y:.1f}"/>'
        )
    return _frame(title, desc, body)
