"""Pathway metrics for coordinators: counts only, small cells suppressed.

A pathway is a pair (from -> to) of organisations or of layers of the intervention pyramid,
or the oblast / voivodeship where the person is. Only sent referrals of people who consented
to be counted in reports (a valid `reporting` consent, checked now) are counted.

Every count passes `core.suppression`; a median or a share computed from a suppressed count is
blanked with it. Pathways with fewer referrals than the small-cell threshold, and those beyond
the largest `limit`, are folded into one "other pathways" row, so that the table stays
readable at national scale and no row is made only of suppressed cells. Medians are of the
hours from sending, counted to the tenth of an hour below a day and to the hour from a day on
(`rollup.tenths`).

Where it is read from:

* the **rollup** (`rollup.py`, a few indexed rows per request) when the coordinator's reach is
  the network, whole countries, or whole oblasts / voivodeships, without a date range — the
  coordinators' page always is;
* otherwise (a date range, or a coordinator of a raion or hromada) the referrals themselves:
  on PostgreSQL in the database (GROUP BY with `percentile_cont`), elsewhere in Python, with
  the same results.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Organisation
from carenet.core import permissions
from carenet.core.suppression import min_cell, suppress_rows
from carenet.geo.models import AdminArea
from carenet.referrals import rollup
from carenet.referrals.models import (
    OUTCOME_STATES,
    Consent,
    ConsentPurpose,
    PathwayCell,
    Referral,
    Status,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

GROUPINGS = {
    "organisation": _("Organisation to organisation"),
    "layer": _("Layer to layer"),
    "area": _("Area (oblast / voivodeship)"),
}
COUNTS = rollup.COUNTS
MEDIANS = ("median_hours_to_acknowledge", "median_hours_to_start")
LIMIT = 100
_KEY_FIELDS = {
    "organisation": ("from_organisation__acronym", "to_organisation__acronym"),
    "layer": ("from_layer", "layer"),
    "area": ("area__path", "area__path"),
}


def may_see_metrics(user: User | AnonymousUser | None) -> bool:
    """Coordinators (of the network or an area) and superusers."""
    return permissions.can_somewhere(user, "referral.metrics")


def counted_referrals(user: User | AnonymousUser | None) -> QuerySet[Referral]:
    """Sent referrals in the user's coordination scope whose person consented to be counted."""
    qs = permissions.filter_for(
        user,
        "referral.metrics",
        Referral.objects.sent(),
        org_field=None,
        area_field="area",
        country_field="from_organisation__country",
    )
    counted = Consent.objects.valid().filter(
        client=OuterRef("client"), purpose=ConsentPurpose.REPORTING
    )
    return qs.filter(Exists(counted))


def pathway_metrics(
    user: User | AnonymousUser | None,
    by: str = "organisation",
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    limit: int = LIMIT,
) -> list[dict[str, Any]]:
    """The largest pathways (at most `limit`), an "other pathways" row when some are folded
    (key "other": True), then the total row (key "total": True). Counts are suppressed."""
    if not may_see_metrics(user):
        permissions.require(user, "referral.metrics", hide=False)
    if by not in GROUPINGS:
        by = "organisation"
    scopes = None if since or until else rollup_scopes(user)
    if scopes is not None:
        shown, other, total = _from_rollup(scopes, by, limit)
    else:
        shown, other, total = _from_referrals(counted_referrals(user), by, since, until, limit)
    if other is not None:
        shown.append({**other, "from": str(_("Other pathways")), "to": "", "other": True})
    shown.append({**total, "from": str(_("All pathways")), "to": "", "total": True})
    return _suppress(shown)


