"""The pathway metrics rollup: per pathway, scope and month, the counts the metrics show.

A coordinator's table would otherwise count every referral of the network on each read (0.7
to 2.6 s at national scale). Instead each counted referral adds its *share* — sent = 1,
acknowledged = 1 or 0, ..., and the tenths of an hour it took to be acknowledged and started
— to `PathwayCell` rows: four groupings (organisation, layer, area, total) in up to four
scopes (the network, the sender's country, the person's oblast / voivodeship, the person's
own area: `area:<AdminArea id>`, the finest the referral names), each twice: over all time
(`month` "") and in the month it was sent ("2026-03", in `settings.TIME_ZONE`). So up to 32
cells, written by one statement (two when a time to acknowledge or to start is new).

The metrics read one scope over all time for the coordinators' page; whole months of a date
range, and the areas below an oblast, are sums of cells (`metrics`).

The services keep it exact, inside their own transaction:

* `snapshot` before a referral changes and `replace` after it (every transition, closing
  the loop) move the referral's share from its old cells to its new ones;
* `recount` after a `reporting` consent is recorded or withdrawn adds or removes all the
  person's sent referrals when that changes whether the person is counted;
* `expire` (run before every read from the rollup) does the same for consents whose end date
  has passed, so the rule "a valid reporting consent, checked now" still holds;
* `rebuild` recomputes everything from the referrals (after a bulk load, a repair, or a change
  of an organisation's country or of the areas' tree): `carenet rebuild-referral-rollup`.

Who counts is `Client.reports_until`: the last day a valid `reporting` consent covers
(`FOREVER` without an end date), None when the person is not counted.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.models import Count, DateField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from carenet.referrals.models import (
    OUTCOME_STATES,
    Client,
    Consent,
    ConsentPurpose,
    PathwayCell,
    Referral,
    Status,
)

FOREVER = datetime.date(9999, 12, 31)
COUNTS = (
    "sent",
    "acknowledged",
    "accepted",
    "started",
    "completed",
    "declined",
    "no_show",
    "outcomes",
    "loops_closed",
)
GROUPINGS = ("organisation", "layer", "area", "total")
NETWORK = "*"
ALL_TIME = ""  # the `month` of the cells that count every month
KEY_FIELDS = ("scope", "grouping", "origin", "target", "month")
HISTOGRAMS = ("to_acknowledge", "to_start")
MEDIANS = ("median_to_acknowledge", "median_to_start")
_MICRO = datetime.timedelta(microseconds=1)
_TENTH = datetime.timedelta(minutes=6) // _MICRO
_HOUR = datetime.timedelta(hours=1) // _MICRO
_DAY = datetime.timedelta(days=1) // _MICRO
_CHUNK = 500  # cells per statement

Key = tuple[str, str, str, str, str]  # scope, grouping, origin, target, month


def tenths(start: datetime.datetime | None, end: datetime.datetime | None) -> int | None:
    """Time from `start` to `end` in tenths of an hour, rounded half up to a tenth below a
    day and to a whole hour from a day on (a histogram then needs a few hundred values, not
    thousands); None if either is missing. The metrics that count the referrals themselves
    round the same way (`metrics._Tenths`), so both give the same medians."""
    if start is None or end is None:
        return None
    micro = (end - start) // _MICRO
    if micro < _DAY:
        return (micro + _TENTH // 2) // _TENTH
    return (micro + _HOUR // 2) // _HOUR * 10


def region_of(path: str | None) -> str:
    """The oblast / voivodeship P-code of an area path ("UA32/UA3210/..." -> "UA32")."""
    return (path or "").split("/")[0]


def month_of(moment: datetime.datetime) -> str:
    """The month a referral sent at `moment` counts in: "2026-03", by the date in
    `settings.TIME_ZONE`, as `sent_at__date` reads it."""
    return timezone.localtime(moment, timezone.get_default_timezone()).strftime("%Y-%m")


def area_scope(area_id: int) -> str:
    return f"area:{area_id}"


@dataclass(frozen=True)
class Share:
    """What one counted referral adds to each of its cells."""

    scopes: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]  # (origin, target) in the order of GROUPINGS
    month: str
    counts: tuple[int, ...]  # in the order of COUNTS
    to_acknowledge: int | None
    to_start: int | None

    @property
    def keys(self) -> tuple[Key, ...]:
        return tuple(self.keys_in(self.scopes, (ALL_TIME, self.month)))

    def keys_in(self, scopes: Iterable[str], months: Iterable[str]) -> Iterator[Key]:
        for month in months:
            for scope in scopes:
                for grouping, (origin, target) in zip(GROUPINGS, self.pairs, strict=True):
                    yield (scope, grouping, origin, target, month)


def share(
    *,
    status: str,
    sent_at: datetime.datetime,
    acknowledged_at: datetime.datetime | None,
    accepted_at: datetime.datetime | None,
    started_at: datetime.datetime | None,
    loop_closed_at: datetime.datetime | None,
    from_organisation_id: int,
    to_organisation_id: int | None,
    from_layer: str,
    layer: str,
    area_id: int | None,
    area_path: str | None,
    country: str,
) -> Share:
    region = region_of(area_path)
    scopes = [NETWORK, f"country:{country}"]
    if region:
        scopes.append(f"region:{region}")
    if area_id is not None:
        scopes.append(area_scope(area_id))
    outcome = status in OUTCOME_STATES
    counts = (
        1,
        acknowledged_at is not None,
        accepted_at is not None,
        started_at is not None,
        status == Status.COMPLETED,
        status == Status.DECLINED,
        status == Status.NO_SHOW,
        outcome,
        outcome and loop_closed_at is not None,
    )
    return Share(
        scopes=tuple(scopes),
        pairs=(
            (str(from_organisation_id), str(to_organisation_id or "")),
            (from_layer, layer),
            (region, region),
            ("", ""),
        ),
        month=month_of(sent_at),
        counts=tuple(int(c) for c in counts),
        to_acknowledge=tenths(sent_at, acknowledged_at),
        to_start=tenths(sent_at, started_at),
    )


def share_of(referral: Referral) -> Share | None:
    """The share of a sent referral (None for a draft), whoever the person is."""
    if referral.sent_at is None:
        return None
    return share(
        status=referral.status,
        sent_at=referral.sent_at,
        acknowledged_at=referral.acknowledged_at,
        accepted_at=referral.accepted_at,
        started_at=referral.started_at,
        loop_closed_at=referral.loop_closed_at,
        from_organisation_id=referral.from_organisation_id,
        to_organisation_id=referral.to_organisation_id,
        from_layer=referral.from_layer,
        layer=referral.layer,
        area_id=referral.area_id,
        area_path=referral.area.path if referral.area_id and referral.area else None,
        country=referral.from_organisation.country,
    )


# --- keeping it up to date (called by the services, inside their transaction) ---------------


@dataclass(frozen=True)
class Snapshot:
    """Whether the referral's person is counted (their client row is locked until the end of
    the transaction, so this cannot change before `replace`), and the referral's share."""

    counted: bool
    share: Share | None


