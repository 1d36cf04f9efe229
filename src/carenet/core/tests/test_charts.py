"""The one SVG chart module: escaped text, suppressed values, no style attributes."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

from django.utils import translation

from carenet.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ElementTree.Element:
    assert "style=" not in svg  # the CSP forbids style attributes
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output


def test_bar_chart_escapes_labels_and_shows_suppressed_counts() -> None:
    svg = charts.bar_chart([("<b>Layer 2</b>", 1200.0), ("Layer 3", None)], title="People & places")
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == "People & places"
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    bars = root.findall(f"{SVG}rect")
    assert [b.get("width") for b in bars][1] == "0"  # a suppressed value draws no bar
    assert "&lt;5" in svg
    assert "1,200" in svg


def test_bar_chart_without_items_says_so() -> None:
    with translation.override("uk"):
        svg = charts.bar_chart([], title="x")
    assert "Немає чого показати" in svg or "Nothing to show." in svg
    _parse(svg)


def test_scale_chart_draws_one_bar_per_series_on_the_scale() -> None:
    rows = [
        ("A. Efforts", [(Decimal("4.5"), "bar-0"), (Decimal("9"), "bar-1")]),
        ("B", [(None, "bar-0")]),
    ]
    svg = charts.scale_chart(rows, scale_max=9, title="Profile", css="readiness")
    root = _parse(svg)
    assert root.get("class") == "chart readiness"
    bars = root.findall(f"{SVG}rect")
    assert [b.get("class") for b in bars] == ["bar bar-0", "bar bar-1", "bar bar-0"]
    widths = [float(b.get("width")) for b in bars]
    assert widths[1] == 2 * widths[0] and widths[2] == 0  # 9 is twice 4.5; none is empty
    ticks = [t.text for t in root.findall(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks == [str(n) for n in range(1, 10)]
    assert "–" in svg  # the missing score is written as a dash


def test_line_chart_leaves_gaps_and_keeps_the_last_label_inside() -> None:
    points = [charts.Point("01.11", 40), charts.Point("08.11", None), charts.Point("15.11", 60)]
    svg = charts.line_chart(
        points, low=0, high=100, ticks=[0, 100], tick_labels=["0", "100"], title="WHO-5", desc="d"
    )
    root = _parse(svg)
    assert root.find(f"{SVG}desc").text == "d"
    assert len(root.findall(f"{SVG}circle")) == 2
    labels = [t for t in root.findall(f"{SVG}text") if t.text == "15.11"]
    assert labels[0].get("text-anchor") == "end"


def test_column_chart_skips_missing_values() -> None:
    points = [charts.Point("Q1", 50), charts.Point("Q2", None)]
    svg = charts.column_chart(points, high=100, ticks=[0, 100], tick_labels=["0", "100"], title="t")
    assert len(_parse(svg).findall(f"{SVG}rect")) == 1
    assert re.search(r'class="chart"', svg)