def rollup_scopes(user: User | AnonymousUser | None) -> list[str] | None:
    """The rollup scopes holding exactly the referrals `user` may count, or None when no set
    of them does (the metrics then count the referrals themselves).

    This follows `permissions.filter_for(..., area_field="area",
    country_field="from_organisation__country")` as `counted_referrals` calls it: a
    coordinator role without area and country reaches the network; one with a country, the
    referrals its organisations sent; one with an area, the referrals of people in that
    area. Only oblasts / voivodeships have a scope; the scopes summed must not overlap.
    """
    scope = permissions.scope_of(user)
    if scope.superuser:
        return [rollup.NETWORK]
    regions: set[str] = set()
    countries: set[str] = set()
    for path, country in zip(scope.coordinator_paths, scope.coordinator_countries, strict=True):
        if path:
            if path.count("/") != 1:
                return None  # a raion or hromada: no scope of its own
            regions.add(f"region:{rollup.region_of(path)}")
        elif country:
            countries.add(f"country:{country}")
        else:
            return [rollup.NETWORK]
    if regions and countries:
        return None  # a person's oblast and a sender's country may overlap
    return sorted(regions or countries) or None


def _labelled(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    """Readable keys (acronyms, area names), largest pathways first."""
    if by == "area":
        labels = _area_labels({r["from"] for r in rows})
        for row in rows:
            row["from"] = row["to"] = labels.get(row["from"], row["from"])
    rows.sort(key=lambda r: (-r["sent"], r["from"], r["to"]))
    return rows


# --- from the rollup ---------------------------------------------------------------------------

Rows = tuple[list[dict[str, Any]], dict[str, Any] | None, dict[str, Any]]


def _from_rollup(scopes: list[str], by: str, limit: int) -> Rows:
    rollup.expire()  # people whose reporting consent ran out since the last read
    cells = PathwayCell.objects.filter(scope__in=scopes)
    summed = len(scopes) > 1
    # One scope: each cell's own medians will do, the histograms stay in the database.
    columns = [*_CELL_COLUMNS, *(("to_acknowledge", "to_start") if summed else ())]
    wanted = Q(grouping="total") | _largest(cells, by, summed, limit)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    totals: list[dict[str, Any]] = []
    for cell in cells.filter(wanted).values(*columns):
        if cell["grouping"] == "total":
            totals.append(cell)
        else:
            groups[(cell["origin"], cell["target"])].append(cell)
    total = _cells_row(totals, "", "")
    names = _organisation_labels(groups) if by == "organisation" else {}
    rows = [
        _cells_row(group, names.get(a, a) or "—", names.get(b, b) or "—")
        for (a, b), group in groups.items()
    ]
    shown = _labelled(rows, by)[: max(limit, 0)]
    rest = {k: total[k] - sum(r[k] for r in shown) for k in COUNTS}
    other = _sum_rows([rest], "") if rest["sent"] > 0 else None
    return shown, other, total


_CELL_COLUMNS = ("grouping", "origin", "target", *COUNTS, *rollup.MEDIANS)


def _largest(cells: QuerySet[PathwayCell], by: str, summed: bool, limit: int) -> Q:
    """The cells of the `limit` largest pathways big enough to show, and of every pathway
    as large as the smallest of them (the order among equals is by name, decided later)."""
    if limit <= 0:
        return Q(pk__in=[])
    floor = max(min_cell(), 1)
    big = cells.filter(grouping=by, sent__gte=floor)
    if not summed:
        # One scope: the index (scope, grouping, -sent) finds the limit-th largest pathway,
        # in the same statement that reads the cells.
        nth = big.order_by("-sent").values("sent")[limit - 1 : limit]
        return Q(grouping=by, sent__gte=Greatest(Value(floor), Coalesce(Subquery(nth), floor)))
    sums = (
        cells.filter(grouping=by)
        .values("origin", "target")
        .annotate(n=Sum("sent"))
        .filter(n__gte=floor)
    )
    nth_sum = list(sums.order_by("-n").values_list("n", flat=True)[limit - 1 : limit])
    keys = sums.filter(n__gte=max([floor, *nth_sum])).values_list("origin", "target")
    wanted = Q(pk__in=[])
    for origin, target in keys:
        wanted |= Q(origin=origin, target=target)
    return wanted & Q(grouping=by)


def _cells_row(cells: list[dict[str, Any]], origin: str, target: str) -> dict[str, Any]:
    out: dict[str, Any] = {"from": origin, "to": target}
    if len(cells) == 1:
        cell = cells[0]
        out.update((name, cell[name]) for name in COUNTS)
        ack, start = cell["median_to_acknowledge"], cell["median_to_start"]
    else:  # several scopes of one pathway: the median of their histograms together
        out.update((name, sum(c[name] for c in cells)) for name in COUNTS)
        ack = rollup.median_tenths(c["to_acknowledge"] for c in cells)
        start = rollup.median_tenths(c["to_start"] for c in cells)
    out["median_hours_to_acknowledge"] = _hours(ack)
    out["median_hours_to_start"] = _hours(start)
    out["loops_closed_share"] = _share(out)
    return out


def _organisation_labels(groups: Iterable[tuple[str, str]]) -> dict[str, str]:
    ids = {int(k) for pair in groups for k in pair if k}
    return {
        str(pk): acronym
        for pk, acronym in Organisation.objects.filter(pk__in=ids)
        .order_by()
        .values_list("pk", "acronym")
    }


# --- from the referrals ------------------------------------------------------------------------


def _from_referrals(
    qs: QuerySet[Referral],
    by: str,
    since: datetime.date | None,
    until: datetime.date | None,
    limit: int,
) -> Rows:
    if since:
        qs = qs.filter(sent_at__date__gte=since)
    if until:
        qs = qs.filter(sent_at__date__lte=until)
    if connection.vendor == "postgresql":
        rows, total = _in_database(qs, by)
    else:
        rows, total = _in_python(qs, by)
    shown, folded = _fold(_labelled(rows, by), limit)
    return shown, (_sum_rows(folded, "") if folded else None), total


# --- PostgreSQL: in the database ---------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's exact median (NULLs are ignored)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class _Tenths(Func):
    """An interval in tenths of an hour, rounded as `rollup.tenths` rounds it."""

    template = (
        "CASE WHEN EXTRACT(EPOCH FROM (%(expressions)s)) < 86400 "
        "THEN FLOOR((EXTRACT(EPOCH FROM (%(expressions)s)) * 1000000 + 180000000) / 360000000) "
        "ELSE FLOOR((EXTRACT(EPOCH FROM (%(expressions)s)) * 1000000 + 1800000000) / 3600000000)"
        " * 10 END"
    )
    output_field = FloatField()


def _since_sent(field_name: str) -> _Tenths:
    return _Tenths(ExpressionWrapper(F(field_name) - F("sent_at"), output_field=DurationField()))


def _aggregates() -> dict[str, Any]:
    outcome = Q(status__in=list(OUTCOME_STATES))
    return {
        "sent": Count("pk"),
        "acknowledged": Count("pk", filter=Q(acknowledged_at__isnull=False)),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "started": Count("pk", filter=Q(started_at__isnull=False)),
        "completed": Count("pk", filter=Q(status=Status.COMPLETED)),
        "declined": Count("pk", filter=Q(status=Status.DECLINED)),
        "no_show": Count("pk", filter=Q(status=Status.NO_SHOW)),
        "outcomes": Count("pk", filter=outcome),
        "loops_closed": Count("pk", filter=outcome & Q(loop_closed_at__isnull=False)),
        "_ack": _Median(_since_sent("acknowledged_at")),
        "_start": _Median(_since_sent("started_at")),
    }


def _in_database(qs: QuerySet[Referral], by: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if by == "area":
        region = Func(
            F("area__path"),
            Value("/"),
            Value(1),
            function="split_part",
            output_field=CharField(),
        )
        grouped = qs.annotate(_from=region, _to=region)
    else:
        a, b = _KEY_FIELDS[by]
        grouped = qs.annotate(_from=F(a), _to=F(b))
    rows = [
        _finish(row, str(row.pop("_from") or "—"), str(row.pop("_to") or "—"))
        for row in grouped.values("_from", "_to").annotate(**_aggregates()).order_by()
    ]
    total = _finish(qs.aggregate(**_aggregates()), "", "")
    return rows, total


def _hours(value: float | None) -> float | None:
    """Tenths of an hour (a whole number, or a half from the median of an even count) ->
    hours to one decimal, rounded half up."""
    return None if value is None else math.floor(value + 0.5) / 10


def _finish(row: dict[str, Any], origin: str, target: str) -> dict[str, Any]:
    out = {"from": origin, "to": target, **{k: row[k] for k in COUNTS}}
    out["median_hours_to_acknowledge"] = _hours(row["_ack"])
    out["median_hours_to_start"] = _hours(row["_start"])
    out["loops_closed_share"] = _share(out)
    return out


def _share(row: dict[str, Any]) -> float | None:
    return round(row["loops_closed"] / row["outcomes"], 3) if row["outcomes"] else None


# --- elsewhere: in Python ----------------------------------------------------------------------


@dataclass
class _Acc:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    to_ack: list[int] = field(default_factory=list)
    to_start: list[int] = field(default_factory=list)


def _in_python(qs: QuerySet[Referral], by: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    columns = (*_KEY_FIELDS[by], *rollup.STEP_FIELDS)
    groups: dict[tuple[str, str], _Acc] = defaultdict(_Acc)
    total = _Acc()
    for row in qs.values_list(*columns).iterator(chunk_size=5000):
        key = _key(by, row[0], row[1])
        for acc in (groups[key], total):
            _add(acc, *row[2:])
    rows = [_row(k[0], k[1], acc) for k, acc in groups.items()]
    return rows, _row("", "", total)


def _key(by: str, a: Any, b: Any) -> tuple[str, str]:
    if by == "area":
        # Where the person is: an oblast / voivodeship (the first P-code of the path).
        region = (a or "").split("/")[0] or "—"
        return region, region
    return str(a or "—"), str(b or "—")


def _add(
    acc: _Acc, status: str, sent: Any, ack: Any, accepted: Any, started: Any, loop: Any
) -> None:
    c = acc.counts
    c["sent"] += 1
    if ack:
        c["acknowledged"] += 1
        acc.to_ack.append(rollup.tenths(sent, ack) or 0)
    if accepted:
        c["accepted"] += 1
    if started:
        c["started"] += 1
        acc.to_start.append(rollup.tenths(sent, started) or 0)
    c["completed"] += status == Status.COMPLETED
    c["declined"] += status == Status.DECLINED
    c["no_show"] += status == Status.NO_SHOW
    c["outcomes"] += status in OUTCOME_STATES
    c["loops_closed"] += loop is not None and status in OUTCOME_STATES


def _row(origin: str, target: str, acc: _Acc) -> dict[str, Any]:
    out: dict[str, Any] = {"from": origin, "to": target, **acc.counts}
    out["median_hours_to_acknowledge"] = _median(acc.to_ack)
    out["median_hours_to_start"] = _median(acc.to_start)
    out["loops_closed_share"] = _share(out)
    return out


def _median(values: list[int]) -> float | None:
    return _hours(statistics.median(values)) if values else None


# --- shaping the table -------------------------------------------------------------------------


def _fold(rows: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], list[Any]]:
    """Rows to show (large enough, within the limit) and rows to fold into "other"."""
    shown: list[dict[str, Any]] = []
    folded: list[dict[str, Any]] = []
    for row in rows:
        (shown if row["sent"] >= min_cell() and len(shown) < limit else folded).append(row)
    return shown, folded


def _sum_rows(rows: list[dict[str, Any]], label: str) -> dict[str, Any]:
    out: dict[str, Any] = {"from": label, "to": "", **{k: sum(r[k] for r in rows) for k in COUNTS}}
    out.update(dict.fromkeys(MEDIANS))  # a median of medians would mean nothing
    out["loops_closed_share"] = _share(out)
    return out


def _suppress(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = suppress_rows(
        rows,
        COUNTS,
        derived={
            "median_hours_to_acknowledge": "acknowledged",
            "median_hours_to_start": "started",
            "loops_closed_share": "outcomes",
        },
    )
    for row in out:
        # A share would give away a small numerator as well.
        if row["loops_closed"] is None:
            row["loops_closed_share"] = None
    return out


def _area_labels(codes: set[str]) -> dict[str, str]:
    areas = AdminArea.objects.filter(pcode__in=codes).only(
        "pcode", "name_en", "name_uk", "name_pl", "country"
    )  # not the boundaries
    return {a.pcode: f"{a.name} ({a.pcode})" for a in areas}