def snapshot(referral: Referral) -> Snapshot:
    """The referral's share now, if its person is counted. Locks the client row, so a consent
    change of the same person waits for (or is waited for by) this step."""
    counted = (
        Client.objects.select_for_update()
        .filter(pk=referral.client_id)
        .values_list("reports_until", flat=True)
        .get()
    ) is not None
    return Snapshot(counted, share_of(referral) if counted else None)


def replace(before: Snapshot, referral: Referral) -> None:
    """Move the referral's share from `before` (its snapshot) to what it is now."""
    after = share_of(referral) if before.counted else None
    if before.share != after:
        _apply([(before.share, -1), (after, 1)])


def recount(client: Client) -> None:
    """Recompute whether the person is counted; add or remove their sent referrals when that
    changed. Call after recording or withdrawing a `reporting` consent."""
    was = (
        Client.objects.select_for_update()
        .filter(pk=client.pk)
        .values_list("reports_until", flat=True)
        .get()
    )
    until = reports_until(client)
    if (was is None) != (until is None):
        sign = 1 if until is not None else -1
        _apply((share_of(r), sign) for r in _sent_referrals(client))
    if was != until:
        Client.objects.filter(pk=client.pk).update(reports_until=until)
    client.reports_until = until


def reports_until(client: Client) -> datetime.date | None:
    """The last day the person's valid `reporting` consents cover; None if there is none."""
    found = (
        Consent.objects.valid()
        .filter(client_id=client.pk, purpose=ConsentPurpose.REPORTING)
        .aggregate(
            n=Count("pk"), open=Count("pk", filter=Q(valid_until=None)), last=Max("valid_until")
        )
    )
    if not found["n"]:
        return None
    return FOREVER if found["open"] else found["last"]


def expire(today: datetime.date | None = None) -> int:
    """Stop counting people whose last `reporting` consent has run out; returns how many.

    One indexed lookup when nothing is due, so the metrics run it before each read.
    """
    today = today or timezone.localdate()
    due = list(
        Client.objects.filter(reports_until__lt=today).order_by().values_list("pk", flat=True)
    )
    if due:
        with transaction.atomic():
            for pk in due:
                recount(Client(pk=pk))
    return len(due)


