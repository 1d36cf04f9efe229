"""Writing 4W sheets: the organisation's template, and exports in XLSX, CSV and HXL.

Headers are in the reader's language; XLSX and HXL exports add the HXL hashtag row under
them, so an export re-imports cleanly (the importer finds columns by hashtag). People
counts of organisations other than the reader's own pass through `core.suppression`.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from carenet.core import audit, permissions, spreadsheets
from carenet.core.models import AuditAction
from carenet.core.suppression import label as suppressed_label
from carenet.core.suppression import suppress
from carenet.reporting import months
from carenet.reporting.columns import EXPORT_COLUMNS, TEMPLATE_COLUMNS, Column
from carenet.reporting.models import COUNT_FIELDS, ActivityReport, ActivityStatus

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation

FORMATS = ("xlsx", "csv", "hxl")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
}
TEMPLATE_ROWS = 1000


def export_queryset(rows: QuerySet[ActivityReport]) -> QuerySet[ActivityReport]:
    return rows.select_related(
        "organisation",
        "activity",
        "area",
        "adm1",
        "adm2",
        "adm3",
        "target_group",
        "period",
    ).order_by(
        "organisation__acronym", "activity__sort_order", "activity__code", "area__pcode", "id"
    )


def row_values(row: ActivityReport, sectors: dict[int, str], full_counts: bool) -> dict[str, Any]:
    """One row as {column key: value}, counts suppressed unless `full_counts`."""
    values: dict[str, Any] = {
        "org": row.organisation.acronym,
        "partner": row.implementing_partner,
        "donor": row.donor,
        "sector": sectors.get(row.organisation_id, ""),
        "activity": row.activity.code,
        "activity_name": row.activity.label,
        "layer": row.layer or "",
        "pcode": row.area.pcode,
        "site": str(row.site_uuid or ""),
        "target_group": row.target_group.code if row.target_group else "",
        "status": row.status,
        "month": months.key(row.month),
        "start_date": row.start_date,
        "end_date": row.end_date or "",
        "comments": row.comments,
        "review": row.period.status,
    }
    for level in (1, 2, 3):
        area = getattr(row, f"adm{level}")
        values[f"adm{level}"] = area.pcode if area else ""
        values[f"adm{level}_name"] = area.name if area else ""
    for name in COUNT_FIELDS:
        value = getattr(row, name)
        if not full_counts and name not in ("sessions", "trained") and value is not None:
            # a count stays a number; only a suppressed one becomes the text "<5"
            kept = suppress(value)
            value = suppressed_label(None) if kept is None else kept
        values[name] = "" if value is None else value
    return values


def _rows(
    rows: Iterable[ActivityReport], sectors: dict[int, str], own: set[int] | None
) -> Iterator[dict[str, Any]]:
    """`own` None: every count in full (the command line, run by the server's operator)."""
    for row in rows:
        yield row_values(row, sectors, own is None or row.organisation_id in own)


def write_csv(
    out: io.StringIO | Any,
    rows: Iterable[ActivityReport],
    *,
    hxl: bool,
    sectors: dict[int, str],
    own: set[int] | None,
) -> None:
    writer = spreadsheets.csv_writer(out)
    writer.writerow([str(c.label) for c in EXPORT_COLUMNS])
    if hxl:
        writer.writerow([c.hxl for c in EXPORT_COLUMNS])
    for values in _rows(rows, sectors, own):
        writer.writerow([_text(values.get(c.key)) for c in EXPORT_COLUMNS])


def write_xlsx(
    out: Any, rows: Iterable[ActivityReport], *, sectors: dict[int, str], own: set[int] | None
) -> None:
    # constant_memory writes each row out as soon as the next one is touched: write the
    # titles row whole, then the hashtag row, then the data, never two rows interleaved
    book = spreadsheets.workbook(out, constant_memory=True)
    sheet = book.add_worksheet("4W")
    head = book.add_format({"bold": True, "bg_color": "#dbe7f3", "text_wrap": True})
    tags = book.add_format({"font_color": "#4a5560", "italic": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, c in enumerate(EXPORT_COLUMNS):
        sheet.set_column(i, i, c.width)
    sheet.freeze_panes(2, 0)
    spreadsheets.write_row(sheet, 0, [str(c.label) for c in EXPORT_COLUMNS], head)
    spreadsheets.write_row(sheet, 1, [c.hxl for c in EXPORT_COLUMNS], tags)
    for r, values in enumerate(_rows(rows, sectors, own), start=2):
        spreadsheets.write_row(sheet, r, [values.get(c.key) for c in EXPORT_COLUMNS], date=date)
    book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- the template -----------------------------------------------------------------------------


def write_template(
    out: Any,
    *,
    organisation: Organisation,
    month: datetime.date,
    activities: Sequence[tuple[str, str]],
    areas: Sequence[tuple[str, str]],
    target_groups: Sequence[tuple[str, str]],
) -> None:
    """The organisation's XLSX template for a month: drop-downs of activity codes, places
    and target groups from a hidden sheet; numbers checked as whole numbers ≥ 0; dates
    checked to fall in the month."""
    book = spreadsheets.workbook(out)
    sheet = book.add_worksheet("4W")
    lists = book.add_worksheet("lists")
    help_sheet = book.add_worksheet(_("Instructions")[:31])
    named = _write_lists(book, lists, organisation, activities, areas, target_groups)
    lists.hide()
    head = book.add_format(
        {"bold": True, "bg_color": "#dbe7f3", "text_wrap": True, "valign": "top"}
    )
    tags = book.add_format({"font_color": "#4a5560", "italic": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, c in enumerate(TEMPLATE_COLUMNS):
        sheet.set_column(i, i, c.width, date if c.kind == "date" else None)
        sheet.write_string(0, i, str(c.label) + (" *" if c.required else ""), head)
        sheet.write_string(1, i, c.hxl, tags)
        _validate(sheet, i, c, named, month)
    sheet.set_row(0, 45)
    sheet.freeze_panes(2, 0)
    _write_help(help_sheet, organisation, month, book)
    sheet.activate()
    book.close()


def _write_lists(
    book: Any,
    lists: Any,
    organisation: Organisation,
    activities: Sequence[tuple[str, str]],
    areas: Sequence[tuple[str, str]],
    target_groups: Sequence[tuple[str, str]],
) -> dict[str, str]:
    statuses = [s.value for s in ActivityStatus]
    columns = {
        "activities": [f"{code} — {label}" for code, label in activities],
        "places": [f"{code} — {label}" for code, label in areas],
        "groups": [f"{code} — {label}" for code, label in target_groups],
        "statuses": statuses,
        "organisation": [organisation.acronym],
    }
    named: dict[str, str] = {}
    for col, (name, values) in enumerate(columns.items()):
        letter = chr(ord("A") + col)
        lists.write_string(0, col, name)
        for r, value in enumerate(values, start=1):
            lists.write_string(r, col, value)
        last = max(len(values), 1) + 1
        book.define_name(f"list_{name}", f"=lists!${letter}$2:${letter}${last}")
        named[name] = f"=list_{name}"
    return named


_LIST_OF = {
    "activity": "activities",
    "pcode": "places",
    "target_group": "groups",
    "status": "statuses",
    "org": "organisation",
}


def _validate(sheet: Any, i: int, c: Column, named: dict[str, str], month: datetime.date) -> None:
    first, last = 2, 1 + TEMPLATE_ROWS
    if c.key in _LIST_OF:
        sheet.data_validation(
            first,
            i,
            last,
            i,
            {
                "validate": "list",
                "source": named[_LIST_OF[c.key]],
                # a warning, not a stop: settlements (level 4) may be typed in
                "error_type": "warning" if c.key == "pcode" else "stop",
                "error_title": str(c.label)[:32],
                "error_message": _("Choose a value from the list.")[:255],
            },
        )
    elif c.kind == "int":
        sheet.data_validation(
            first,
            i,
            last,
            i,
            {
                "validate": "integer",
                "criteria": ">=",
                "value": 0,
                "error_message": _("Write a whole number, 0 or more.")[:255],
            },
        )
    elif c.key == "start_date":
        sheet.data_validation(
            first,
            i,
            last,
            i,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": datetime.datetime.combine(month, datetime.time()),
                "maximum": datetime.datetime.combine(months.last_day(month), datetime.time()),
                "error_message": (_("Write a date in %(month)s.") % {"month": months.key(month)})[
                    :255
                ],
            },
        )


def _write_help(sheet: Any, organisation: Organisation, month: datetime.date, book: Any) -> None:
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 100, wrap)
    lines = [
        (
            _("4W report of %(org)s for %(month)s")
            % {"org": organisation.acronym, "month": months.key(month)},
            bold,
        ),
        (
            _(
                "Fill in one row per activity and place on the sheet “4W”; keep the first two "
                "rows (titles and HXL hashtags)."
            ),
            wrap,
        ),
        (
            _(
                "Columns marked * are required. Choose activity codes, places and target groups "
                "from the drop-down lists; a settlement P-code may be typed in."
            ),
            wrap,
        ),
        (
            _(
                "People reached: either the total alone, or girls, boys, women and men by age "
                "band adding up to the total."
            ),
            wrap,
        ),
        (
            _(
                "The start date must fall in the reporting month. Uploading the same file again "
                "changes nothing."
            ),
            wrap,
        ),
    ]
    for r, (text, fmt) in enumerate(lines):
        sheet.write_string(r, 0, text, fmt)


# --- files handed to people (each one audited) ------------------------------------------------


def own_organisations(user: Any) -> set[int]:
    """The organisations whose figures `user` may take out unsuppressed: their own."""
    return set(permissions.scope_of(user).orgs_for("reporting.view"))


def readers_organisations(user: Any, organisation: Organisation | None) -> set[int]:
    """The one rule for every export, web or command line: counts are in full only for
    the reader's own organisations. The command line has no reader: an export of one
    organisation is that organisation's own file, a network export is suppressed."""
    if user is not None:
        return own_organisations(user)
    return {organisation.pk} if organisation is not None else set()


def sectors_by_org() -> dict[int, str]:
    from carenet.accounts.models import Organisation

    out: dict[int, list[str]] = {}
    through = Organisation.sectors.through
    for org_id, code in through.objects.values_list("organisation_id", "term__code"):
        out.setdefault(org_id, []).append(code)
    return {k: ", ".join(sorted(v)) for k, v in out.items()}


def _audit(actor: Any, what: str, organisation: Organisation | None = None) -> None:
    audit.record(AuditAction.EXPORT, actor=actor, organisation=organisation, detail=what)


def template_bytes(*, actor: Any, organisation: Organisation, month: datetime.date) -> bytes:
    """The organisation's template for a month (audited as an export)."""
    from carenet.geo import queries as geo
    from carenet.taxonomy import queries as taxonomy

    activities = [(t.code, t.label) for t in taxonomy.terms("iasc-4w")]
    groups = [(t.code, t.label) for t in taxonomy.terms("target-group")]
    areas = []
    for level in (1, 2, 3):
        areas += [(a.pcode, a.name) for a in geo.areas_at_level(organisation.country, level)]
    out = io.BytesIO()
    write_template(
        out,
        organisation=organisation,
        month=month,
        activities=activities,
        areas=areas,
        target_groups=groups,
    )
    _audit(actor, f"4W template {months.key(month)}", organisation)
    return out.getvalue()


def export_rows(
    *,
    actor: Any,
    rows: QuerySet[ActivityReport],
    fmt: str,
    out: Any,
    organisation: Organisation | None,
    month: datetime.date,
) -> None:
    """Write the rows to the binary file `out` as XLSX, CSV or HXL (audited)."""
    _audit(actor, f"4W rows {months.key(month)} {fmt}", organisation)
    qs = export_queryset(rows).iterator(chunk_size=2000)
    sectors, own = sectors_by_org(), readers_organisations(actor, organisation)
    if fmt == "xlsx":
        write_xlsx(out, qs, sectors=sectors, own=own)
        return
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    write_csv(text, qs, hxl=fmt == "hxl", sectors=sectors, own=own)
    text.flush()
    text.detach()


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv_stream(
    *,
    actor: Any,
    rows: QuerySet[ActivityReport],
    hxl: bool,
    organisation: Organisation | None,
    month: datetime.date,
) -> Iterator[str]:
    """CSV (or HXL-tagged CSV) lines for a streaming response (audited now)."""
    _audit(actor, f"4W rows {months.key(month)} {'hxl' if hxl else 'csv'}", organisation)
    sectors, own = sectors_by_org(), own_organisations(actor)
    writer = spreadsheets.csv_writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([str(c.label) for c in EXPORT_COLUMNS])
        if hxl:
            yield writer.writerow([c.hxl for c in EXPORT_COLUMNS])
        for values in _rows(export_queryset(rows).iterator(chunk_size=2000), sectors, own):
            yield writer.writerow([_text(values.get(c.key)) for c in EXPORT_COLUMNS])

    return lines()


def table_response(
    *, actor: Any, rows: Sequence[dict[str, Any]], columns: Sequence[Any], fmt: str, name: str
) -> HttpResponse:
    """A table of the gap analysis as CSV or XLSX; suppressed people counts read "<5"."""
    from carenet.reporting.gaps import PEOPLE_FIELDS

    _audit(actor, f"gap analysis {name} {fmt}")
    header = [str(c.label) for c in columns]
    body = [[_cell(r.get(c.key), c.key in PEOPLE_FIELDS) for c in columns] for r in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = spreadsheets.csv_writer(out)
        writer.writerow(header)
        writer.writerows(body)
        response = HttpResponse("\ufeff" + out.getvalue(), content_type=CONTENT_TYPES["csv"])
    else:
        data = io.BytesIO()
        book = spreadsheets.workbook(data)
        sheet = book.add_worksheet("data")
        bold = book.add_format({"bold": True, "bg_color": "#dbe7f3"})
        spreadsheets.write_row(sheet, 0, header, bold)
        for r, values in enumerate(body, start=1):
            spreadsheets.write_row(sheet, r, values)
        sheet.freeze_panes(1, 0)
        book.close()
        response = HttpResponse(data.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _cell(value: Any, people: bool) -> Any:
    if value is None:
        return suppressed_label(None) if people else ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value
