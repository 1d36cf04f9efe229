"""Gap analysis: per area x pyramid layer and per activity, from the rollups only.

* gap: an area where people live (a population figure) or are in need (an imported needs
  figure) and neither a reported activity nor a listed service in a layer. An area with
  neither figure is "not assessed" and counted apart, never silently left out;
* need unmet: people in need and no activity reported at all: the loudest gap, listed first;
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
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carenet.core import permissions
from carenet.core.suppression import suppress, suppress_rows
from carenet.reporting import donors, months, queries
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


# per layer: its number and the keys of its figures in a row
_LAYER_KEYS = tuple(
    (n, f"l{n}_orgs", f"l{n}_services", f"l{n}_reached", f"l{n}_per_10k", f"l{n}_gap")
    for n in LAYERS
)
_NO_ROLLUP = queries.EMPTY_ROLLUP  # a tuple in `queries.ROLLUP_FIELDS` order
_NO_SERVICES = (0,) * len(LAYERS)
# places in a rollup tuple
_AT = queries.ROLLUP_INDEX
_ORGS, _ACTIVITIES, _REACHED = _AT["organisations"], _AT["activities"], _AT["reached_total"]
_SECTORS, _SECTOR_COUNT = _AT["sectors"], _AT["sector_count"]
_ACTIVITY_ORGS, _MAX_ORGS = _AT["activity_orgs"], _AT["max_orgs_per_activity"]
_LAYER_ORGS = tuple(_AT[f"l{n}_orgs"] for n in LAYERS)
_LAYER_ACTIVITIES = tuple(_AT[f"l{n}_activities"] for n in LAYERS)
_LAYER_REACHED = tuple(_AT[f"l{n}_reached"] for n in LAYERS)
# the layers with a gap for each combination of them: shared, not made per area
_GAP_LAYERS = tuple(
    tuple(n for i, n in enumerate(LAYERS) if mask & (1 << i)) for mask in range(1 << len(LAYERS))
)


@dataclass(slots=True)
class AreaFacts:
    """What is known of one area in the month: its rollup, the services listed per layer,
    the people in need, and the layers with a gap (computed once: every view needs them)."""

    area: AdminArea
    rollup: tuple[Any, ...]
    services: tuple[int, ...]
    in_need: int | None
    gap_layers: tuple[int, ...]

    @property
    def assessed(self) -> bool:
        """A population or a needs figure: whether a gap can be said to exist."""
        return bool(self.area.population or self.in_need)

    @property
    def need_unmet(self) -> bool:
        """People in need and no activity reported in the month."""
        return bool(self.in_need) and not self.rollup[_ACTIVITIES]


@dataclass
class AreaAnalysis:
    """The area x layer analysis of a month at one level.

    A national level has thousands of areas, and a page shows fifty: a full row (some
    forty figures, each people count suppressed) is made only for the rows shown
    (`row(i)`) and for exports (`rows`); sorting and the map read one column
    (`column(key)`)."""

    month: datetime.date
    level: int
    country: str
    facts: list[AreaFacts]
    lang: str = "en"
    layer_reached: dict[int, int | None] = field(default_factory=dict)
    layer_gaps: dict[int, int] = field(default_factory=dict)
    threshold: int = 3
    # areas above the level with rows reported at their own P-code ("reported at a
    # higher level"): listed apart, not spread over the areas of the level
    higher: list[dict[str, Any]] = field(default_factory=list)

    @property
    def areas(self) -> list[AdminArea]:
        return [f.area for f in self.facts]

    @property
    def gap_areas(self) -> int:
        return sum(1 for f in self.facts if f.gap_layers)

    @property
    def empty_areas(self) -> int:
        """Assessed areas with a gap in every layer: no activity and no listed service.
        A part of `gap_areas`, so the two headline counts cannot contradict each other."""
        return sum(1 for f in self.facts if len(f.gap_layers) == len(LAYERS))

    @property
    def unassessed_areas(self) -> int:
        """Areas with neither a population nor a needs figure."""
        return sum(1 for f in self.facts if not f.assessed)

    @property
    def need_unmet(self) -> list[int]:
        """The indexes of the areas with people in need and nothing delivered, the most
        people in need first."""
        found = [i for i, f in enumerate(self.facts) if f.need_unmet]
        return sorted(found, key=lambda i: -(self.facts[i].in_need or 0))

    @property
    def duplicated_areas(self) -> int:
        return sum(1 for f in self.facts if self.duplicated(f))

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """Every area's full row, in P-code order."""
        return [self.row(i) for i in range(len(self.facts))]

    def duplicated(self, f: AreaFacts) -> bool:
        return bool(f.rollup[_MAX_ORGS] >= self.threshold)

    def column(self, key: str) -> list[Any]:
        """One figure of every area, as in its row (suppressed, rates blanked with it)."""
        read = _COLUMNS.get(key)
        if read is None:
            return [r.get(key) for r in self.rows]
        return [read(f) for f in self.facts]

    def row(self, i: int) -> dict[str, Any]:
        """The full row of the i-th area."""
        f = self.facts[i]
        area, r, listed = f.area, f.rollup, f.services
        pop = area.population or 0
        reached = suppress(r[_REACHED])
        parent = area.parent if area.parent_id else None
        row: dict[str, Any] = {
            "pcode": area.pcode,
            "name": _name(area, self.lang),
            "parent": _name(parent, self.lang) if parent else "",
            "population": area.population,
            "orgs": r[_ORGS],
            "activities": r[_ACTIVITIES],
            "reached": reached,
            "services": sum(listed),
            "per_10k": _rate(reached, pop),
        }
        for i_layer, (n, k_orgs, k_services, k_reached, k_rate, k_gap) in enumerate(_LAYER_KEYS):
            shown = suppress(r[_LAYER_REACHED[i_layer]])
            row[k_orgs] = r[_LAYER_ORGS[i_layer]]
            row[k_services] = listed[i_layer]
            row[k_reached] = shown
            row[k_rate] = _rate(shown, pop)
            row[k_gap] = n in f.gap_layers
        row.update(
            gaps=len(f.gap_layers),
            gap_layers=list(f.gap_layers),
            layers_2_4=_layers_2_4(f),
            sectors=r[_SECTORS],
            sector_count=r[_SECTOR_COUNT],
            duplicated=self._duplicated_codes(r),
            in_need=f.in_need,
            need_unmet=f.need_unmet,
            assessed=f.assessed,
            coverage=_coverage(reached, f.in_need),
            higher=self._higher_of(area),
        )
        return row

    def _duplicated_codes(self, r: tuple[Any, ...]) -> str:
        if r[_MAX_ORGS] < self.threshold:  # most areas: no need to read the codes
            return ""
        counts = parse_activity_orgs(r[_ACTIVITY_ORGS])
        return ", ".join(
            sorted((c for c, k in counts.items() if k >= self.threshold), key=_code_order)
        )

    @cached_property
    def _higher_pcodes(self) -> frozenset[str]:
        return frozenset(h["pcode"] for h in self.higher)

    def _higher_of(self, area: AdminArea) -> str:
        """The area's ancestors that have rows reported at their own P-code."""
        if not self.higher:
            return ""
        above = area.path.split("/")[: self.level - 1]
        return ", ".join(p for p in above if p in self._higher_pcodes)