def _sent_referrals(client: Client) -> Iterator[Referral]:
    return (
        Referral.objects.filter(client_id=client.pk, sent_at__isnull=False)
        .select_related("area", "from_organisation")
        .iterator()
    )


@dataclass
class _Delta:
    counts: list[int] = field(default_factory=lambda: [0] * len(COUNTS))
    to_acknowledge: dict[str, int] = field(default_factory=dict)
    to_start: dict[str, int] = field(default_factory=dict)

    def add(self, part: Share, sign: int) -> None:
        counts = self.counts
        for i, value in enumerate(part.counts):
            if value:
                counts[i] += sign * value
        if part.to_acknowledge is not None:
            _bump(self.to_acknowledge, part.to_acknowledge, sign)
        if part.to_start is not None:
            _bump(self.to_start, part.to_start, sign)

    def is_zero(self) -> bool:
        return not any(self.counts) and not self.to_acknowledge and not self.to_start


def _bump(histogram: dict[str, int], value: int | str, by: int) -> None:
    key = str(value)
    n = histogram.get(key, 0) + by
    if n:
        histogram[key] = n
    else:
        histogram.pop(key, None)


def _apply(changes: Iterable[tuple[Share | None, int]]) -> None:
    deltas: dict[Key, _Delta] = {}
    for part, sign in changes:
        if part is None:
            continue
        for key in part.keys:
            deltas.setdefault(key, _Delta()).add(part, sign)
    # In key order, so that two steps touching the same cells lock them in the same order
    # and cannot deadlock.
    keys = sorted(k for k, d in deltas.items() if not d.is_zero())
    for start in range(0, len(keys), _CHUNK):
        _apply_chunk(keys[start : start + _CHUNK], deltas)


def _apply_chunk(keys: list[Key], deltas: dict[Key, _Delta]) -> None:
    """Add the counts in one INSERT ... ON CONFLICT DO UPDATE (the row locks it takes are
    held to the end of the transaction); when a histogram changes, the same statement
    returns it, and one more writes it back with its median."""
    histograms = [name for name in HISTOGRAMS if any(getattr(deltas[k], name) for k in keys)]
    changed = [n for i, n in enumerate(COUNTS) if any(deltas[k].counts[i] for k in keys)]
    found = _upsert(
        [[*key, *deltas[key].counts, "{}", "{}"] for key in keys],
        columns=(*KEY_FIELDS, *COUNTS, *HISTOGRAMS),
        added=changed,
        returning=histograms,
    )
    if not histograms:
        return
    rows = []
    for row in found:
        key: Key = tuple(row[: len(KEY_FIELDS)])  # type: ignore[assignment]
        now = dict(zip(histograms, row[len(KEY_FIELDS) :], strict=True))
        values: list[Any] = [*key, *([0] * len(COUNTS))]  # every column: NOT NULL comes first
        medians: list[float | None] = []
        for name in HISTOGRAMS:
            if name not in now:
                values.append("{}")  # not written
                continue
            histogram = json.loads(now[name]) if isinstance(now[name], str) else dict(now[name])
            for tenth, by in getattr(deltas[key], name).items():
                _bump(histogram, tenth, by)
            values.append(json.dumps(histogram))
            # A month's cells are only ever read summed: no median of their own.
            medians.append(median_tenths([histogram]) if key[-1] == ALL_TIME else None)
        rows.append(values + medians)
    written = [*histograms, *(f"median_{name}" for name in histograms)]
    _upsert(
        rows,
        columns=(*KEY_FIELDS, *COUNTS, *HISTOGRAMS, *written[len(histograms) :]),
        replaced=written,
    )


def _upsert(
    rows: list[list[Any]],
    *,
    columns: tuple[str, ...],
    added: Iterable[str] = (),
    replaced: Iterable[str] = (),
    returning: Iterable[str] = (),
) -> list[Any]:
    """INSERT the cells (`rows` of `columns`, the key first), or where a cell is there
    already add the `added` columns to it and set the `replaced` ones; RETURNING the key and
    the `returning` columns. The same SQL on PostgreSQL and SQLite; every value is a
    parameter. A cell there is updated (and so locked) even when nothing is added or set."""
    qn = connection.ops.quote_name
    table = qn(PathwayCell._meta.db_table)
    sets = [f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in added] + [
        f"{qn(c)} = excluded.{qn(c)}" for c in replaced
    ] or [f"{qn('sent')} = {table}.{qn('sent')}"]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES {', '.join([row] * len(rows))} "
        f"ON CONFLICT ({', '.join(qn(c) for c in KEY_FIELDS)}) DO UPDATE SET {', '.join(sets)}"
    )
    wanted = list(returning)
    if wanted:
        sql += " RETURNING " + ", ".join(qn(c) for c in (*KEY_FIELDS, *wanted))
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for values in rows for value in values])
        return cursor.fetchall() if wanted else []


