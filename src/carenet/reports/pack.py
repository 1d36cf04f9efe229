"""The monthly report pack as a PDF (WeasyPrint, from the Django template the web shows) or
an XLSX workbook (xlsxwriter: numbers as numbers, charts).

In the workbook a suppressed count is a blank cell carrying a note ("fewer than 5"), never
the text "<5": every numeric column holds numbers or blanks, so it can be summed. Text is
written with `write_string`, so no cell can run as a formula.
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from carenet.core.suppression import min_cell
from carenet.reports import figures

if TYPE_CHECKING:
    from carenet.geo.models import AdminArea
    from carenet.reporting.models import Donor

FORMATS = ("pdf", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def build_file(
    user: Any,
    month: datetime.date,
    fmt: str,
    *,
    language: str = "en",
    donor: Donor | None = None,
    area: AdminArea | None = None,
) -> bytes:
    """The pack of `month` for `user` as PDF or XLSX bytes, in `language`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    with translation.override(language):
        pack = figures.build(user, month, donor=donor, area=area, with_map=fmt == "pdf")
        return pdf_bytes(pack, language) if fmt == "pdf" else xlsx_bytes(pack)


def file_name(month: datetime.date, fmt: str, donor: Donor | None, area: AdminArea | None) -> str:
    parts = ["carenet-report", f"{month:%Y-%m}"]
    if area is not None:
        parts.append(area.pcode)
    if donor is not None:
        parts.append(donor.code)
    return "-".join(parts) + f".{fmt}"


def html(pack: figures.Pack, language: str, *, for_pdf: bool = True) -> str:
    return render_to_string(
        "reports/pack.html",
        {
            "pack": pack,
            "language": language,
            "for_pdf": for_pdf,
            "min_cell": min_cell(),
        },
    )


def pdf_bytes(pack: figures.Pack, language: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html(pack, language)).write_pdf())


# --- XLSX -------------------------------------------------------------------------------------


class _Sheet:
    """One worksheet written row by row with typed cells."""

    def __init__(self, book: Any, name: str, formats: dict[str, Any]) -> None:
        self.ws = book.add_worksheet(name[:31])
        self.f = formats
        self.row = 0
        self.note = _("Fewer than %(n)s: not shown, so that nobody can be singled out.") % {
            "n": min_cell()
        }

    def title(self, text: str) -> None:
        self.ws.write_string(self.row, 0, text, self.f["title"])
        self.row += 2

    def header(self, labels: list[str]) -> None:
        for col, label in enumerate(labels):
            self.ws.write_string(self.row, col, label, self.f["header"])
        self.row += 1

    def line(self, cells: list[Any], numeric: set[int]) -> None:
        for col, value in enumerate(cells):
            if col in numeric:
                if value is None:
                    self.ws.write_blank(self.row, col, None, self.f["suppressed"])
                    self.ws.write_comment(self.row, col, self.note)
                else:
                    self.ws.write_number(self.row, col, value)
            else:
                self.ws.write_string(self.row, col, "" if value is None else str(value))
        self.row += 1

    def skip(self, n: int = 1) -> None:
        self.row += n


def xlsx_bytes(pack: figures.Pack) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bg_color": "#E8EEF4", "text_wrap": True}),
        "suppressed": book.add_format({"bg_color": "#F2F2F2"}),
    }
    _summary(book, pack, formats)
    _layers(book, pack, formats)
    _activities(book, pack, formats)
    _gap_sheet(book, pack, formats)
    _targets_sheet(book, pack, formats)
    book.close()
    return out.getvalue()


def _figure_rows(sheet: _Sheet, rows: list[figures.Figure]) -> None:
    for fig in rows:
        sheet.line([str(fig.label), fig.value], {1})


