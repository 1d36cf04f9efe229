"""Gap analysis: per area x pyramid layer and per activity, from the rollups only.

* gap: an area with population and neither a reported activity nor a listed service in a
  layer;
* possible duplication: an area where at least CARENET_DUPLICATION_THRESHOLD organisations
  report the same activity code;
* horizontal integration: the sectors of the organisations present;
* vertical integration: how many of layers 2-4 are present;
* coverage: people reached / people in need, where a needs figure was imported.

Every figure of people leaves through `core.suppression` (setting CARENET_MIN_CELL): counts
of people below it become None ("<5"), and rates computed from them with them.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carenet.core.suppression import suppress, suppress_rows
from carenet.reporting import queries
from carenet.reporting.models import parse_activity_orgs

if TYPE_CHECKING:
    from carenet.geo.models import AdminArea

LAYERS = queries.LAYERS
MAP_SECONDS = 3600
LAYER_LABELS = {
    1: _("Layer 1: basic services and security"),
    2: _("Layer 2: community and family supports"),
    3: _("Layer 3: focused, non-specialised supports"),
    4: _("Layer 4: specialised services"),
}
LAYER_SHORT = {
    1: _("1: basic services"),
    2: _("2: community and family"),
    3: _("3: focused support"),
    4: _("4: specialised"),
}
PEOPLE_FIELDS = ("reached", *(f"l{n}_reached" for n in LAYERS))
DERIVED = {
    "per_10k": "reached",
    "coverage": "reached",
    **{f"l{n}_per_10k": f"l{n}_reached" for n in LAYERS},
}


@dataclass(frozen=True)
class Col:
    key: str
    label: Any
    numeric: bool = True


def area_columns() -> list[Col]:
    cols = [
        Col("pcode", _("P-code"), False),
        Col("name", _("Area"), False),
        Col("parent", _("In"), False),
        Col("population", _("Population")),
        Col("orgs", _("Organisations")),
        Col("activities", _("Activities")),
        Col("services", _("Services listed")),
        Col("reached", _("People reached")),
        Col("per_10k", _("Reached per 10,000")),
    ]
    for n in LAYERS:
        cols += [
            Col(f"l{n}_orgs", _("L%(n)s organisations") % {"n": n}),
            Col(f"l{n}_services", _("L%(n)s services") % {"n": n}),
            Col(f"l{n}_reached", _("L%(n)s reached") % {"n": n}),
            Col(f"l{n}_per_10k", _("L%(n)s per 10,000") % {"n": n}),
            Col(f"l{n}_gap", _("L%(n)s gap") % {"n": n}),
        ]
    cols += [
        Col("gaps", _("Layers with a gap")),
        Col("layers_2_4", _("Layers 2-4 present")),
        Col("sector_count", _("Sectors present")),
        Col("sectors", _("Sectors"), False),
        Col("duplicated", _("Possible duplication"), False),
        Col("in_need", _("People in need")),
        Col("coverage", _("Coverage %")),
        Col("higher", _("Also reported at a higher level"), False),
    ]
    return cols


def area_table_columns() -> list[Col]:
    """The columns of the page's table: one cell per layer (organisations, people, gap);
    the exports carry every figure in its own column."""
    cols = [
        c
        for c in area_columns()
        if not c.key.startswith("l") and c.key not in ("sectors", "in_need", "activities", "higher")
    ]
    at = next(i for i, c in enumerate(cols) if c.key == "per_10k") + 1
    layers = [Col(f"l{n}_reached", _("Layer %(n)s") % {"n": n}) for n in LAYERS]
    return cols[:at] + layers + cols[at:]


def activity_columns() -> list[Col]:
    return [
        Col("code", _("Code"), False),
        Col("label", _("Activity"), False),
        Col("layer", _("Layer")),
        Col("orgs", _("Organisations")),
        Col("areas", _("Areas")),
        Col("duplicated_areas", _("Areas with duplication")),
        Col("reached", _("People reached")),
        Col("sessions", _("Sessions")),
        Col("trained", _("Trained")),
    ]


@dataclass
class AreaAnalysis:
    month: datetime.date
    level: int
    country: str
    rows: list[dict[str, Any]]
    areas: list[AdminArea]
    layer_reached: dict[int, int | None] = field(default_factory=dict)
    layer_gaps: dict[int, int] = field(default_factory=dict)
    threshold: int = 3
    # areas above the level with rows reported at their own P-code ("reported at a
    # higher level"): listed apart, not spread over the areas of the level
    higher: list[dict[str, Any]] = field(default_factory=list)

    @property
    def gap_areas(self) -> int:
        return sum(1 for r in self.rows if r["gaps"])

    @property
    def empty_areas(self) -> int:
        return sum(1 for r in self.rows if not r["orgs"] and not r["services"])

    @property
    def duplicated_areas(self) -> int:
        return sum(1 for r in self.rows if r["duplicated"])


def area_analysis(user: Any, month: datetime.date, level: int, country: str) -> AreaAnalysis:
    """The area x layer table for a month at an admin level, within the user's reach."""
    areas = queries.visible_areas(user, level, country)
    ids = [a.pk for a in areas]
    rollups = queries.area_rollups(month, level, ids)
    needs = queries.needs_by_area(ids)
    services = queries.directory_presence(areas)
    threshold = int(settings.CARENET_DUPLICATION_THRESHOLD)
    lang = (get_language() or "en")[:2]
    higher = higher_rows(user, month, level, country, lang)
    raw = [
        _area_row(a, rollups.get(a.pk), needs.get(a.pk), services, threshold, lang) for a in areas
    ]
    if higher:
        _mark_higher(raw, areas, level, {h["pcode"] for h in higher})
    analysis = AreaAnalysis(
        month,
        level,
        country,
        suppress_rows(raw, PEOPLE_FIELDS, DERIVED),
        areas,
        threshold=threshold,
        higher=higher,
    )
    for n in LAYERS:
        analysis.layer_reached[n] = suppress(sum(r[f"l{n}_reached"] for r in raw))
        analysis.layer_gaps[n] = sum(1 for r in raw if r[f"l{n}_gap"])
    return analysis


