"""Demo 4W reports: a few months of realistic reports for the demo network.

Small scale goes through the import's own checks (`services.check_cells`) and the review
workflow, so the demo shows submitted, validated, returned and missing reports and one locked
month. National scale, and the benchmarks' 2,000,000 rows, use `bulk_rows`: periods and rows
written in bulk (COPY on PostgreSQL), then every month's rollups rebuilt.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from carenet.core.demo import DemoContext
from carenet.reporting import bulk, months, rollups, services
from carenet.reporting.models import (
    ActivityStatus,
    PeriodStatus,
    ReportingPeriod,
)
from carenet.reporting.validation import load_lookups

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation
    from carenet.geo.models import AdminArea

SMALL_MONTHS = 4
NATIONAL_MONTHS = 12
NATIONAL_ROWS_PER_ORG_MONTH = 8
DONORS = ["ECHO", "BHA", "UNICEF", "WHO", "SIDA", "GIZ", ""]


def build(ctx: DemoContext) -> None:
    if not ctx.organisations:
        return
    if ctx.national:
        _national(ctx)
    else:
        _small(ctx)


# --- small: through the services --------------------------------------------------------------


def _activity_codes() -> list[str]:
    lookups = load_lookups()
    leaves = [c for c in lookups.activities if "." in c]
    return sorted(leaves or lookups.activities)


def _small(ctx: DemoContext) -> None:
    lookups = load_lookups()
    codes = [c for c in _activity_codes() if c not in lookups.no_people]
    groups = sorted(lookups.target_groups)
    if not codes:
        ctx.log("reporting: no IASC 4W codes loaded; no demo reports")
        return
    org_areas: dict[int, list[AdminArea]] = ctx.shared.get("org_areas", {})
    wanted = sorted(months.recent(SMALL_MONTHS))
    rows = 0
    for org in ctx.organisations:
        areas = org_areas.get(org.pk) or [a for a in ctx.areas if a.country == org.country][:2]
        if not areas:
            continue
        mine = ctx.rng.sample(codes, min(len(codes), ctx.rng.randint(2, 4)))
        for i, month in enumerate(wanted):
            fate = _fate(ctx.rng, newest=i == len(wanted) - 1)
            if fate == "missing":
                continue
            cells = _cells(ctx.rng, org, month, areas, mine, groups)
            checked = services.check_cells(org, month, enumerate(cells, start=3), lookups=lookups)
            services.rows_import(actor=_focal(ctx, org), organisation=org, checked=checked)
            rows += len(checked.good)
            _review(ctx, org, month, fate)
    coordinator = ctx.users.get("coordinator")
    if coordinator is not None:
        services.month_set_locked(actor=coordinator, month=wanted[0], locked=True)
    ctx.log(f"reporting: {rows} 4W rows over {len(wanted)} months")


def _fate(rng: random.Random, newest: bool) -> str:
    if not newest:
        return "validated" if rng.random() < 0.9 else "missing"
    return rng.choices(
        ["submitted", "draft", "returned", "missing", "validated"], weights=[40, 15, 10, 20, 15]
    )[0]


def _focal(ctx: DemoContext, org: Organisation) -> Any:
    return ctx.members.get(org.pk, {}).get("focal_point") or ctx.users.get("focal")


def _review(ctx: DemoContext, org: Organisation, month: datetime.date, fate: str) -> None:
    if fate == "draft":
        return
    period = services.period_for(org, month)
    services.period_submit(actor=_focal(ctx, org), period=period)
    coordinator = ctx.users.get("coordinator")
    if fate == "validated" and coordinator:
        services.period_validate(actor=coordinator, period=period)
    elif fate == "returned" and coordinator:
        services.period_return(
            actor=coordinator,
            period=period,
            comment="Please split people reached by age band for 8.1.",
        )


def _cells(
    rng: random.Random,
    org: Organisation,
    month: datetime.date,
    areas: Sequence[AdminArea],
    codes: Sequence[str],
    groups: Sequence[str],
) -> list[dict[str, Any]]:
    out = []
    for code in codes:
        for area in areas:
            if rng.random() < 0.25:
                continue
            total = rng.randint(8, 60) * (3 if code.startswith(("1.", "3.", "4.")) else 1)
            out.append(
                {
                    "org": org.acronym,
                    "activity": code,
                    "pcode": area.pcode,
                    "target_group": rng.choice(groups) if groups else "",
                    "status": rng.choice(["ongoing", "ongoing", "completed"]),
                    "start_date": month.replace(day=rng.randint(1, 20)),
                    "donor": rng.choice(DONORS),
                    **_split(rng, total),
                    "reached_total": total,
                    "sessions": rng.randint(1, 12),
                    "trained": rng.randint(0, 4),
                }
            )
    return out


def _split(rng: random.Random, total: int) -> dict[str, int]:
    """People reached by sex and age band, adding up to `total`."""
    weights = [0.14, 0.11, 0.33, 0.24, 0.1, 0.08]
    names = [
        "reached_f_0_17",
        "reached_m_0_17",
        "reached_f_18_59",
        "reached_m_18_59",
        "reached_f_60",
        "reached_m_60",
    ]
    parts = [int(total * w * rng.uniform(0.8, 1.2)) for w in weights]
    parts[2] += total - sum(parts)
    if parts[2] < 0:
        parts = [0, 0, total, 0, 0, 0]
    return dict(zip(names, parts, strict=True))


# --- national and benchmarks: in bulk ---------------------------------------------------------


def _national(ctx: DemoContext) -> None:
    org_areas: dict[int, list[AdminArea]] = ctx.shared.get("org_areas", {})
    wanted = sorted(months.recent(NATIONAL_MONTHS))
    count = bulk_rows(ctx.organisations, org_areas, wanted, NATIONAL_ROWS_PER_ORG_MONTH, ctx.rng)
    ctx.log(f"reporting: {count} 4W rows in bulk over {len(wanted)} months")


@dataclass
class _Codes:
    activities: list[tuple[str, int, int | None]]  # code, term id, layer
    groups: list[tuple[str, int]]


def _codes() -> _Codes:
    lookups = load_lookups()
    acts = sorted(
        (c, tid, layer)
        for c, (tid, layer) in lookups.activities.items()
        if c not in lookups.no_people
    )
    return _Codes(acts, sorted(lookups.target_groups.items()))


def bulk_rows(
    organisations: Sequence[Organisation],
    org_areas: dict[int, list[AdminArea]],
    wanted: Sequence[datetime.date],
    per_org_month: int,
    rng: random.Random,
) -> int:
    """Write `per_org_month` rows for every organisation and month, fast; rebuilds rollups.

    Every period is validated except the newest month's, which are submitted."""
    codes = _codes()
    ancestors = _ancestor_ids({a.pk: a for areas in org_areas.values() for a in areas})
    periods = _bulk_periods(organisations, wanted)
    count = 0
    with transaction.atomic():
        for month in wanted:
            batch = []
            for org in organisations:
                areas = org_areas.get(org.pk) or []
                if areas:
                    batch += _org_month_rows(
                        rng,
                        org,
                        month,
                        areas,
                        codes,
                        ancestors,
                        periods[(org.pk, month)],
                        per_org_month,
                    )
            _write(batch)
            count += len(batch)
    for month in wanted:
        rollups.rebuild_month(month)
    return count