def area_analysis(
    user: Any, month: datetime.date, level: int, country: str, donor: Any = None
) -> AreaAnalysis:
    """The area x layer analysis for a month at an admin level, within the user's reach;
    with a donor, of that donor's rows only (`donors.area_rollups`)."""
    areas = queries.visible_areas(user, level, country)
    ids = [a.pk for a in areas]
    if donor is None:
        rollups = queries.area_rollups(month, level, ids)
    else:
        rollups = donors.area_rollups(month, level, ids, donor)
    needs = queries.needs_by_area(ids, month)
    services = _services_by_area(queries.directory_presence(areas))
    lang = (get_language() or "en")[:2]
    facts = []
    reached = [0] * len(LAYERS)  # before suppression
    gap_counts = [0] * len(LAYERS)
    for area in areas:
        r = rollups.get(area.id, _NO_ROLLUP)
        listed = services.get(area.id, _NO_SERVICES)
        in_need = needs.get(area.id)
        # people live there or are in need (Kyiv city has no population figure, but it may
        # have a needs figure: it must not fall out of the analysis)
        assessed = bool(area.population or in_need)
        gaps = 0
        for i in range(len(LAYERS)):
            reached[i] += r[_LAYER_REACHED[i]]
            if assessed and not r[_LAYER_ACTIVITIES[i]] and not listed[i]:
                gaps |= 1 << i  # and nothing is done or listed
                gap_counts[i] += 1
        facts.append(AreaFacts(area, r, listed, in_need, _GAP_LAYERS[gaps]))
    return AreaAnalysis(
        month,
        level,
        country,
        facts,
        lang=lang,
        layer_reached={n: suppress(reached[i]) for i, n in enumerate(LAYERS)},
        layer_gaps={n: gap_counts[i] for i, n in enumerate(LAYERS)},
        threshold=int(settings.CARENET_DUPLICATION_THRESHOLD),
        higher=higher_rows(user, month, level, country, lang),
    )


