"""The outcome dashboard as CSV or XLSX: numbers as numbers, suppressed cells as `<5`."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from carenet.core import spreadsheets, suppression
from carenet.outcomes.queries import COUNTS, Dashboard

COLUMNS = (
    "month",
    "people",
    "participants",
    "headcount",
    "sessions",
    "completed",
    "ended",
    "completion",
    "outcomes",
    "mean_change",
    "improved",
    "improved_pct",
)


def rows(data: Dashboard) -> list[list[Any]]:
    """Header, one row per month, then the total; suppressed counts read `<5`."""
    out: list[list[Any]] = [[*COLUMNS, "instrument"]]
    for row in [*data.months, {**data.total, "month": _("Total")}]:
        out.append([_cell(data, row, name) for name in COLUMNS] + [data.instrument])
    return out


def _cell(data: Dashboard, row: dict[str, Any], name: str) -> Any:
    value = row.get(name)
    if value is None and data.suppressed and name in COUNTS:
        return suppression.label(None)
    return value


def dashboard_response(data: Dashboard, fmt: str) -> HttpResponse:
    table = rows(data)
    if fmt == "csv":
        text = io.StringIO()
        spreadsheets.csv_writer(text).writerows(table)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="outcomes.csv"'
        return response
    buffer = io.BytesIO()
    book = spreadsheets.workbook(buffer)
    sheet = book.add_worksheet("outcomes")
    date = book.add_format({"num_format": "yyyy-mm"})
    for i, values in enumerate(table):
        spreadsheets.write_row(sheet, i, values, date=date)
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="outcomes.xlsx"'
    return response
