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

Where it is read from (`rollup_plan`):

* the **rollup** (`rollup.py`): the cells of the coordinator's scopes — the network, whole
  countries, whole oblasts / voivodeships, or below an oblast every area in the coordinator's
  areas — over all time, or summed over the whole months of a date range. The days of a range
  outside its whole months (a range from the 10th of March to the 20th of May: the 10th to the
  31st of March and the 1st to the 20th of May) are counted from the referrals and added in;
  a range that holds every month with a counted referral reads the cells over all time;
* the **referrals** themselves when no set of scopes holds exactly the coordinator's reach (an
  area and a country together), or dates are read in another time zone than the rollup's
  months: every referral of the range counted the way the days around whole months are
  (`_day_parts`), so there is one way to count. The tests hold both to hand-counted figures.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone
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


def may_see_metrics(user: User | AnonymousUser | None) -> bool:
    """Coordinators (of the network or an area) and superusers."""
    return permissions.can_somewhere(user, "referral.metrics")


def counted_referrals(user: User | AnonymousUser | None) -> QuerySet[Referral]:
    """Sent referrals in the user's coordination scope whose person consented to be counted."""
    counted = Consent.objects.valid().filter(
        client=OuterRef("client"), purpose=ConsentPurpose.REPORTING
    )
    return _in_reach(user).filter(Exists(counted))


def _in_reach(user: User | AnonymousUser | None) -> QuerySet[Referral]:
    """Sent referrals in the user's coordination scope."""
    return permissions.filter_for(
        user,
        "referral.metrics",
        Referral.objects.sent(),
        org_field=None,
        area_field="area",
        country_field="from_organisation__country",
    )


def pathway_metrics(
    user: User | AnonymousUser | None,
    by: str = "organisation",
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    limit: int = LIMIT,
) -> list[dict[str, Any]]:
    """The largest pathways (at most `limit`), an "other pathways" row when some are folded
    (key "other": True), then the total row (key "total": True). Counts are suppressed.

    `since` / `until`: the days the referrals were sent (both included)."""
    if not may_see_metrics(user):
        permissions.require(user, "referral.metrics", hide=False)
    if by not in GROUPINGS:
        by = "organisation"
    plan = rollup_plan(user, since, until)
    if plan is not None:
        shown, other, total = _from_rollup(user, plan, by, limit)
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
    area: its oblast / voivodeship scope, or below that the scopes of every area in it (the
    finest area a referral names has a scope). The scopes summed must not overlap.
    """
    scope = permissions.scope_of(user)
    if scope.superuser:
        return [rollup.NETWORK]
    paths: set[str] = set()
    countries: set[str] = set()
    for path, country in zip(scope.coordinator_paths, scope.coordinator_countries, strict=True):
        if path:
            paths.add(path)
        elif country:
            countries.add(f"country:{country}")
        else:
            return [rollup.NETWORK]
    if paths and countries:
        return None  # a person's area and a sender's country may overlap
    if countries:
        return sorted(countries)
    # The widest areas: one inside another coordinated area adds nothing.
    widest = {p for p in paths if not any(p != q and p.startswith(q) for q in paths)}
    regions = {p for p in widest if p.count("/") == 1 and p.endswith("/")}
    below = widest - regions
    areas: list[str] = []
    if below:
        inside = functools.reduce(operator.or_, (Q(path__startswith=p) for p in below))
        found = AdminArea.objects.filter(inside).order_by().values_list("pk", flat=True)
        areas = [rollup.area_scope(pk) for pk in found]
    return sorted(f"region:{rollup.region_of(p)}" for p in regions) + sorted(areas) or None


@dataclass(frozen=True)
class RollupPlan:
    """What the rollup answers for a read: the cells of `scopes` over all time (`months`
    None) or summed over whole months (first and last, "2026-03"), and the days (first,
    last) of the range outside those months, counted from the referrals (`edges`)."""

    scopes: list[str]
    months: tuple[str, str] | None = None
    edges: tuple[tuple[datetime.date, datetime.date], ...] = ()


def rollup_plan(
    user: User | AnonymousUser | None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> RollupPlan | None:
    """How to read the metrics from the rollup, or None when they are to be counted from the
    referrals: the coordinator's reach has no set of scopes (`rollup_scopes`), or dates are
    read in another time zone than the months of the rollup."""
    scopes = rollup_scopes(user)
    if scopes is None:
        return None
    if since is None and until is None:
        return RollupPlan(scopes)
    if timezone.get_current_timezone_name() != timezone.get_default_timezone_name():
        return None
    if since is not None and until is not None and since > until:
        return RollupPlan(scopes, months=_NO_MONTHS)
    try:
        first = since if since is None or since.day == 1 else _next_month(since)
        last = until if until is None or _is_month_end(until) else until.replace(day=1) - _DAY
    except OverflowError:
        return None  # a day in the first or the last month a date can name
    if since and until and first and last and first > last:
        return RollupPlan(scopes, months=_NO_MONTHS, edges=((since, until),))
    edges: list[tuple[datetime.date, datetime.date]] = []
    if since and first and since != first:
        edges.append((since, first - _DAY))
    if until and last and until != last:
        edges.append((last + _DAY, until))
    months = (
        first.strftime("%Y-%m") if first else _FIRST_MONTH,
        last.strftime("%Y-%m") if last else _LAST_MONTH,
    )
    return RollupPlan(scopes, months=months, edges=tuple(edges))


_DAY = datetime.timedelta(days=1)
_FIRST_MONTH, _LAST_MONTH = "0000-00", "9999-99"  # open ends; "" (all time) sorts first
_NO_MONTHS = (_LAST_MONTH, _FIRST_MONTH)  # from after the last to before the first: none


def _is_month_end(day: datetime.date) -> bool:
    return day == datetime.date.max or (day + _DAY).day == 1


def _next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after `day`'s (OverflowError after December 9999)."""
    if day.month == 12:
        if day.year == datetime.MAXYEAR:
            raise OverflowError
        return datetime.date(day.year + 1, 1, 1)
    return datetime.date(day.year, day.month + 1, 1)


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
Pathway = tuple[str, str]  # origin, target as the rollup keys them