def _services_by_area(presence: dict[tuple[int, int], int]) -> dict[int, tuple[int, ...]]:
    """(area id, layer) -> services becomes area id -> services in layers 1-4."""
    out: dict[int, list[int]] = {}
    for (area_id, layer), n in presence.items():
        if layer in LAYERS:
            out.setdefault(area_id, [0] * len(LAYERS))[layer - 1] += n
    return {k: tuple(v) for k, v in out.items()}


def _layers_2_4(f: AreaFacts) -> int:
    """Vertical integration: layers 2-4 with an activity or a listed service."""
    return sum(1 for i in (1, 2, 3) if f.rollup[_LAYER_ACTIVITIES[i]] or f.services[i])


def _coverage(reached: int | None, in_need: int | None) -> float | None:
    return round(100 * reached / in_need, 1) if in_need and reached is not None else None


def _per_10k(f: AreaFacts) -> float | None:
    return _rate(suppress(f.rollup[_REACHED]), f.area.population or 0)


def _layer_reached(n: int) -> Callable[[AreaFacts], int | None]:
    index = _LAYER_REACHED[n - 1]
    return lambda f: suppress(f.rollup[index])


# columns that sorting and the map read without making whole rows
_COLUMNS: dict[str, Callable[[AreaFacts], Any]] = {
    "pcode": lambda f: f.area.pcode,
    "population": lambda f: f.area.population,
    "orgs": lambda f: f.rollup[_ORGS],
    "activities": lambda f: f.rollup[_ACTIVITIES],
    "reached": lambda f: suppress(f.rollup[_REACHED]),
    "services": lambda f: sum(f.services),
    "per_10k": _per_10k,
    "gaps": lambda f: len(f.gap_layers),
    "layers_2_4": _layers_2_4,
    "sector_count": lambda f: f.rollup[_SECTOR_COUNT],
    "coverage": lambda f: _coverage(suppress(f.rollup[_REACHED]), f.in_need),
    "in_need": lambda f: f.in_need,
    **{f"l{n}_reached": _layer_reached(n) for n in LAYERS},
}


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


def _name(area: AdminArea, lang: str) -> str:
    """`AdminArea.name` for a language looked up once per page, not once per area."""
    local = area.name_uk if area.country == "UA" else area.name_pl
    return getattr(area, f"name_{lang}", "") or local or area.name_en


def _rate(reached: int | None, population: int) -> float | None:
    """People per 10,000 population; None when the count is suppressed or nobody lives there."""
    if reached is None or not population:
        return None
    return round(reached * 10_000 / population, 1)


def _code_order(code: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in code.split("."))
    except ValueError:
        return (9999,)


def activity_analysis(
    user: Any, month: datetime.date, level: int, country: str, donor: Any = None
) -> list[dict[str, Any]]:
    """Per activity code, within the user's reach (of one donor's rows when given); people
    figures suppressed."""
    threshold = int(settings.CARENET_DUPLICATION_THRESHOLD)
    if donor is None:
        rows = queries.activity_summary(user, month, level, country, threshold)
    else:
        rows = donors.activity_summary(user, month, level, country, threshold, donor)
    rows.sort(key=lambda r: _code_order(r["code"]))
    return suppress_rows(rows, ("reached",))


# --- sorting ----------------------------------------------------------------------------------


def sort_rows(
    rows: list[dict[str, Any]], sort: str, allowed: Sequence[Col], default: str
) -> tuple[list[dict[str, Any]], str]:
    """Rows ordered by `sort` ("key" or "-key"); blanks last either way."""
    sort, key = _checked_sort(sort, allowed, default)
    weights = [_weight(r.get("in_need"), r.get("population")) for r in rows]
    order = _ordered([r.get(key) for r in rows], weights, key, sort[0] == "-")
    return [rows[i] for i in order], sort


def area_order(
    analysis: AreaAnalysis, sort: str, allowed: Sequence[Col], default: str
) -> tuple[list[int], str]:
    """The indexes of the analysis's areas in the order of `sort`, as `sort_rows` orders
    its rows, reading one column rather than making every row."""
    sort, key = _checked_sort(sort, allowed, default)
    values = analysis.column(key)
    weights = [_weight(f.in_need, f.area.population) for f in analysis.facts]
    return _ordered(values, weights, key, sort[0] == "-"), sort


