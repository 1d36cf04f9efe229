"""Server-side SVG maps: choropleths of areas, circles, service points. No tiles, no JS.

    svg_map(areas_at_level("UA", 1), values={"UA05": 12.5, ...}, title=_("Services"))

Projection: equirectangular, x = lon · cos(φ0), y = -lat, with φ0 the map's mid-latitude
(rounded to half a degree), in units of 1/1000 degree. The map is an inner `<svg>` whose
viewBox is the projected bounding box, so each area's path string does not depend on the
map it appears in and is cached per (P-code, boundary set, φ0). Colours are attributes
(CSP forbids style attributes); `geo/geo.css` adds hover and focus styles.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from carenet.geo.models import AdminArea

# ColorBrewer YlGnBu, 5 classes: sequential, colour-blind safe, prints in grey.
PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA = "#e9ecef"
STROKE = "#4a5560"
UNITS = 1000  # projected units per degree
WIDTH = 640  # outer viewBox width; the page scales the SVG (`svg.map { width: 100% }`)
LEGEND_ROW = 24
CSS = "geo/geo.css"  # pages showing maps add {% static CSS %} for hover and focus styles

# Strokes in screen pixels: the inner viewBox is in thousandths of a degree.
_THIN = 'stroke-width="1" vector-effect="non-scaling-stroke"'

Ring = Sequence[Sequence[float]]
BBox = tuple[float, float, float, float]  # min x, min y, max x, max y


@dataclass(frozen=True)
class MapPoint:
    """A point to mark (a service site); `url` makes it a link."""

    lat: float
    lon: float
    label: str
    url: str | None = None


@dataclass(frozen=True)
class _Class:
    index: int  # 1..5, for the CSS class
    colour: str
    low: float
    high: float


# --- geometry and its cache -----------------------------------------------------------------

_CACHE: dict[tuple[str, int], dict[Any, Any]] = {}
_CACHE_LIMIT = 20_000


def clear_cache() -> None:
    """Forget the projected paths (the loaders call this after changing areas)."""
    _CACHE.clear()


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _entry(area: AdminArea) -> dict[Any, Any]:
    key = (area.pcode, area.boundary_set_id)
    entry = _CACHE.get(key)
    if entry is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        points = [pt for poly in _polygons(area.boundary or {}) for ring in poly for pt in ring]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        entry = {"bbox": (min(lons), min(lats), max(lons), max(lats)) if points else None}
        _CACHE[key] = entry
    return entry


def _project(lon: float, lat: float, k: float) -> tuple[int, int]:
    return round(lon * k * UNITS), round(-lat * UNITS)


def _ring_path(ring: Ring, k: float) -> str:
    points: list[tuple[int, int]] = []
    for lon, lat, *_rest in ring:
        p = _project(lon, lat, k)
        if not points or p != points[-1]:
            points.append(p)
    if len(points) < 3:
        return ""
    (x0, y0), steps = points[0], []
    for (ax, ay), (bx, by) in pairwise(points):
        steps.append(f"{bx - ax} {by - ay}")
    return f"M{x0} {y0}l" + " ".join(steps).replace(" -", "-") + "z"


def area_path(area: AdminArea, phi0: float) -> str:
    """The SVG path data of the area's boundary, projected for mid-latitude `phi0`."""
    entry = _entry(area)
    if phi0 not in entry:
        k = math.cos(math.radians(phi0))
        rings = [ring for poly in _polygons(area.boundary or {}) for ring in poly]
        entry[phi0] = "".join(_ring_path(ring, k) for ring in rings)
    return entry[phi0]


# --- classes of values ----------------------------------------------------------------------