def _from_rollup(user: User | AnonymousUser | None, plan: RollupPlan, by: str, limit: int) -> Rows:
    rollup.expire()  # people whose reporting consent ran out since the last read
    months, edges = plan.months, plan.edges
    if months is not None and _covers_all_months(plan):
        months, edges = None, ()  # every counted referral of the scopes is inside the range
    cells = PathwayCell.objects.filter(scope__in=plan.scopes)
    if months is None:
        cells = cells.filter(month=rollup.ALL_TIME)
    else:
        cells = cells.filter(month__gte=months[0], month__lte=months[1])
    # The days outside the whole months: the referrals the rollup counts (`reports_until` is
    # set, `rollup.expire` has just run), as `counted_referrals` finds them by the consents.
    counted = _in_reach(user).filter(client__reports_until__isnull=False).order_by()
    around = _day_parts(_on_days(counted, edges), by) if edges else {}
    ranked: set[Pathway] = set()
    single = len(plan.scopes) == 1 and months is None
    if single:
        # One cell per pathway: its own medians will do, the histograms stay in the database.
        columns: tuple[str, ...] = _CELL_COLUMNS
        wanted = _largest_in_one_scope(cells, by, limit)
    else:
        columns = (*_CELL_COLUMNS, *rollup.HISTOGRAMS)
        ranked = _ranked(cells, around, by, limit)
        # Origins and targets of the ranked pathways (the index holds them); other pairs of
        # them are left out below.
        wanted = Q(
            grouping=by,
            origin__in={o for o, _t in ranked},
            target__in={t for _o, t in ranked},
        )
    groups: dict[Pathway, list[dict[str, Any]]] = defaultdict(list)
    totals: list[dict[str, Any]] = []
    for cell in cells.filter(Q(grouping="total") | wanted).values(*columns):
        key = (cell["origin"], cell["target"])
        if cell["grouping"] == "total":
            totals.append(cell)
        elif single or key in ranked:
            groups[key].append(cell)
    shown = {key: _Part.of_cells(group) for key, group in groups.items()}
    total = _Part.of_cells(totals)
    if edges:
        # The days outside the whole months, counted from the referrals, added in.
        shown = {
            key: _Part.summed([shown.get(key, _Part()), around.get(key, _Part())]) for key in ranked
        }
        total = _Part.summed([total, *around.values()])
    return _shaped(shown, total, by, limit)