def _weight(in_need: int | None, population: int | None) -> tuple[int, int]:
    """How loud a tie is: people in need first (Kyiv city has no population figure but
    may have half a million in need), then population."""
    return (in_need or 0, population or 0)


def _checked_sort(sort: str, allowed: Sequence[Col], default: str) -> tuple[str, str]:
    key = sort.lstrip("-")
    if key not in {c.key for c in allowed}:
        sort, key = default, default.lstrip("-")
    return sort, key


def _ordered(
    values: list[Any], weights: list[tuple[int, int]], key: str, reverse: bool
) -> list[int]:
    present = [i for i, v in enumerate(values) if v is not None and v != ""]
    blank = [i for i, v in enumerate(values) if v is None or v == ""]
    # ties: the most people in need, then the most populous first (both orders), so the
    # largest gaps lead
    present.sort(key=lambda i: (-weights[i][0], -weights[i][1]))
    normal = _sort_value(key)
    present.sort(key=lambda i: normal(values[i]), reverse=reverse)
    return present + blank


def _sort_value(key: str) -> Callable[[Any], Any]:
    if key == "code":
        return _code_order
    return lambda value: value.casefold() if isinstance(value, str) else value


def map_values(analysis: AreaAnalysis, metric: str) -> dict[str, float | None]:
    """P-code -> the value the map colours by (None: no data or suppressed)."""
    values = analysis.column(metric)
    return {
        f.area.pcode: None if v is None else float(v)
        for f, v in zip(analysis.facts, values, strict=True)
    }


MAP_METRICS = {
    "per_10k": _("People reached per 10,000 population"),
    "orgs": _("Organisations present"),
    "gaps": _("Layers with a gap"),
    "layers_2_4": _("Layers 2-4 present (vertical integration)"),
    "sector_count": _("Sectors present (horizontal integration)"),
    "coverage": _("Coverage of people in need, %"),
}


# --- the page, kept in Django's cache -------------------------------------------------------
#
# Drawing a national level's page (thousands of areas, their map) takes about a second, and
# longer in a process that has not read the areas yet; the figures change only when a 4W row,
# a needs figure or a directory listing does. The page below its filters is kept as drawn, in
# the cache the processes share, under a key made of everything it shows: the user's scope,
# the filters, the sort and page, the language, and the data version (docs/performance.md).

PAGE_SECONDS = 3600  # a bound only: a write that feeds the page changes its key at once
# The directory's change stamp counts the public services (0.1-0.4 s at national scale), and
# listings are written by many apps (directory, imports, organisations): the stamp is read at
# most once a minute, so a new listing reaches the gap pages within a minute.
DIRECTORY_SECONDS = 60
AREAS_PER_PAGE = 50
_VERSION = "reporting:gaps:version"
_KEPT = ("month", "level", "country", "donor", "metric")  # filters the page's links keep


@dataclass(frozen=True)
class PageAsk:
    """One view of the areas page, every value checked: a sort, page or metric that is not
    offered reads as the default, so odd addresses cannot fill the cache."""

    month: datetime.date
    level: int
    country: str
    donor: Any
    metric: str
    sort: str
    page: int
    query: str  # the filters asked for, as the page's links repeat them


def page_ask(
    get: Mapping[str, str],
    *,
    month: datetime.date,
    level: int,
    country: str,
    donor: Any = None,
) -> PageAsk:
    """The areas page asked for by a query string whose filters are already checked."""
    metric = get.get("metric", "")
    metric = metric if metric in MAP_METRICS else "per_10k"
    sort, _key = _checked_sort(get.get("sort", ""), area_columns(), "-gaps")
    raw = get.get("page", "")
    page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 5 else 1
    values = {
        "month": months.key(month),
        "level": str(level),
        "country": country,
        "donor": donor.code if donor is not None else "",
        "metric": metric,
    }
    query = urlencode([(k, values[k]) for k in _KEPT if k in get and values[k]])
    return PageAsk(month, level, country, donor, metric, sort, max(page, 1), query)


def version() -> int:
    """Changes with every needs figure saved (`data_changed`)."""
    return cast(int, cache.get_or_set(_VERSION, time.time_ns, None))


def data_changed() -> None:
    """Figures that feed the gap pages changed outside the month's rollups (needs figures):
    no page drawn before is shown again. Called by the writer once its transaction commits."""
    cache.set(_VERSION, time.time_ns(), None)