def _summary(book: Any, pack: figures.Pack, formats: dict[str, Any]) -> None:
    s = _Sheet(book, _("Summary"), formats)
    s.ws.set_column(0, 0, 48)
    s.ws.set_column(1, 1, 16)
    s.title(_("CareNet report for %(month)s") % {"month": f"{pack.month:%Y-%m}"})
    s.line([_("Scope"), pack.scope_label], set())
    s.line([_("Made on"), f"{pack.generated_at:%Y-%m-%d %H:%M} UTC"], set())
    s.line([_("Small counts"), s.note], set())
    s.skip()
    s.header([_("Headline figures"), _("Number")])
    _figure_rows(s, pack.headline)
    if pack.referrals:
        s.skip()
        s.header([_("Referrals"), _("Number")])
        _figure_rows(s, pack.referrals)
    s.skip()
    s.header([_("Communities of Practice and training"), _("Number")])
    _figure_rows(s, pack.cop)
    if pack.outcomes:
        s.skip()
        s.header([_("Outcomes"), _("Number")])
        _figure_rows(s, pack.outcomes)


def _layers(book: Any, pack: figures.Pack, formats: dict[str, Any]) -> None:
    s = _Sheet(book, _("4W by layer"), formats)
    s.ws.set_column(0, 0, 42)
    s.ws.set_column(1, 3, 16)
    s.title(_("People reached by pyramid layer"))
    s.header([_("Pyramid layer"), _("Organisations"), _("People reached"), _("Sessions")])
    first = s.row
    for r in pack.by_layer:
        s.line([r["label"], r["orgs"], r["reached"], r["sessions"]], {1, 2, 3})
    if pack.by_layer:
        chart = book.add_chart({"type": "bar"})
        name = s.ws.get_name()
        chart.add_series(
            {
                "name": _("People reached"),
                "categories": [name, first, 0, s.row - 1, 0],
                "values": [name, first, 2, s.row - 1, 2],
            }
        )
        chart.set_title({"name": _("People reached by pyramid layer")})
        chart.set_legend({"none": True})
        s.ws.insert_chart(s.row + 1, 0, chart)


def _activities(book: Any, pack: figures.Pack, formats: dict[str, Any]) -> None:
    s = _Sheet(book, _("4W by activity"), formats)
    s.ws.set_column(0, 0, 8)
    s.ws.set_column(1, 1, 60)
    s.ws.set_column(2, 5, 14)
    s.title(_("People reached by activity"))
    s.header(
        [
            _("Code"),
            _("Activity"),
            _("Layer"),
            _("Organisations"),
            _("People reached"),
            _("Sessions"),
        ]
    )
    first = s.row
    for r in pack.by_activity:
        s.line(
            [r["code"], r["label"], r["layer"], r["orgs"], r["reached"], r["sessions"]],
            {2, 3, 4, 5},
        )
    if pack.by_activity:
        chart = book.add_chart({"type": "column"})
        name = s.ws.get_name()
        chart.add_series(
            {
                "name": _("Organisations"),
                "categories": [name, first, 0, s.row - 1, 0],
                "values": [name, first, 3, s.row - 1, 3],
            }
        )
        chart.set_title({"name": _("Organisations per activity")})
        chart.set_legend({"none": True})
        s.ws.insert_chart(s.row + 1, 1, chart)


def _gap_sheet(book: Any, pack: figures.Pack, formats: dict[str, Any]) -> None:
    s = _Sheet(book, _("Gaps"), formats)
    s.ws.set_column(0, 0, 48)
    s.ws.set_column(1, 2, 18)
    s.title(_("Areas with people and no service, by layer"))
    s.header([_("Pyramid layer"), _("Areas with a gap"), _("Areas")])
    for r in pack.gap_layers:
        s.line([r["label"], r["areas_with_gap"], r["areas"]], {1, 2})


def _targets_sheet(book: Any, pack: figures.Pack, formats: dict[str, Any]) -> None:
    s = _Sheet(book, _("Programme targets"), formats)
    s.ws.set_column(0, 1, 30)
    s.ws.set_column(2, 7, 14)
    s.title(_("Programme targets"))
    s.header(
        [
            _("Programme"),
            _("Unit"),
            _("Area"),
            _("By"),
            _("Target"),
            _("Achieved"),
            _("Expected by now"),
            _("Status"),
        ]
    )
    for p in pack.targets:
        t = p.target
        s.line(
            [
                t.programme.name,
                t.get_unit_display(),
                t.area.pcode if t.area else _("everywhere"),
                t.due_on.isoformat(),
                t.number,
                p.shown,
                round(p.expected, 1),
                p.status_label,
            ],
            {4, 5, 6},
        )