def _covers_all_months(plan: RollupPlan) -> bool:
    """Whether every month in which a counted referral of the scopes was sent is inside the
    plan's whole months (so the cells over all time hold exactly the range)."""
    assert plan.months is not None
    found = (
        PathwayCell.objects.filter(scope__in=plan.scopes, grouping="total", sent__gt=0)
        .exclude(month=rollup.ALL_TIME)
        .aggregate(first=Min("month"), last=Max("month"))
    )
    if found["first"] is None:
        return True  # nothing counted at all
    return plan.months[0] <= found["first"] and found["last"] <= plan.months[1]


def _on_days(
    qs: QuerySet[Referral], days: Iterable[tuple[datetime.date, datetime.date]]
) -> QuerySet[Referral]:
    """The referrals sent on these days (first, last) in the current time zone: what
    `sent_at__date` selects, as a range of `sent_at` (which its index serves)."""
    zone = timezone.get_current_timezone()

    def midnight(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)

    ranges = [
        Q(sent_at__gte=midnight(first))
        & (Q() if last == datetime.date.max else Q(sent_at__lt=midnight(last + _DAY)))
        for first, last in days
    ]
    return qs.filter(functools.reduce(operator.or_, ranges))


_CELL_COLUMNS = ("grouping", "origin", "target", *COUNTS, *rollup.MEDIANS)


def _largest_in_one_scope(cells: QuerySet[PathwayCell], by: str, limit: int) -> Q:
    """The cells of the `limit` largest pathways big enough to show, and of every pathway
    as large as the smallest of them (the order among equals is by name, decided later):
    the index (scope, grouping, month, -sent) finds the limit-th largest pathway, in the
    same statement that reads the cells."""
    if limit <= 0:
        return Q(pk__in=[])
    floor = max(min_cell(), 1)
    big = cells.filter(grouping=by, sent__gte=floor)
    nth = big.order_by("-sent").values("sent")[limit - 1 : limit]
    return Q(grouping=by, sent__gte=Greatest(Value(floor), Coalesce(Subquery(nth), floor)))