def data_version(month: datetime.date) -> str:
    """What a month's gap pages are drawn from, as a text that changes with any of it: the
    month's rollups (every 4W row written bumps the month's `rollup_version` in the same
    transaction), the needs figures (`version`) and the public directory listings (their
    change stamp, `DIRECTORY_SECONDS`). Read before the figures, so a page is never kept
    under a version newer than what it shows."""
    from carenet.directory import queries as directory

    row = queries.month_row(month)
    rollups = f"{row.pk}.{row.rollup_version}" if row is not None else "-"
    listings = cache.get_or_set(
        "reporting:gaps:directory-stamp", directory.public_services_stamp, DIRECTORY_SECONDS
    )
    return f"{rollups}:{version()}:{listings}"


def page_key(user: Any, ask: PageAsk) -> str:
    """The cache key of the areas page `ask` as `user` sees it: one organisation's or one
    coordinator's view never serves another scope."""
    scope = permissions.scope_of(user)
    shown = (
        scope.superuser,
        scope.coordinator_paths,
        scope.coordinator_countries,
        tuple(sorted(scope.roles.items())),
        months.key(ask.month),
        ask.level,
        ask.country,
        ask.donor.code if ask.donor is not None else "",
        ask.metric,
        ask.sort,
        ask.page,
        ask.query,
        get_language(),
        data_version(ask.month),
    )
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    return f"reporting:gaps:page:{digest}"


def area_page(user: Any, ask: PageAsk) -> dict[str, Any]:
    """What the areas page shows below its filters (`reporting/_gap_areas.html`)."""
    analysis = area_analysis(user, ask.month, ask.level, ask.country, ask.donor)
    order, sort = area_order(analysis, ask.sort, area_columns(), "-gaps")
    page = Paginator(order, AREAS_PER_PAGE).get_page(ask.page)
    crowded = [i for i in order if analysis.duplicated(analysis.facts[i])][:50]
    return {
        "analysis": analysis,
        "month": ask.month,
        "sort": sort,
        "page": page,
        "page_rows": [analysis.row(i) for i in page.object_list],
        "columns": area_table_columns(),
        "higher_columns": higher_columns(),
        "layer_labels": LAYER_LABELS,
        "map": gap_map(analysis, ask.metric),
        "charts": gap_charts(analysis),
        "duplicated": [analysis.row(i) for i in crowded],
        "need_unmet": [analysis.row(i) for i in analysis.need_unmet[:50]],
        "query": ask.query,
    }


# --- pictures ---------------------------------------------------------------------------------


def gap_map(analysis: AreaAnalysis, metric: str) -> Any:
    """The choropleth (levels with boundaries) or centroid symbols (hromadas, gminas).

    Cached by everything it shows (areas, values, title, language): drawing thousands of
    shapes costs more than the rest of the page, and the figures change only monthly."""
    from carenet.geo.maps import svg_map
    from carenet.reporting.symbols import symbol_map

    title = str(MAP_METRICS.get(metric, MAP_METRICS["per_10k"]))
    values = map_values(analysis, metric)  # in the areas' order: P-code -> value
    shown = (title, get_language(), [f.area.pk for f in analysis.facts], list(values.items()))
    digest = hashlib.sha1(repr(shown).encode(), usedforsecurity=False).hexdigest()
    svg = cache.get(f"reporting:map:{digest}")
    if svg is None:
        areas = analysis.areas
        dots = None
        if not any(a.boundary for a in areas):  # hromadas, gminas: thousands of circles
            dots = symbol_map(areas, values=values, title=title)
        svg = str(dots or svg_map(areas, values=values, title=title, legend_title=title))
        cache.set(f"reporting:map:{digest}", svg, MAP_SECONDS)
    return mark_safe(svg)  # noqa: S308 - drawn by symbol_map or geo.maps.svg_map, which escape


def gap_charts(analysis: AreaAnalysis) -> list[Any]:
    from carenet.core.charts import bar_chart

    reached = [(str(LAYER_SHORT[n]), analysis.layer_reached[n]) for n in LAYERS]
    gap_counts = [(str(LAYER_SHORT[n]), float(analysis.layer_gaps[n])) for n in LAYERS]
    return [
        bar_chart(reached, title=str(_("People reached, by pyramid layer"))),
        bar_chart(gap_counts, title=str(_("Areas with a gap, by pyramid layer"))),
    ]


def activity_chart(rows: list[dict[str, Any]]) -> Any:
    from carenet.core.charts import bar_chart

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