def quantile_classes(values: Iterable[float], n: int = 5) -> list[_Class]:
    """Up to `n` quantile classes over `values`; fewer when values repeat.

    Zero has a class of its own when some values are above it: "nothing" must not share a
    class with "a little", and a map where most areas have nothing would otherwise be
    split into two classes ("0" and everything else)."""
    ordered = sorted(values)
    if not ordered:
        return []
    if ordered[0] == 0 < ordered[-1] and n > 1:
        rest = [v for v in ordered if v != 0]
        starts = sorted({0.0, *(rest[len(rest) * i // (n - 1)] for i in range(n - 1))})
    else:
        starts = sorted({ordered[len(ordered) * i // n] for i in range(n)})
    groups: list[list[float]] = [[] for _ in starts]
    for v in ordered:
        groups[bisect_right(starts, v) - 1].append(v)
    groups = [g for g in groups if g]
    spread = [round(i * (len(PALETTE) - 1) / max(len(groups) - 1, 1)) for i in range(len(groups))]
    if len(groups) == 1:
        spread = [len(PALETTE) // 2]
    return [
        _Class(index=spread[i] + 1, colour=PALETTE[spread[i]], low=g[0], high=g[-1])
        for i, g in enumerate(groups)
    ]


def _class_of(value: float | None, classes: list[_Class]) -> _Class | None:
    if value is None:
        return None
    for c in classes:
        if value <= c.high:
            return c
    return classes[-1] if classes else None


def _fmt(value: float | None, decimals: int) -> str:
    if value is None:
        return _("no data")
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _decimals(values: Iterable[float]) -> int:
    vals = list(values)
    if all(float(v).is_integer() for v in vals):
        return 0
    return 2 if vals and max(abs(v) for v in vals) < 10 else 1


# --- the map --------------------------------------------------------------------------------


@dataclass
class _Frame:
    phi0: float
    k: float
    box: BBox  # projected

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def _frame(areas: list[AdminArea], points: list[MapPoint]) -> _Frame | None:
    boxes = [b for a in areas if a.boundary and (b := _entry(a)["bbox"])]
    coords = [(a.lon, a.lat) for a in areas
              if not a.boundary and a.lat is not None and a.lon is not None]  # fmt: skip
    coords += [(p.lon, p.lat) for p in points]
    lons = [b[0] for b in boxes] + [b[2] for b in boxes] + [c[0] for c in coords]
    lats = [b[1] for b in boxes] + [b[3] for b in boxes] + [c[1] for c in coords]
    if not lons or not lats:
        return None
    phi0 = round((min(lats) + max(lats)) / 2 * 2) / 2
    k = math.cos(math.radians(phi0))
    x0, y1 = _project(min(lons), min(lats), k)
    x1, y0 = _project(max(lons), max(lats), k)
    pad = max(x1 - x0, y1 - y0, UNITS // 10) * 0.03
    return _Frame(phi0, k, (x0 - pad, y0 - pad, x1 + pad, y1 + pad))


def _title_text(area: AdminArea, value: float | None, decimals: int, with_value: bool) -> str:
    text = f"{area.name} ({area.pcode})"
    return f"{text}: {_fmt(value, decimals)}" if with_value else text


def _wrap(shape: str, url: str | None) -> str:
    return f'<a href="{escape(url)}">{shape}</a>' if url else shape


def _area_shapes(areas: list[AdminArea], values: Mapping[str, float | None] | None,
                 classes: list[_Class], frame: _Frame, decimals: int,
                 link: Callable[[AdminArea], str] | None) -> list[str]:  # fmt: skip
    shapes, circles = [], []
    vmax = max((v for v in (values or {}).values() if v is not None), default=0) or 1
    for area in areas:
        value = (values or {}).get(area.pcode)
        cls = _class_of(value, classes)
        css = f"geo-c{cls.index}" if cls else "geo-nodata"
        fill = cls.colour if cls else NO_DATA
        title = f"<title>{escape(_title_text(area, value, decimals, values is not None))}</title>"
        url = link(area) if link else None
        if area.boundary:
            d = area_path(area, frame.phi0)
            shape = (f'<path class="geo-area {css}" d="{d}" fill="{fill}" stroke="{STROKE}" '
                     f'fill-rule="evenodd" {_THIN}>{title}</path>')  # fmt: skip
            shapes.append(_wrap(shape, url))
        elif area.lat is not None and area.lon is not None:
            share = math.sqrt(max(value or 0, 0) / vmax) if values is not None else 0.3
            r = frame.width * (0.003 + 0.017 * share)
            x, y = _project(area.lon, area.lat, frame.k)
            shape = (f'<circle class="geo-area geo-dot {css}" cx="{x}" cy="{y}" r="{r:.0f}" '
                     f'fill="{fill}" stroke="{STROKE}" {_THIN}>{title}</circle>')  # fmt: skip
            circles.append((r, _wrap(shape, url)))
    # large circles first, so that small ones stay visible and clickable on top
    return shapes + [c for _, c in sorted(circles, key=lambda c: -c[0])]


def _background_shapes(areas: list[AdminArea], frame: _Frame) -> list[str]:
    if not areas:
        return []
    paths = [f'<path d="{area_path(a, frame.phi0)}" {_THIN}/>' for a in areas]
    return [f'<g class="geo-background" fill="#ffffff" stroke="{STROKE}" '
            'fill-rule="evenodd">', *paths, "</g>"]  # fmt: skip


def _point_shapes(points: list[MapPoint], frame: _Frame) -> list[str]:
    r = frame.width * 0.005
    shapes = []
    for p in points:
        x, y = _project(p.lon, p.lat, frame.k)
        shape = (f'<circle class="geo-point" cx="{x}" cy="{y}" r="{r:.0f}" fill="#1b1f24" '
                 f'stroke="#ffffff" {_THIN}><title>{escape(p.label)}</title></circle>')  # fmt: skip
        shapes.append(_wrap(shape, p.url))
    return shapes


def _legend(classes: list[_Class], decimals: int, legend_title: str, has_missing: bool,
            top: float) -> list[str]:  # fmt: skip
    rows = [(f"geo-c{c.index}", c.colour,
             _fmt(c.low, decimals) if c.low == c.high
             else f"{_fmt(c.low, decimals)} \u2013 {_fmt(c.high, decimals)}")
            for c in classes]  # fmt: skip
    if has_missing:
        rows.append(("geo-nodata", NO_DATA, _("no data")))
    out = [f'<g class="geo-legend" transform="translate(12 {top:.0f})" font-size="16" '
           'fill="#1b1f24">']  # fmt: skip
    if legend_title:
        out.append(f'<text x="0" y="16" font-weight="600">{escape(legend_title)}</text>')
    for i, (css, colour, label) in enumerate(rows):
        y = (i + (1 if legend_title else 0)) * LEGEND_ROW + 4
        out.append(
            f'<rect class="{css}" x="0" y="{y}" width="20" height="16" fill="{colour}" '
            f'stroke="{STROKE}"/><text x="28" y="{y + 14}">{escape(label)}</text>'
        )
    out.append("</g>")
    return out


def _legend_height(n_rows: int, legend_title: str) -> int:
    if not n_rows:
        return 0
    return (n_rows + (1 if legend_title else 0)) * LEGEND_ROW + 16


def svg_map(
    areas: Iterable[AdminArea],
    *,
    values: Mapping[str, float | None] | None = None,
    points: list[MapPoint] | None = None,
    title: str,
    legend_title: str = "",
    link: Callable[[AdminArea], str] | None = None,
    background: Iterable[AdminArea] = (),
) -> SafeString:
    """An accessible SVG map of `areas` (boundaries as paths, others as circles), coloured in
    quantile classes of `values` (P-code -> number or None), with `points` on top.
    `background` areas (e.g. the oblast around its raions) are drawn first as plain outlines.

    The SVG has an aria-label and every shape a `<title>` (name and value). It is
    `role="img"`, or `role="group"` when it holds links, so that they stay reachable with a
    screen reader; pages should also give the figures as a table."""
    area_list = list(areas)
    point_list = list(points or [])
    back = [a for a in background if a.boundary]
    frame = _frame(area_list + back, point_list)
    label = escape(title)
    has_links = link is not None or any(p.url for p in point_list)
    role = "group" if has_links else "img"
    if frame is None:
        empty = escape(_("No places to show."))
        return mark_safe(  # noqa: S308 - every piece is escaped above
            f'<svg xmlns="http://www.w3.org/2000/svg" class="map geo-map" role="img" '
            f'aria-label="{label}" viewBox="0 0 {WIDTH} 60"><title>{label}</title>'
            f'<text x="12" y="36" font-size="14">{empty}</text></svg>'
        )
    present = [v for a in area_list if (v := (values or {}).get(a.pcode)) is not None]
    classes = quantile_classes(present)
    decimals = _decimals(present)
    has_missing = values is not None and len(present) < len(area_list)
    legend_rows = (len(classes) + has_missing) if values is not None else 0
    map_h = round(WIDTH * frame.height / frame.width)
    total_h = map_h + _legend_height(legend_rows, legend_title)
    x0, y0 = frame.box[0], frame.box[1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map geo-map" role="{role}" '
        f'aria-label="{label}" viewBox="0 0 {WIDTH} {total_h}"><title>{label}</title>',
        f'<svg x="0" y="0" width="{WIDTH}" height="{map_h}" '
        f'viewBox="{x0:.0f} {y0:.0f} {frame.width:.0f} {frame.height:.0f}" '
        'preserveAspectRatio="xMidYMid meet">',
        *_background_shapes(back, frame),
        '<g class="geo-areas">',
        *_area_shapes(area_list, values, classes, frame, decimals, link),
        '</g><g class="geo-points">',
        *_point_shapes(point_list, frame),
        "</g></svg>",
    ]
    if legend_rows:
        parts += _legend(classes, decimals, legend_title, has_missing, map_h + 8)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - names, labels and URLs are escaped