def _ranked(
    cells: QuerySet[PathwayCell], around: dict[Pathway, _Part], by: str, limit: int
) -> set[Pathway]:
    """The `limit` largest pathways big enough to show, and every pathway as large as the
    smallest of them, counting their cells and the referrals `around` them together: one
    statement, the cells summed in the database."""
    if limit <= 0:
        return set()
    months = cells.filter(grouping=by).order_by().values(o=F("origin"), t=F("target"), n=F("sent"))
    sql, params = months.query.sql_with_params()
    if around:
        # The referrals around the months, as one JSON parameter: [[origin, target, sent], ...]
        sql += f" UNION ALL {_JSON_ROWS[connection.vendor == 'postgresql']}"
        params = (*params, json.dumps([[o, t, p.counts[0]] for (o, t), p in around.items()]))
    # RANK gives equals the same rank: every pathway as large as the limit-th is kept.
    ranked = (
        "SELECT o, t FROM (SELECT o, t, RANK() OVER (ORDER BY SUM(n) DESC) AS r "  # noqa: S608
        f"FROM ({sql}) AS pathways GROUP BY o, t HAVING SUM(n) >= %s) AS ranked "
        "WHERE r <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(ranked, [*params, max(min_cell(), 1), limit])
        return {(o, t) for o, t in cursor.fetchall()}


_JSON_ROWS = {  # rows (o, t, n) of a JSON array of arrays: PostgreSQL (True), SQLite (False)
    True: "SELECT e->>0, e->>1, (e->>2)::int FROM jsonb_array_elements(%s::jsonb) AS e",
    False: (
        "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
        "json_extract(value, '$[2]') FROM json_each(%s)"
    ),
}


@dataclass
class _Part:
    """Counts (in the order of COUNTS) and histograms of the hours to acknowledge and to
    start (tenths -> how many) of some referrals; a median of its own when it is one cell."""

    counts: list[int] = field(default_factory=lambda: [0] * len(COUNTS))
    to_acknowledge: dict[int, int] = field(default_factory=dict)
    to_start: dict[int, int] = field(default_factory=dict)
    medians: tuple[float | None, float | None] | None = None

    @classmethod
    def of_cells(cls, cells: list[dict[str, Any]]) -> _Part:
        part = cls()
        if len(cells) == 1 and "to_acknowledge" not in cells[0]:
            cell = cells[0]
            part.counts = [cell[name] for name in COUNTS]
            part.medians = (cell["median_to_acknowledge"], cell["median_to_start"])
            return part
        for cell in cells:
            part.counts = [a + cell[name] for a, name in zip(part.counts, COUNTS, strict=True)]
            for name in rollup.HISTOGRAMS:
                histogram = getattr(part, name)
                for value, n in cell[name].items():
                    histogram[int(value)] = histogram.get(int(value), 0) + n
        return part

    def add(
        self,
        status: str,
        to_ack: float | None,
        accepted: bool,
        to_start: float | None,
        closed: bool,
    ) -> None:
        """One referral: its state, its times to acknowledge and to start (tenths of an hour;
        None: not yet), whether it was accepted and whether its loop was closed."""
        c = self.counts  # in the order of COUNTS
        c[0] += 1
        if to_ack is not None:
            c[1] += 1
            self.to_acknowledge[int(to_ack)] = self.to_acknowledge.get(int(to_ack), 0) + 1
        c[2] += accepted
        if to_start is not None:
            c[3] += 1
            self.to_start[int(to_start)] = self.to_start.get(int(to_start), 0) + 1
        c[4] += status == Status.COMPLETED
        c[5] += status == Status.DECLINED
        c[6] += status == Status.NO_SHOW
        outcome = status in OUTCOME_STATES
        c[7] += outcome
        c[8] += outcome and closed

    @classmethod
    def summed(cls, parts: Iterable[_Part]) -> _Part:
        out = cls()
        counts, ack, start = out.counts, out.to_acknowledge, out.to_start
        for part in parts:
            assert part.medians is None, "a cell's own median cannot be summed"
            for i, n in enumerate(part.counts):
                counts[i] += n
            for value, n in part.to_acknowledge.items():
                ack[value] = ack.get(value, 0) + n
            for value, n in part.to_start.items():
                start[value] = start.get(value, 0) + n
        return out

    def row(self, origin: str, target: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": origin,
            "to": target,
            **dict(zip(COUNTS, self.counts, strict=True)),
        }
        if self.medians is not None:
            ack, start = self.medians
        else:
            ack = rollup.median_tenths([self.to_acknowledge])
            start = rollup.median_tenths([self.to_start])
        out["median_hours_to_acknowledge"] = _hours(ack)
        out["median_hours_to_start"] = _hours(start)
        out["loops_closed_share"] = _share(out)
        return out


def _shaped(shown: dict[Pathway, _Part], total: _Part, by: str, limit: int) -> Rows:
    """The rows of the pathways read (labelled, largest first, at most `limit`), the rest
    of the total as "other pathways", and the total."""
    names = _organisation_labels(shown) if by == "organisation" else {}
    rows = [
        part.row(names.get(a, a) or "—", names.get(b, b) or "—") for (a, b), part in shown.items()
    ]
    rows = _labelled(rows, by)[: max(limit, 0)]
    total_row = total.row("", "")
    rest = {k: total_row[k] - sum(r[k] for r in rows) for k in COUNTS}
    other = _sum_rows([rest], "") if rest["sent"] > 0 else None
    return rows, other, total_row


def _day_parts(qs: QuerySet[Referral], by: str) -> dict[Pathway, _Part]:
    """The counts and histograms of each pathway of `qs`, keyed as the rollup keys them."""
    parts: dict[Pathway, _Part] = defaultdict(_Part)
    keyed = _keyed(qs, by)
    if connection.vendor == "postgresql":  # the times computed in the database
        rows = keyed.values_list(
            "_from",
            "_to",
            "status",
            _since_sent("acknowledged_at"),
            ExpressionWrapper(Q(accepted_at__isnull=False), output_field=BooleanField()),
            _since_sent("started_at"),
            ExpressionWrapper(Q(loop_closed_at__isnull=False), output_field=BooleanField()),
        )
        for a, b, *steps in rows:
            parts[(a, b)].add(*steps)
    else:
        rows = keyed.values_list("_from", "_to", *rollup.STEP_FIELDS)
        for a, b, status, sent, ack, accepted, started, loop in rows:
            parts[(a, b)].add(
                status,
                rollup.tenths(sent, ack),
                accepted is not None,
                rollup.tenths(sent, started),
                loop is not None,
            )
    return parts


class _Tenths(Func):
    """An interval in tenths of an hour, rounded as `rollup.tenths` rounds it (PostgreSQL)."""

    template = (
        "CASE WHEN EXTRACT(EPOCH FROM (%(expressions)s)) < 86400 "
        "THEN FLOOR((EXTRACT(EPOCH FROM (%(expressions)s)) * 1000000 + 180000000) / 360000000) "
        "ELSE FLOOR((EXTRACT(EPOCH FROM (%(expressions)s)) * 1000000 + 1800000000) / 3600000000)"
        " * 10 END"
    )
    output_field = FloatField()


def _since_sent(field_name: str) -> _Tenths:
    return _Tenths(ExpressionWrapper(F(field_name) - F("sent_at"), output_field=DurationField()))


class _Region(Func):
    """The oblast / voivodeship P-code of an area path, as `rollup.region_of` reads it."""

    output_field = CharField()
    template = "split_part(%(expressions)s, '/', 1)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        path, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"CASE WHEN instr({path}, '/') > 0 "
            f"THEN substr({path}, 1, instr({path}, '/') - 1) ELSE {path} END"
        )
        return sql, [*params, *params, *params, *params]


