"""Writing many 4W rows fast: COPY on PostgreSQL, one prepared INSERT on SQLite.

The ORM's bulk_create prepares every value of every row through its field classes, which
costs more than reading and checking a 100,000-row file together; these rows are already
checked, so they go in as tuples in the column order of `COLUMNS`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from carenet.reporting.models import ActivityReport

if TYPE_CHECKING:
    from carenet.reporting.validation import Candidate

COLUMNS: tuple[str, ...] = (
    "uuid",
    "created_at",
    "updated_at",
    "period_id",
    "organisation_id",
    "month",
    "row_key",
    "content_hash",
    "activity_id",
    "layer",
    "area_id",
    "adm1_id",
    "adm2_id",
    "adm3_id",
    "site_uuid",
    "implementing_partner",
    "donor",
    "funder_id",
    "target_group_id",
    "status",
    "start_date",
    "end_date",
    "reached_f_0_17",
    "reached_m_0_17",
    "reached_f_18_59",
    "reached_m_18_59",
    "reached_f_60",
    "reached_m_60",
    "reached_total",
    "sessions",
    "trained",
    "comments",
    "import_job_id",
)
_UUIDS = {"uuid", "site_uuid"}
_DATES = {"month", "start_date", "end_date"}
_STAMPS = {"created_at", "updated_at"}
BATCH = 5000


def row(values: dict[str, Any], now: datetime.datetime | None = None) -> tuple[Any, ...]:
    """A tuple for `insert` from field values (a new uuid; created and updated now)."""
    stamp = now or timezone.now()
    full = {"uuid": uuid.uuid4(), "created_at": stamp, "updated_at": stamp, **values}
    return tuple(full.get(c) for c in COLUMNS)


def candidate_row(
    c: Candidate,
    *,
    period_id: int,
    organisation_id: int,
    month: datetime.date,
    job_id: int | None,
    now: datetime.datetime,
) -> tuple[Any, ...]:
    """The tuple of a checked row (the import's hot loop: no dictionaries)."""
    assert c.area is not None
    n, anc = c.counts, c.ancestors
    return (
        uuid.uuid4(),
        now,
        now,
        period_id,
        organisation_id,
        month,
        c.row_key,
        c.content_hash,
        c.activity_id,
        c.layer,
        c.area.pk,
        anc.get(1),
        anc.get(2),
        anc.get(3),
        c.site_uuid,
        c.partner,
        c.donor,
        c.funder_id,
        c.target_group_id,
        c.status,
        c.start_date,
        c.end_date,
        n["reached_f_0_17"],
        n["reached_m_0_17"],
        n["reached_f_18_59"],
        n["reached_m_18_59"],
        n["reached_f_60"],
        n["reached_m_60"],
        n["reached_total"],
        n["sessions"],
        n["trained"],
        c.comments,
        job_id,
    )


def insert(rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ActivityReport rows given as tuples in `COLUMNS` order."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(rows)
    else:
        _execute_many(rows)


def _copy(rows: Sequence[tuple[Any, ...]]) -> None:
    table = ActivityReport._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)


def _execute_many(rows: Sequence[tuple[Any, ...]]) -> None:
    table = ActivityReport._meta.db_table
    marks = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
    stamps: dict[datetime.datetime, Any] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [_for_sqlite(values, stamps) for values in rows[start : start + BATCH]]
            )


_UUID_AT = [COLUMNS.index(c) for c in sorted(_UUIDS)]
_DATE_AT = [COLUMNS.index(c) for c in sorted(_DATES)]
_STAMP_AT = [COLUMNS.index(c) for c in sorted(_STAMPS)]


def _for_sqlite(values: tuple[Any, ...], stamps: dict[datetime.datetime, Any]) -> list[Any]:
    """Values as Django stores them in SQLite: UUIDs as hex, dates and times as text."""
    out = list(values)
    for i in _UUID_AT:
        if out[i] is not None:
            out[i] = out[i].hex
    for i in _DATE_AT:
        if out[i] is not None:
            out[i] = out[i].isoformat()
    for i in _STAMP_AT:
        stamp = out[i]
        if stamp not in stamps:  # every row of one import has the same stamps
            stamps[stamp] = connection.ops.adapt_datetimefield_value(stamp)
        out[i] = stamps[stamp]
    return out
