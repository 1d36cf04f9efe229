"""People in need over time: dated figures per area and population group, and their import.

Every import adds figures dated by its rows (a `date` column) or by the date given with the
file; a figure of the same area, group and date is replaced, other dates are kept, so the
history of an area's needs stays. The gap page of a month reads, per area, the latest
figure for everyone (population group blank) dated up to the end of that month
(`latest_by_area`): a figure from an assessment in May is not used for April.

A file's header names its columns: a P-code (`pcode` or an HXL `#adm…+code`), people in need
(`people_in_need` or `#inneed`), and optionally a date (`date`, `as_of` or `#date`), a
population group (`population_group`, `group` or `#group`, a target-group code) and a source
(`source` or `#meta+source`). All or nothing: a file with any row error saves nothing, and
the errors name the line and the column as for 4W files.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from carenet.core import audit
from carenet.core.models import AuditAction
from carenet.reporting import gaps, months
from carenet.reporting.models import NeedsFigure
from carenet.reporting.readers import UnreadableFile, raw_rows
from carenet.reporting.validation import RowError, parse_date, parse_int

if TYPE_CHECKING:
    from carenet.accounts.models import User
    from carenet.geo.models import AdminArea

COLUMN_NAMES: dict[str, frozenset[str]] = {
    "pcode": frozenset(
        {"#loc+code", "#adm1+code", "#adm2+code", "#adm3+code", "#adm4+code", "pcode",
         "p-code", "p_code", "admin_pcode"}
    ),
    "people_in_need": frozenset(
        {"#inneed", "#inneed+total", "#inneed+ind", "people_in_need", "people in need",
         "in_need", "pin"}
    ),
    "date": frozenset({"date", "as_of", "as of", "#date", "#date+reported"}),
    "population_group": frozenset(
        {"population_group", "population group", "group", "#group", "#population+type"}
    ),
    "source": frozenset({"source", "#meta+source"}),
}  # fmt: skip


@dataclass
class NeedsOutcome:
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, Any]


def latest_by_area(area_ids: list[int], month: datetime.date | None) -> dict[int, int]:
    """Area id -> people in need (everyone) from the latest figure dated up to the end of
    `month` (None: the latest of all). One query; figures are few per area."""
    qs = NeedsFigure.objects.filter(population_group="")
    if month is not None:
        qs = qs.filter(as_of__lte=months.last_day(month))
    if len(area_ids) < 900:
        qs = qs.filter(area_id__in=area_ids)
    wanted = set(area_ids)
    out: dict[int, int] = {}
    # ordered by date: the last one seen per area is the latest
    for area_id, number in qs.order_by("as_of").values_list("area_id", "people_in_need"):
        if area_id in wanted:
            out[area_id] = number
    return out


def history(area: AdminArea) -> list[NeedsFigure]:
    """Every figure of an area, newest first (all population groups)."""
    return list(NeedsFigure.objects.filter(area=area).order_by("-as_of", "population_group"))


def needs_import(
    *,
    actor: User,
    path: Path,
    source: str,
    may_cover: Callable[[AdminArea], bool],
    as_of: datetime.date | None = None,
) -> NeedsOutcome:
    """Load dated people-in-need figures; all or nothing.

    `as_of` dates the rows without a date column (default: today); `may_cover(area)` says
    whether the actor may set figures for an area."""
    try:
        rows, _total = raw_rows(path)
        header = next(rows, None)
    except UnreadableFile as exc:
        return NeedsOutcome(errors=[RowError(0, "", exc.code, exc.params)])
    if header is None:
        return NeedsOutcome(errors=[RowError(0, "", "empty_file")])
    start, at = 2, _columns(header)
    if "pcode" not in at:  # titles in the first row, HXL hashtags in the second
        second = next(rows, None) or []
        start, at = 3, _columns(second)
    if "pcode" not in at or "people_in_need" not in at:
        return NeedsOutcome(errors=[RowError(0, "", "no_header")])
    parsed = list(_rows(rows, start, at))
    return _save(actor, source, may_cover, as_of or timezone.localdate(), parsed)


def needs_upload(
    *, actor: User, upload: IO[bytes], source: str, as_of: datetime.date | None = None
) -> NeedsOutcome:
    """Needs figures from an uploaded file, for the areas the actor coordinates."""
    from carenet.core import permissions
    from carenet.reporting.services import import_dir

    suffix = Path(getattr(upload, "name", "needs.csv")).suffix.lower()[:8]
    target = import_dir() / f"needs-{timezone.now():%Y%m%d%H%M%S%f}{suffix}"
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.read(1 << 20), b""):
            out.write(chunk)
    try:
        return needs_import(
            actor=actor,
            path=target,
            source=source,
            as_of=as_of,
            may_cover=lambda area: permissions.can(actor, "reporting.validate", area=area),
        )
    finally:
        target.unlink(missing_ok=True)


def _columns(header: Iterable[Any]) -> dict[str, int]:
    names = [str(c or "").strip().casefold() for c in header]
    out: dict[str, int] = {}
    for i, name in enumerate(names):
        for key, spellings in COLUMN_NAMES.items():
            if name in spellings:
                out.setdefault(key, i)
    return out


def _rows(rows: Iterable[list[Any]], start: int, at: dict[str, int]) -> Iterable[_Row]:
    for line, cells in enumerate(rows, start=start):
        if not any(str(c or "").strip() for c in cells):
            continue
        yield _Row(line, {key: cells[i] if i < len(cells) else None for key, i in at.items()})


def _save(
    actor: User,
    source: str,
    may_cover: Callable[[AdminArea], bool],
    default_date: datetime.date,
    rows: list[_Row],
) -> NeedsOutcome:
    from carenet.geo import queries as geo
    from carenet.taxonomy import queries as taxonomy

    pcodes = sorted({str(r.cells.get("pcode") or "").strip().upper() for r in rows} - {""})
    areas = {k.upper(): v for k, v in geo.areas_by_pcodes(pcodes).items()}
    groups = {code.casefold(): code for code in taxonomy.terms_by_code("target-group")}
    errors: list[RowError] = []
    figures: dict[tuple[int, str, datetime.date], dict[str, Any]] = {}
    for row in rows:
        found = _check(row, areas, groups, may_cover, default_date, errors)
        if found is not None:
            area, group, day, number, row_source = found
            figures[area.pk, group, day] = {
                "area": area,
                "people_in_need": number,
                "source": (row_source or source)[:200],
            }
    if errors or not figures:
        return NeedsOutcome(errors=errors or [RowError(0, "", "no_rows")])
    with transaction.atomic():
        for (_area_id, group, day), values in figures.items():
            NeedsFigure.objects.update_or_create(
                area=values["area"],
                population_group=group,
                as_of=day,
                defaults={
                    "people_in_need": values["people_in_need"],
                    "source": values["source"],
                    "uploaded_by": actor,
                },
            )
        audit.record(AuditAction.IMPORT, actor=actor, detail=f"needs figures: {len(figures)}")
        transaction.on_commit(gaps.data_changed)  # the gap pages drawn before are stale
    return NeedsOutcome(saved=len(figures))


def _check(
    row: _Row,
    areas: dict[str, AdminArea],
    groups: dict[str, str],
    may_cover: Callable[[AdminArea], bool],
    default_date: datetime.date,
    errors: list[RowError],
) -> tuple[AdminArea, str, datetime.date, int, str] | None:
    """The row's (area, group, date, number, source), or None with its errors added."""
    before = len(errors)
    line, cells = row.line, row.cells
    pcode = str(cells.get("pcode") or "").strip().upper()
    area = areas.get(pcode)
    if not pcode:
        errors.append(RowError(line, "pcode", "required"))
    elif area is None:
        errors.append(RowError(line, "pcode", "unknown_pcode", {"value": pcode}))
    elif not may_cover(area):
        errors.append(RowError(line, "pcode", "out_of_scope", {"value": pcode}))
    raw = cells.get("people_in_need")
    number, code = parse_int(raw)
    if code or number is None:
        errors.append(
            RowError(line, "people_in_need", code or "required", {"value": str(raw or "")})
        )
    day = default_date
    if str(cells.get("date") or "").strip():
        parsed = parse_date(cells["date"])
        if parsed is None:
            errors.append(RowError(line, "date", "bad_date", {"value": str(cells["date"])}))
        else:
            day = parsed
    group_text = str(cells.get("population_group") or "").strip()
    group = groups.get(group_text.casefold(), "") if group_text else ""
    if group_text and not group:
        errors.append(
            RowError(line, "population_group", "unknown_target_group", {"value": group_text})
        )
    if len(errors) > before or area is None or number is None:
        return None
    return area, group, day, number, str(cells.get("source") or "").strip()