_EMPTY: dict[str, Any] = {}


def _area_row(
    area: AdminArea,
    rollup: dict[str, Any] | None,
    in_need: int | None,
    services: dict[tuple[int, int], int],
    threshold: int,
    lang: str,
) -> dict[str, Any]:
    pop = area.population or 0
    r = rollup or _EMPTY
    pk = area.id
    parent = area.parent if area.parent_id else None
    row: dict[str, Any] = {
        "pcode": area.pcode,
        "name": _name(area, lang),
        "parent": _name(parent, lang) if parent else "",
        "population": area.population,
        "orgs": r.get("organisations", 0),
        "activities": r.get("activities", 0),
        "reached": r.get("reached_total", 0),
        "services": sum(services.get((pk, n), 0) for n in LAYERS),
    }
    row["per_10k"] = _rate(row["reached"], pop)
    gaps = []
    present_2_4 = 0
    for n in LAYERS:
        listed = services.get((pk, n), 0)
        active = r.get(f"l{n}_activities", 0)
        row[f"l{n}_orgs"] = r.get(f"l{n}_orgs", 0)
        row[f"l{n}_services"] = listed
        row[f"l{n}_reached"] = r.get(f"l{n}_reached", 0)
        row[f"l{n}_per_10k"] = _rate(row[f"l{n}_reached"], pop)
        row[f"l{n}_gap"] = bool(pop) and not active and not listed
        if row[f"l{n}_gap"]:
            gaps.append(n)
        if n >= 2 and (active or listed):
            present_2_4 += 1
    row["gaps"] = len(gaps)
    row["gap_layers"] = gaps
    row["layers_2_4"] = present_2_4
    row["sectors"] = r.get("sectors", "")
    row["sector_count"] = r.get("sector_count", 0)
    crowded = []
    if r.get("max_orgs_per_activity", 0) >= threshold:  # parse only where it matters
        counts = parse_activity_orgs(r["activity_orgs"])
        crowded = sorted((c for c, k in counts.items() if k >= threshold), key=_code_order)
    row["duplicated"] = ", ".join(crowded)
    row["in_need"] = in_need
    row["coverage"] = round(100 * row["reached"] / in_need, 1) if in_need else None
    row["higher"] = ""
    return row


def higher_columns() -> list[Col]:
    return [
        Col("pcode", _("P-code"), False),
        Col("name", _("Area"), False),
        Col("parent", _("In"), False),
        Col("orgs", _("Organisations")),
        Col("activities", _("Activities"), False),
        Col("reached", _("People reached")),
    ]


def higher_rows(
    user: Any, month: datetime.date, level: int, country: str, lang: str
) -> list[dict[str, Any]]:
    """The areas above `level` that have rows reported at their own P-code, with those rows'
    organisations, activity codes and people reached (suppressed)."""
    rows = []
    for area, rollup in queries.direct_rollups(user, month, level, country):
        codes = sorted(parse_activity_orgs(rollup.direct_activity_orgs), key=_code_order)
        parent = area.parent if area.parent_id else None
        rows.append(
            {
                "pcode": area.pcode,
                "level": area.level,
                "name": _name(area, lang),
                "parent": _name(parent, lang) if parent else "",
                "orgs": rollup.direct_orgs,
                "activities": ", ".join(codes),
                "reached": rollup.direct_reached,
            }
        )
    return suppress_rows(rows, ("reached",))


def _mark_higher(
    rows: list[dict[str, Any]], areas: list[AdminArea], level: int, pcodes: set[str]
) -> None:
    """Each area's column "reported at a higher level": its ancestors that have such rows."""
    for row, area in zip(rows, areas, strict=True):
        above = [p for p in area.path.split("/")[: level - 1] if p in pcodes]
        row["higher"] = ", ".join(above)


def _name(area: AdminArea, lang: str) -> str:
    """`AdminArea.name` for a language looked up once per page, not once per area."""
    local = area.name_uk if area.country == "UA" else area.name_pl
    return getattr(area, f"name_{lang}", "") or local or area.name_en