def _bulk_periods(
    organisations: Sequence[Organisation], wanted: Sequence[datetime.date]
) -> dict[tuple[int, datetime.date], int]:
    newest = max(wanted)
    now = timezone.now()
    ReportingPeriod.objects.bulk_create(
        [
            ReportingPeriod(
                organisation=org,
                month=m,
                submitted_at=now,
                status=PeriodStatus.SUBMITTED if m == newest else PeriodStatus.VALIDATED,
            )
            for org in organisations
            for m in wanted
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    return {
        (o, m): pk
        for pk, o, m in ReportingPeriod.objects.filter(month__in=list(wanted)).values_list(
            "pk", "organisation_id", "month"
        )
    }


def _ancestor_ids(areas: dict[int, AdminArea]) -> dict[int, tuple[int | None, ...]]:
    from carenet.geo.models import AdminArea

    codes = {p for a in areas.values() for p in a.path.strip("/").split("/")}
    found = {a.pcode: (a.pk, a.level) for a in AdminArea.objects.filter(pcode__in=codes)}
    out: dict[int, tuple[int | None, ...]] = {}
    for pk, area in areas.items():
        by_level = {
            lvl: i for p in area.path.strip("/").split("/") if p in found for i, lvl in [found[p]]
        }
        out[pk] = (by_level.get(1), by_level.get(2), by_level.get(3))
    return out


def _org_month_rows(
    rng: random.Random,
    org: Organisation,
    month: datetime.date,
    areas: Sequence[AdminArea],
    codes: _Codes,
    ancestors: dict[int, tuple[int | None, ...]],
    period_id: int,
    n: int,
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    keys: set[str] = set()
    now = timezone.now()
    for _i in range(n * 2):
        if len(rows) >= n:
            break
        code, term_id, layer = codes.activities[rng.randrange(len(codes.activities))]
        area = areas[rng.randrange(len(areas))]
        group, group_id = (
            codes.groups[rng.randrange(len(codes.groups))] if codes.groups else ("", None)
        )
        key = hashlib.sha1(
            f"{org.pk}|{months.key(month)}|{code}|{area.pcode}||||{group}".encode(),
            usedforsecurity=False,
        ).hexdigest()
        if key in keys:
            continue
        keys.add(key)
        total = rng.randint(5, 400)
        parts = _split(rng, total)
        adm = ancestors.get(area.pk, (None, None, None))
        rows.append(
            bulk.row(
                {
                    "period_id": period_id,
                    "organisation_id": org.pk,
                    "month": month,
                    "row_key": key,
                    "content_hash": key,
                    "activity_id": term_id,
                    "layer": layer,
                    "area_id": area.pk,
                    "adm1_id": adm[0],
                    "adm2_id": adm[1],
                    "adm3_id": adm[2],
                    "implementing_partner": "",
                    "donor": "",
                    "target_group_id": group_id,
                    "status": ActivityStatus.ONGOING.value,
                    "start_date": month,
                    **parts,
                    "reached_total": total,
                    "sessions": rng.randint(1, 20),
                    "trained": rng.randint(0, 5),
                    "comments": "",
                },
                now,
            )
        )
    return rows


def _write(rows: list[tuple[Any, ...]]) -> None:
    bulk.insert(rows)
