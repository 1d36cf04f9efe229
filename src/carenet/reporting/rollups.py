"""The rollup tables dashboards read, kept up to date incrementally.

An import or an edit changes the rows of one organisation's month. `refresh(pairs)` then
rebuilds, for each (organisation, month):

1. its `ActivityRollup` rows (month x area at levels 1-3 x activity x organisation), with
   one INSERT … SELECT per level from the raw rows of that organisation's month only;
2. the `AreaRollup` of every area whose activity rollups changed, from `ActivityRollup`
   (and, for oblasts, raions, voivodeships and powiats, the few rows reported at their own
   P-code, so that the pages below can show them as "reported at a higher level").

Refreshes of one month are serialised by locking its `ReportingMonth` row, so two imports
landing at once cannot leave a stale area rollup. Call inside the writer's transaction.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from carenet.accounts.models import Organisation
from carenet.reporting.models import (
    REACHED_PARTS,
    ActivityReport,
    ActivityRollup,
    AreaRollup,
    ReportingMonth,
)
from carenet.taxonomy.models import Term

LEVELS = (1, 2, 3)
LAYERS_1_4 = (1, 2, 3, 4)
_SUMS = ("reached_total", *REACHED_PARTS, "sessions", "trained")
_CHUNK = 500


def refresh(pairs: Iterable[tuple[int, datetime.date]]) -> int:
    """Rebuild the rollups of these (organisation id, month) pairs; returns areas touched."""
    by_month: dict[datetime.date, set[int]] = defaultdict(set)
    for org_id, month in pairs:
        by_month[month].add(org_id)
    touched = 0
    with transaction.atomic():
        for month, org_ids in sorted(by_month.items()):
            _lock_month(month)
            areas: set[int] = set()
            for org_id in sorted(org_ids):
                areas |= _rebuild_activity_rollups(org_id, month)
            _rebuild_area_rollups(month, areas)
            touched += len(areas)
    return touched


def rebuild_month(month: datetime.date) -> None:
    """Rebuild every rollup of a month from scratch (demo data, repairs, benchmarks)."""
    with transaction.atomic():
        _lock_month(month)
        ActivityRollup.objects.filter(month=month).delete()
        for level in LEVELS:
            _insert_activity_rollups(level, "r.month = %s", [month])
        areas = set(ActivityRollup.objects.filter(month=month).values_list("area_id", flat=True))
        AreaRollup.objects.filter(month=month).delete()
        _rebuild_area_rollups(month, areas)


def _lock_month(month: datetime.date) -> None:
    ReportingMonth.objects.get_or_create(month=month)
    row = ReportingMonth.objects.select_for_update().get(month=month)
    ReportingMonth.objects.filter(pk=row.pk).update(rollup_version=row.rollup_version + 1)


def _rebuild_activity_rollups(org_id: int, month: datetime.date) -> set[int]:
    old = ActivityRollup.objects.filter(organisation_id=org_id, month=month)
    areas = set(old.values_list("area_id", flat=True))
    old.delete()
    for level in LEVELS:
        _insert_activity_rollups(level, "r.organisation_id = %s AND r.month = %s", [org_id, month])
    areas |= set(
        ActivityRollup.objects.filter(organisation_id=org_id, month=month).values_list(
            "area_id", flat=True
        )
    )
    return areas


def _insert_activity_rollups(level: int, where: str, params: list[Any]) -> None:
    target = ActivityRollup._meta.db_table
    source = ActivityReport._meta.db_table
    sums = ", ".join(f"SUM(COALESCE(r.{f}, 0))" for f in _SUMS)
    # table and column names come from the models; values are parameters
    sql = (
        f"INSERT INTO {target} (month, area_id, level, activity_id, layer, organisation_id, "  # noqa: S608
        f"row_count, {', '.join(_SUMS)}) "
        f"SELECT r.month, r.adm{level}_id, {level}, r.activity_id, MAX(r.layer), "
        f"r.organisation_id, COUNT(*), {sums} FROM {source} r "
        f"WHERE {where} AND r.adm{level}_id IS NOT NULL "
        f"GROUP BY r.month, r.adm{level}_id, r.activity_id, r.organisation_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rebuild_area_rollups(month: datetime.date, area_ids: set[int]) -> None:
    ids = sorted(area_ids)
    codes = dict(Term.objects.filter(scheme__code="iasc-4w").values_list("id", "code"))
    sectors = _sectors_by_org()
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        facts = list(
            ActivityRollup.objects.filter(month=month, area_id__in=chunk).values_list(
                "area_id", "level", "activity_id", "layer", "organisation_id", "reached_total"
            )
        )
        built = _summaries(month, facts, codes, sectors)
        _add_direct(month, built, codes)
        AreaRollup.objects.filter(month=month, area_id__in=chunk).delete()
        AreaRollup.objects.bulk_create(built, batch_size=1000)


def _summaries(
    month: datetime.date,
    facts: Iterable[tuple[int, int, int, int | None, int, int]],
    codes: dict[int, str],
    sectors: dict[int, list[str]],
) -> list[AreaRollup]:
    acc: dict[int, dict[str, Any]] = {}
    for area_id, level, activity_id, layer, org_id, reached in facts:
        a = acc.setdefault(
            area_id,
            {"level": level, "orgs": set(), "acts": defaultdict(set), "reached": 0, "layers": {}},
        )
        a["orgs"].add(org_id)
        a["acts"][codes.get(activity_id, str(activity_id))].add(org_id)
        a["reached"] += reached
        if layer in LAYERS_1_4:
            lay = a["layers"].setdefault(layer, {"orgs": set(), "acts": set(), "reached": 0})
            lay["orgs"].add(org_id)
            lay["acts"].add(activity_id)
            lay["reached"] += reached
    return [_area_rollup(month, area_id, a, sectors) for area_id, a in acc.items()]


def _add_direct(month: datetime.date, built: list[AreaRollup], codes: dict[int, str]) -> None:
    """The rows reported at the very P-code of an oblast, raion, voivodeship or powiat.

    Read from the raw rows of those few areas (the (month, area) index finds them): such
    rows are rare, and the activity rollups of a level also hold the rows below it."""
    higher = {r.area_id: r for r in built if r.level < max(LEVELS)}
    if not higher:
        return
    rows = (
        ActivityReport.objects.filter(month=month, area_id__in=sorted(higher))
        .order_by()
        .values_list("area_id", "activity_id", "organisation_id", "reached_total")
    )
    orgs: dict[int, set[int]] = defaultdict(set)
    acts: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for area_id, activity_id, org_id, reached in rows:
        rollup = higher[area_id]
        orgs[area_id].add(org_id)
        acts[area_id][codes.get(activity_id, str(activity_id))].add(org_id)
        rollup.direct_reached += reached or 0
    for area_id, found in orgs.items():
        rollup = higher[area_id]
        rollup.direct_orgs = len(found)
        rollup.direct_activity_orgs = ";".join(
            f"{c}={len(o)}" for c, o in sorted(acts[area_id].items())
        )


def _area_rollup(
    month: datetime.date, area_id: int, a: dict[str, Any], sectors: dict[int, list[str]]
) -> AreaRollup:
    activity_orgs = {code: len(orgs) for code, orgs in a["acts"].items()}
    present = sorted({s for o in a["orgs"] for s in sectors.get(o, [])})
    per_layer: dict[str, int] = {}
    for n in LAYERS_1_4:
        lay = a["layers"].get(n, {"orgs": (), "acts": (), "reached": 0})
        per_layer[f"l{n}_orgs"] = len(lay["orgs"])
        per_layer[f"l{n}_activities"] = len(lay["acts"])
        per_layer[f"l{n}_reached"] = lay["reached"]
    return AreaRollup(
        month=month,
        area_id=area_id,
        level=a["level"],
        organisations=len(a["orgs"]),
        activities=len(activity_orgs),
        reached_total=a["reached"],
        **per_layer,
        sectors=", ".join(present),
        sector_count=len(present),
        activity_orgs=";".join(f"{c}={n}" for c, n in sorted(activity_orgs.items())),
        max_orgs_per_activity=max(activity_orgs.values(), default=0),
    )


def _sectors_by_org() -> dict[int, list[str]]:
    through = Organisation.sectors.through
    out: dict[int, list[str]] = defaultdict(list)
    for org_id, code in through.objects.values_list("organisation_id", "term__code"):
        out[org_id].append(code)
    return out
