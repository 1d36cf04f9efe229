"""The roster as an XLSX file: text with write_string (never run as a formula), numbers
with write_number."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_xlsx(organisations: list[Any], focal_points: dict[int, list[Any]]) -> HttpResponse:
    """One row per organisation; the focal point columns only when `focal_points` is given
    (members' export)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(_("Roster")[:31])
    bold = book.add_format({"bold": True})
    header = [_("Name"), _("Acronym"), _("Kind"), _("Role"), _("Sectors"), _("Areas")]
    header += [_("Number of areas")]
    if focal_points:
        header += [_("Focal points"), _("E-mail addresses")]
    for col, title in enumerate(header):
        sheet.write_string(0, col, str(title), bold)
    for row, org in enumerate(organisations, start=1):
        texts = [
            org.name,
            org.acronym,
            str(org.get_kind_display()),
            str(org.get_coordination_role_display()),
            ", ".join(t.label for t in org.sectors.all()),
            ", ".join(f"{a.name} ({a.pcode})" for a in org.areas.all()),
        ]
        for col, text in enumerate(texts):
            sheet.write_string(row, col, text)
        sheet.write_number(row, len(texts), len(org.areas.all()))
        if focal_points:
            people = focal_points.get(org.pk, [])
            sheet.write_string(row, 7, ", ".join(m.user.full_name or "" for m in people))
            sheet.write_string(row, 8, ", ".join(m.user.email for m in people))
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, len(header), 18)
    book.close()
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="carenet-roster-{stamp}.xlsx"'
    return response