def _keyed(qs: QuerySet[Referral], by: str) -> QuerySet[Any]:
    """`qs` with the pathway's keys as the rollup writes them (`rollup.share`) as `_from` and
    `_to`: organisation ids ("" for none), layers, or the region of the person's area."""
    if by == "area":
        region = Coalesce(_Region(F("area__path")), Value(""))
        return qs.annotate(_from=region, _to=region)
    if by == "layer":
        return qs.annotate(_from=F("from_layer"), _to=F("layer"))
    return qs.annotate(
        _from=Cast("from_organisation_id", CharField()),
        _to=Coalesce(Cast("to_organisation_id", CharField()), Value("")),
    )


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
    """When no rollup plan fits: every referral of the range, counted as the days around
    whole months are, shaped as the rollup's cells are."""
    if since:
        qs = qs.filter(sent_at__date__gte=since)
    if until:
        qs = qs.filter(sent_at__date__lte=until)
    parts = _day_parts(qs.order_by(), by)
    floor = max(min_cell(), 1)
    shown = {key: part for key, part in parts.items() if part.counts[0] >= floor}
    return _shaped(shown, _Part.summed(parts.values()), by, limit)


def _hours(value: float | None) -> float | None:
    """Tenths of an hour (a whole number, or a half from the median of an even count) ->
    hours to one decimal, rounded half up."""
    return None if value is None else math.floor(value + 0.5) / 10


def _share(row: dict[str, Any]) -> float | None:
    return round(row["loops_closed"] / row["outcomes"], 3) if row["outcomes"] else None


# --- shaping the table -------------------------------------------------------------------------


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
