"""Server-side SVG geometry for readiness profiles: horizontal bars on the 1-9 scale.

The templates draw what these functions compute; no JavaScript, no inline styles (colours
come from classes in community.css). Each chart has a text equivalent next to it (a table).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from carenet.community import scoring

WIDTH = 360
LEFT = 8
RIGHT = 8
SCALE_TOP = 18
ROW_LABEL = 16  # height of the dimension's name above its bars
BAR = 14
GAP = 4
ROW_GAP = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    value: Decimal | None  # the score written at the end of the bar
    label_x: float
    anchor: str  # "start" after the bar, "end" inside a long bar

    @property
    def text_y(self) -> float:
        return self.y + self.height - 3


@dataclass(frozen=True)
class Row:
    title: str
    title_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    ticks: list[Tick]
    rows: list[Row]
    plot_top: float
    plot_bottom: float


def _x(score: Decimal | None) -> float:
    """Position of a score on the 0-9 axis (0 at the left edge, so a 1 still shows a bar)."""
    inner = WIDTH - LEFT - RIGHT
    return LEFT + inner * float(score or 0) / scoring.STAGE_MAX


def _ticks() -> list[Tick]:
    return [Tick(_x(Decimal(n)), str(n)) for n in range(1, scoring.STAGE_MAX + 1)]


def _bar(score: Decimal | None, y: float, css: str) -> Bar:
    end = _x(score)
    inside = end > WIDTH - 60
    return Bar(
        LEFT,
        y,
        max(end - LEFT, 0),
        BAR,
        css,
        score,
        end - 4 if inside else end + 4,
        "end" if inside else "start",
    )


def profile(result: scoring.ReadinessResult, overall_title: str) -> Chart:
    """One bar per dimension and one for the overall score."""
    series = [(f"{d.letter}. {d.name}", d.shown, "bar-0") for d in result.dimensions]
    series.append((overall_title, result.overall_shown, "bar-overall"))
    return _chart([(title, [(score, css)]) for title, score, css in series])


def comparison(results: list[scoring.ReadinessResult], overall_title: str) -> Chart:
    """Per dimension, one bar per assessment (oldest first, up to four)."""
    results = results[-4:]
    if not results:
        return _chart([])
    rows = []
    for index, dim in enumerate(results[-1].dimensions):
        bars = [(r.dimensions[index].shown, f"bar-{n}") for n, r in enumerate(results)]
        rows.append((f"{dim.letter}. {dim.name}", bars))
    rows.append((overall_title, [(r.overall_shown, f"bar-{n}") for n, r in enumerate(results)]))
    return _chart(rows)


def _chart(rows: list[tuple[str, list[tuple[Decimal | None, str]]]]) -> Chart:
    y = SCALE_TOP + 6
    drawn = []
    for title, bars in rows:
        title_y = y + ROW_LABEL - 4
        y += ROW_LABEL
        row_bars = []
        for score, css in bars:
            row_bars.append(_bar(score, y, css))
            y += BAR + GAP
        drawn.append(Row(title, title_y, row_bars))
        y += ROW_GAP
    return Chart(WIDTH, int(y), _ticks(), drawn, SCALE_TOP, y - ROW_GAP)