# --- rebuilding from the referrals -----------------------------------------------------------

# What a referral's counts and times are read from, here and in `metrics`.
STEP_FIELDS = (
    "status",
    "sent_at",
    "acknowledged_at",
    "accepted_at",
    "started_at",
    "loop_closed_at",
)
_ROW = (
    *STEP_FIELDS,
    "from_organisation_id",
    "to_organisation_id",
    "from_layer",
    "layer",
    "area_id",
    "area__path",
    "from_organisation__country",
)
# The cells are made one family at a time (a kind of scope, over all time or by month), so
# that only the cells of one family are in memory.
_FAMILIES = [
    (kind, monthly) for kind in ("*", "country:", "region:", "area:") for monthly in (False, True)
]


@transaction.atomic
def rebuild(*, apps: Any = None) -> int:
    """Recompute who is counted and every cell from the referrals; returns the cells made.

    `apps`: the app registry to take the models from (a migration passes its own).
    """
    registry = apps or django_apps
    client_model = registry.get_model("referrals", "Client")
    consent_model = registry.get_model("referrals", "Consent")
    referral_model = registry.get_model("referrals", "Referral")
    cell_model = registry.get_model("referrals", "PathwayCell")
    now = timezone.now()
    last = (
        consent_model.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate(now)),
            client=OuterRef("pk"),
            purpose=ConsentPurpose.REPORTING,
            withdrawn_at__isnull=True,
            given_at__lte=now,
        )
        .values("client")
        .annotate(last=Max(Coalesce("valid_until", Value(FOREVER, output_field=DateField()))))
        .values("last")
    )
    client_model.objects.update(reports_until=Subquery(last))
    cell_model.objects.all().delete()
    args = _share_args()
    shares = [
        share(**dict(zip(args, row, strict=True)))
        for row in referral_model.objects.filter(
            sent_at__isnull=False, client__reports_until__isnull=False
        )
        .values_list(*_ROW)
        .iterator(chunk_size=10_000)
    ]
    made = 0
    for kind, monthly in _FAMILIES:
        deltas: dict[Key, _Delta] = {}
        for part in shares:
            scopes = [s for s in part.scopes if s.startswith(kind)]
            for key in part.keys_in(scopes, (part.month if monthly else ALL_TIME,)):
                delta = deltas.get(key)
                if delta is None:
                    delta = deltas[key] = _Delta()
                delta.add(part, 1)
        _insert(cell_model._meta.db_table, (_cell(key, delta) for key, delta in deltas.items()))
        made += len(deltas)
    return made


@functools.cache
def _share_args() -> tuple[str, ...]:
    return tuple(
        {"area__path": "area_path", "from_organisation__country": "country"}.get(c, c) for c in _ROW
    )


_COLUMNS = (*KEY_FIELDS, *COUNTS, *HISTOGRAMS, *MEDIANS)


def _cell(key: Key, delta: _Delta) -> tuple[Any, ...]:
    """The values of a new cell, in the order of `_COLUMNS`."""
    histograms = (delta.to_acknowledge, delta.to_start)
    # A month's cells are only ever read summed: no median of their own.
    alone = key[-1] == ALL_TIME
    return (
        *key,
        *delta.counts,
        *(json.dumps(h) for h in histograms),
        *(median_tenths([h]) if alone else None for h in histograms),
    )


def _insert(table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """Write new cells: COPY on PostgreSQL, a prepared INSERT elsewhere (the model's layer
    would take most of a rebuild's time at national scale)."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in _COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(_COLUMNS))
            insert = f"INSERT INTO {qn(table)} ({columns}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, list(rows))


def median_tenths(histograms: Iterable[Mapping[Any, Any]]) -> float | None:
    """The median of the values the histograms (tenths -> how many) count together, with the
    mean of the two middle values for an even count, as PERCENTILE_CONT(0.5)."""
    merged: dict[int, int] = {}
    for histogram in histograms:
        for key, n in histogram.items():
            merged[int(key)] = merged.get(int(key), 0) + int(n)
    total = sum(merged.values())
    if total <= 0:
        return None
    low, high = (total - 1) // 2, total // 2
    found: list[int] = []
    seen = 0
    for value in sorted(merged):
        seen += merged[value]
        while len(found) < 2 and seen > (low, high)[len(found)]:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2