def _rate(reached: int, population: int) -> float | None:
    return round(reached * 10_000 / population, 1) if population else None


def _code_order(code: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in code.split("."))
    except ValueError:
        return (9999,)


def activity_analysis(
    user: Any, month: datetime.date, level: int, country: str
) -> list[dict[str, Any]]:
    """Per activity code, within the user's reach; people figures suppressed."""
    threshold = int(settings.CARENET_DUPLICATION_THRESHOLD)
    rows = queries.activity_summary(user, month, level, country, threshold)
    rows.sort(key=lambda r: _code_order(r["code"]))
    return suppress_rows(rows, ("reached",))


# --- sorting ----------------------------------------------------------------------------------


def sort_rows(
    rows: list[dict[str, Any]], sort: str, allowed: Sequence[Col], default: str
) -> tuple[list[dict[str, Any]], str]:
    """Rows ordered by `sort` ("key" or "-key"); blanks last either way."""
    keys = {c.key for c in allowed}
    key = sort.lstrip("-")
    if key not in keys:
        sort, key = default, default.lstrip("-")
    reverse = sort.startswith("-")
    present = [r for r in rows if r.get(key) not in (None, "")]
    blank = [r for r in rows if r.get(key) in (None, "")]
    # ties: the most populous first (both orders), so the largest gaps lead
    present.sort(key=lambda r: -(r.get("population") or 0))
    present.sort(key=_sort_key(key), reverse=reverse)
    return present + blank, sort


def _sort_key(key: str) -> Callable[[dict[str, Any]], Any]:
    if key == "code":
        return lambda row: _code_order(row["code"])

    def get(row: dict[str, Any]) -> Any:
        value = row.get(key)
        return value.casefold() if isinstance(value, str) else value

    return get


def map_values(rows: list[dict[str, Any]], metric: str) -> dict[str, float | None]:
    """P-code -> the value the map colours by (None: no data or suppressed)."""
    return {r["pcode"]: (None if r.get(metric) is None else float(r[metric])) for r in rows}


MAP_METRICS = {
    "per_10k": _("People reached per 10,000 population"),
    "orgs": _("Organisations present"),
    "gaps": _("Layers with a gap"),
    "layers_2_4": _("Layers 2-4 present (vertical integration)"),
    "sector_count": _("Sectors present (horizontal integration)"),
    "coverage": _("Coverage of people in need, %"),
}


# --- pictures ---------------------------------------------------------------------------------


def gap_map(analysis: AreaAnalysis, metric: str) -> Any:
    """The choropleth (levels with boundaries) or centroid symbols (hromadas, gminas).

    Cached by everything it shows (areas, values, title, language): drawing thousands of
    shapes costs more than the rest of the page, and the figures change only monthly."""
    from carenet.geo.maps import svg_map

    title = str(MAP_METRICS.get(metric, MAP_METRICS["per_10k"]))
    values = map_values(analysis.rows, metric)
    shown = (title, get_language(), [a.pk for a in analysis.areas], sorted(values.items()))
    digest = hashlib.sha1(repr(shown).encode(), usedforsecurity=False).hexdigest()
    svg = cache.get(f"reporting:map:{digest}")
    if svg is None:
        svg = str(svg_map(analysis.areas, values=values, title=title, legend_title=title))
        cache.set(f"reporting:map:{digest}", svg, MAP_SECONDS)
    return mark_safe(svg)  # noqa: S308 - drawn by geo.maps.svg_map, which escapes


def gap_charts(analysis: AreaAnalysis) -> list[Any]:
    from carenet.reporting.charts import bar_chart

    reached = [(str(LAYER_SHORT[n]), analysis.layer_reached[n]) for n in LAYERS]
    gap_counts = [(str(LAYER_SHORT[n]), float(analysis.layer_gaps[n])) for n in LAYERS]
    return [
        bar_chart(reached, title=str(_("People reached, by pyramid layer"))),
        bar_chart(gap_counts, title=str(_("Areas with a gap, by pyramid layer"))),
    ]


def activity_chart(rows: list[dict[str, Any]]) -> Any:
    from carenet.reporting.charts import bar_chart

    top = sorted(rows, key=lambda r: -(r["orgs"] or 0))[:12]
    return bar_chart(
        [(f"{r['code']} {r['label']}", float(r["orgs"])) for r in top],
        title=str(_("Organisations per activity")),
    )


# --- who has reported ---------------------------------------------------------------------------


def month_columns() -> list[Col]:
    return [
        Col("acronym", _("Acronym"), False),
        Col("organisation", _("Organisation"), False),
        Col("status", _("Status"), False),
        Col("rows", _("Rows")),
    ]


def month_table(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """The month overview as table rows (for its exports)."""
    from carenet.reporting.models import PeriodStatus

    def label(status: str) -> str:
        try:
            return str(PeriodStatus(status).label)
        except ValueError:
            return str(_("Not started"))

    return [
        {
            "acronym": r.organisation.acronym,
            "organisation": r.organisation.name,
            "status": label(r.status),
            "rows": r.rows,
        }
        for r in rows
    ]
