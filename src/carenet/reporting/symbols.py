"""The gap map of a level without boundaries (hromadas, gminas): a circle at each area's
centroid, coloured by the class of its value and sized by it.

A national level has up to 2,477 areas, so each circle costs as few bytes as it can: the
coordinates are in the map's own frame, 640 units wide as drawn, with one decimal (a tenth
of a pixel at full width); the circles of one class sit in one `<g>` that carries their
colour, and the stroke is set once for all of them. Areas at the same place with the same
value are one circle (Polish gminas carry their powiat's centroid, so up to a dozen of them
would lie exactly on top of each other, and only the top one could be pointed at). Each
circle's `<title>` names its areas with their P-codes and value: the tooltip a desktop
shows. The classes, colours and legend are those of `geo.maps.svg_map`, which draws the
levels with boundaries; the `<desc>` gives the number of areas per class, which a screen
reader cannot read from the legend of an image. Every figure is also in the page's table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from carenet.geo.maps import LEGEND_ROW, NO_DATA, STROKE, WIDTH, quantile_classes
from carenet.geo.models import AdminArea

INK = "#1b1f24"

# a legend row: class index (0: no data), CSS class, colour, label, number of areas
Row = tuple[int, str, str, str, int]


@dataclass(frozen=True)
class _Frame:
    """Longitude and latitude to map units: equirectangular at the mid-latitude (rounded to
    half a degree, as `geo.maps`), scaled so that the padded box is `WIDTH` wide."""

    k: float
    x0: float
    y0: float
    scale: float
    height: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon * self.k - self.x0) * self.scale, (-lat - self.y0) * self.scale


def _frame(points: Sequence[tuple[float, float]]) -> _Frame:
    lats = [lat for _lon, lat in points]
    phi0 = round((min(lats) + max(lats)) / 2 * 2) / 2
    k = math.cos(math.radians(phi0))
    xs = [lon * k for lon, _lat in points]
    x0, x1, y0, y1 = min(xs), max(xs), -max(lats), -min(lats)
    pad = max(x1 - x0, y1 - y0, 0.1) * 0.03
    scale = WIDTH / (x1 - x0 + 2 * pad)
    return _Frame(k, x0 - pad, y0 - pad, scale, (y1 - y0 + 2 * pad) * scale)


def _n(value: float) -> str:
    """A coordinate or radius with one decimal, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _decimals(values: Sequence[float]) -> int:
    if all(float(v).is_integer() for v in values):
        return 0
    return 2 if values and max(abs(v) for v in values) < 10 else 1


def _fmt(value: float | None, decimals: int) -> str:
    if value is None:
        return _("no data")
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def symbol_map(
    areas: Sequence[AdminArea], *, values: Mapping[str, float | None], title: str
) -> SafeString | None:
    """Circles at the centroids of `areas` (P-code -> value in `values`, None: no data),
    with the legend under the map titled `title`; None when no area has a centroid."""
    located = [(a.lon, a.lat) for a in areas if a.lat is not None and a.lon is not None]
    if not located:
        return None
    frame = _frame(located)
    present = [v for a in areas if (v := values.get(a.pcode)) is not None]
    classes = quantile_classes(present)
    decimals = _decimals(present)
    vmax = max(present, default=0) or 1
    # class index (0: no data) -> one circle per place and value -> (radius, its areas)
    groups: dict[int, dict[tuple[str, str, float | None], tuple[float, list[str]]]] = {
        c.index: {} for c in classes
    }
    groups[0] = {}
    counts = dict.fromkeys(groups, 0)
    for area in areas:
        value = values.get(area.pcode)
        index = 0
        if value is not None:
            index = next((c.index for c in classes if value <= c.high), classes[-1].index)
        counts[index] += 1
        if area.lat is None or area.lon is None:
            continue
        x, y = frame.xy(area.lon, area.lat)
        r = WIDTH * (0.003 + 0.017 * math.sqrt(max(value or 0, 0) / vmax))
        label = f"{area.name} ({area.pcode}): {_fmt(value, decimals)}"
        groups[index].setdefault((_n(x), _n(y), value), (r, []))[1].append(label)
    rows: list[Row] = [
        (c.index, f"geo-c{c.index}", c.colour, _range(c.low, c.high, decimals), counts[c.index])
        for c in classes
    ]
    if len(present) < len(areas):
        rows.append((0, "geo-nodata", NO_DATA, _("no data"), counts[0]))
    map_h = round(frame.height)
    legend_h = (len(rows) + 1) * LEGEND_ROW + 16
    label = escape(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map geo-map dot-map" role="img" '
        f'aria-label="{label}" viewBox="0 0 {WIDTH} {map_h + legend_h}"><title>{label}</title>'
        f"<desc>{escape(_description(title, rows))}</desc>",
        f'<g class="geo-areas" stroke="{STROKE}" stroke-width="1">',
    ]
    # The class grows with the value, and so does the radius: drawing the classes from the
    # highest down, each from its largest circle, and "no data" (the smallest) last keeps
    # small circles on top and visible.
    for index, css, colour, _text, _count in sorted(rows, key=lambda row: (row[0] == 0, -row[0])):
        circles = sorted(groups[index].items(), key=lambda item: -item[1][0])
        if circles:
            parts.append(f'<g class="{css}" fill="{colour}">')
            parts += [
                f'<circle cx="{x}" cy="{y}" r="{_n(r)}">'
                f"<title>{escape(chr(10).join(labels))}</title></circle>"
                for (x, y, _value), (r, labels) in circles
            ]
            parts.append("</g>")
    parts.append("</g>")
    parts += _legend(rows, title, map_h + 8)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names, labels and the title are escaped


def _range(low: float, high: float, decimals: int) -> str:
    if low == high:
        return _fmt(low, decimals)
    return f"{_fmt(low, decimals)} \u2013 {_fmt(high, decimals)}"


def _description(title: str, rows: Sequence[Row]) -> str:
    classes = "; ".join(
        f"{text}: {number_format(n, force_grouping=True)}"
        for _index, _css, _colour, text, n in rows
    )
    return _("%(title)s. Number of areas in each class: %(classes)s.") % {
        "title": title,
        "classes": classes,
    }


def _legend(rows: Sequence[Row], title: str, top: float) -> list[str]:
    out = [
        f'<g class="geo-legend" transform="translate(12 {top:.0f})" font-size="16" '
        f'fill="{INK}"><text x="0" y="16" font-weight="600">{escape(title)}</text>'
    ]
    for i, (_index, css, colour, text, _count) in enumerate(rows, start=1):
        y = i * LEGEND_ROW + 4
        out.append(
            f'<rect class="{css}" x="0" y="{y}" width="20" height="16" fill="{colour}" '
            f'stroke="{STROKE}"/><text x="28" y="{y + 14}">{escape(text)}</text>'
        )
    out.append("</g>")
    return out
