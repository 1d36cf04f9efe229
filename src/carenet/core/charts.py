"""Small server-side SVG charts for every app: no JavaScript, no style attributes (the CSP
forbids them), readable on a phone and without colour.

    bar_chart([("Layer 2", 1200.0), ("Layer 3", None)], title=_("People reached"))
    line_chart(points, low=0, high=100, ticks=[0, 50, 100], tick_labels=["0", "50", "100"],
               title=_("Well-being"), desc=_("WHO-5 score per check-in, oldest first."))

* `bar_chart`: horizontal bars with a label and a value each (None is a suppressed count,
  shown as "<5");
* `scale_chart`: rows of horizontal bars on a fixed 0..`scale_max` scale, one bar per series
  (a readiness profile: one row per dimension, one bar per assessment);
* `line_chart` and `column_chart`: a series over time, as a line or as vertical bars.

Every chart is an `<svg class="chart …">` with a `<title>` (and a `<desc>` when given);
pages show the same figures in a table as well. Colours are presentation attributes that
`carenet.css` (`svg.chart`) and an app's own classes may override: a series' bars carry the
class given (e.g. `bar-0`), so a legend can use the same class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from carenet.core.suppression import label as suppressed_label

INK, MUTED, LINE, BRAND = "#1b1f24", "#4a5560", "#d0d7de", "#2c7fb8"


@dataclass(frozen=True)
class Point:
    """One value of a series over time; None leaves a gap (missing or suppressed)."""

    label: str
    value: float | None


def _number(value: float | Decimal) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def _svg(
    width: float, height: float, title: str, desc: str, css: str, body: list[str]
) -> SafeString:
    classes = f"chart {css}".strip()
    description = f"<desc>{escape(desc)}</desc>" if desc else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(classes)}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" aria-label="{escape(title)}" focusable="false">'
        f"<title>{escape(title)}</title>{description}{''.join(body)}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text part above is escaped


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- horizontal bars -------------------------------------------------------------------------

BAR_WIDTH, BAR, BAR_GAP, LABEL_W, PAD = 640, 26, 8, 250, 12


def bar_chart(
    items: Sequence[tuple[str, float | None]], *, title: str, desc: str = "", css: str = ""
) -> SafeString:
    """Horizontal bars for (label, value), with the title written above them; None is a
    suppressed value, shown as "<5" with no bar."""
    values = [v for _label, v in items if v is not None]
    top = max(values, default=0) or 1
    height = PAD * 2 + 24 + len(items) * (BAR + BAR_GAP)
    span = BAR_WIDTH - LABEL_W - PAD * 2 - 70
    body = [
        f'<text class="chart-title" x="{PAD}" y="{PAD + 12}" font-size="15" font-weight="600" '
        f'fill="{INK}">{escape(title)}</text>'
    ]
    if not items:
        body.append(
            f'<text class="tick" x="{PAD}" y="{PAD + 40}" font-size="14" fill="{MUTED}">'
            f"{escape(_('Nothing to show.'))}</text>"
        )
    for i, (text, value) in enumerate(items):
        y = PAD + 24 + i * (BAR + BAR_GAP)
        w = 0 if value is None else max(1, round(span * value / top))
        shown = suppressed_label(None) if value is None else _number(value)
        body.append(
            f'<text class="label" x="{LABEL_W - 6}" y="{y + BAR * 0.68:.0f}" font-size="12" '
            f'text-anchor="end" fill="{INK}">{escape(_short(text))}</text>'
            f'<rect class="bar" x="{LABEL_W}" y="{y}" width="{w}" height="{BAR}" fill="{BRAND}">'
            f"<title>{escape(text)}: {escape(shown)}</title></rect>"
            f'<text class="value" x="{LABEL_W + w + 6}" y="{y + BAR * 0.68:.0f}" font-size="13" '
            f'fill="{INK}">{escape(shown)}</text>'
        )
    return _svg(BAR_WIDTH, height, title, desc, css, body)


SCALE_WIDTH, SCALE_SIDE, SCALE_TOP, ROW_LABEL, SCALE_BAR, SCALE_GAP, ROW_GAP = (
    360, 8, 18, 16, 14, 4, 10,
)  # fmt: skip


def scale_chart(
    rows: Sequence[tuple[str, Sequence[tuple[float | Decimal | None, str]]]],
    *,
    scale_max: int,
    title: str,
    desc: str = "",
    css: str = "",
) -> SafeString:
    """Per row, its title and one bar per (value, css class) on the 0..`scale_max` scale, with
    ticks at 1..`scale_max` and the value written after (or inside) each bar."""
    inner = SCALE_WIDTH - 2 * SCALE_SIDE

    def x(value: float | Decimal | None) -> float:
        return SCALE_SIDE + inner * float(value or 0) / scale_max

    y = SCALE_TOP + 6.0
    shapes = []
    for row_title, bars in rows:
        shapes.append(
            f'<text class="row-title" x="{SCALE_SIDE}" y="{y + ROW_LABEL - 4:.0f}" '
            f'font-size="11" fill="{INK}">{escape(row_title)}</text>'
        )
        y += ROW_LABEL
        for value, bar_css in bars:
            end = x(value)
            inside = end > SCALE_WIDTH - 60
            shown = "–" if value is None else _number(value)
            shapes.append(
                f'<rect class="bar {escape(bar_css)}" x="{SCALE_SIDE}" y="{y:.0f}" '
                f'width="{max(end - SCALE_SIDE, 0):.1f}" height="{SCALE_BAR}" rx="2" '
                f'fill="{BRAND}"></rect>'
                f'<text class="value{" inside" if inside else ""}" '
                f'x="{end - 4 if inside else end + 4:.1f}" y="{y + SCALE_BAR - 3:.0f}" '
                f'text-anchor="{"end" if inside else "start"}" font-size="10" '
                f'fill="{"#ffffff" if inside else INK}">{escape(shown)}</text>'
            )
            y += SCALE_BAR + SCALE_GAP
        y += ROW_GAP
    bottom = y - ROW_GAP
    grid = []
    for n in range(1, scale_max + 1):
        grid.append(
            f'<line class="grid" x1="{x(n):.1f}" x2="{x(n):.1f}" y1="{SCALE_TOP}" '
            f'y2="{bottom:.0f}" stroke="{LINE}"></line>'
            f'<text class="tick" x="{x(n):.1f}" y="12" text-anchor="middle" font-size="10" '
            f'fill="{MUTED}">{n}</text>'
        )
    return _svg(SCALE_WIDTH, y, title, desc, css, grid + shapes)


# --- series over time ------------------------------------------------------------------------

SERIES_WIDTH, SERIES_HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 16, 12, 40


def _y(value: float, low: float, high: float) -> float:
    span = (high - low) or 1
    return TOP + (SERIES_HEIGHT - TOP - BOTTOM) * (1 - (value - low) / span)


def _x(index: int, count: int) -> float:
    inner = SERIES_WIDTH - LEFT - RIGHT
    return LEFT + (inner / 2 if count == 1 else inner * index / (count - 1))


def _axis(low: float, high: float, ticks: Sequence[float], tick_labels: Sequence[str]) -> list[str]:
    parts = []
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = _y(tick, low, high)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{SERIES_WIDTH - RIGHT}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="{LINE}"/>'
            f'<text class="tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="{MUTED}">{escape(label)}</text>'
        )
    return parts


def _x_labels(points: Sequence[Point]) -> list[str]:
    step = max(1, len(points) // 6)
    parts = []
    for i, p in enumerate(points):
        if i % step == 0 or i == len(points) - 1:
            # the first and last labels start and end at the point, so neither is clipped
            anchor = "start" if i == 0 and len(points) > 1 else "middle"
            anchor = "end" if i == len(points) - 1 and len(points) > 1 else anchor
            parts.append(
                f'<text class="tick" x="{_x(i, len(points)):.1f}" '
                f'y="{SERIES_HEIGHT - BOTTOM + 16}" text-anchor="{anchor}" font-size="11" '
                f'fill="{MUTED}">{escape(p.label)}</text>'
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
    desc: str = "",
    css: str = "",
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
        body.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{BRAND}" '
            'stroke-width="2.5"/>'
        )
    body += [
        f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BRAND}"/>' for x, y in coords
    ]
    return _svg(SERIES_WIDTH, SERIES_HEIGHT, title, desc, css, body)


def column_chart(
    points: Sequence[Point],
    *,
    high: float,
    ticks: Sequence[float],
    tick_labels: Sequence[str],
    title: str,
    desc: str = "",
    css: str = "",
) -> SafeString:
    """Vertical bars from zero; a None value draws no bar (suppressed or missing)."""
    body = _axis(0, high, ticks, tick_labels) + _x_labels(points)
    inner = SERIES_WIDTH - LEFT - RIGHT
    width = min(40.0, inner / max(len(points), 1) * 0.6)
    for i, p in enumerate(points):
        if p.value is None:
            continue
        x, y = _x(i, len(points)), _y(p.value, 0, high)
        body.append(
            f'<rect class="bar" x="{x - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{SERIES_HEIGHT - BOTTOM - y:.1f}" fill="{BRAND}"/>'
        )
    return _svg(SERIES_WIDTH, SERIES_HEIGHT, title, desc, css, body)
