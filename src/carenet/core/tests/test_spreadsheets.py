"""The one CSV writer and the XLSX cell writer: nothing a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from carenet.core import spreadsheets


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+48 22 000", "'+48 22 000"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),
        ("+48.5", "+48.5"),
        ("-1e5", "-1e5"),
        ("plain", "plain"),
        (None, ""),
        (True, "true"),
        (-4, "-4"),
        (datetime.date(2026, 3, 1), "2026-03-01"),
    ],
)
def test_it_neutralises_cells_that_start_a_formula(value: object, written: str) -> None:
    assert spreadsheets.safe_cell(value) == written


def test_restore_undoes_the_neutralising() -> None:
    for text in ("=1+2", "+48 x", "@a", "-b", "'quoted", "it's"):
        assert spreadsheets.restore_cell(spreadsheets.safe_cell(text)) == text


def test_the_writers_pass_every_cell_through_it() -> None:
    out = io.StringIO()
    spreadsheets.csv_writer(out).writerows([["=a", "b"], ["-1", "@c"]])
    dict_out = io.StringIO()
    writer = spreadsheets.CsvDictWriter(dict_out, ["x", "y"])
    writer.writeheader()
    writer.writerow({"x": "=cmd|' /C calc'!A0", "z": "ignored"})
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=a", "b"], ["-1", "'@c"]]
    assert list(csv.reader(io.StringIO(dict_out.getvalue())))[1] == ["'=cmd|' /C calc'!A0", ""]


def test_xlsx_cells_are_typed_and_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    book = spreadsheets.workbook(str(path))
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    values = ["=1+1", 7, 2.5, datetime.date(2026, 1, 2), "", None, "x"]
    spreadsheets.write_row(sheet, 0, values, date=day)
    book.close()
    row = next(openpyxl.load_workbook(path).active.iter_rows(values_only=False))
    assert [c.data_type for c in row] == ["s", "n", "n", "d", "n", "n", "s"]
    assert row[0].value == "=1+1" and row[1].value == 7


def test_it_refuses_a_zip_that_expands_past_the_limit(tmp_path: Path, settings: object) -> None:
    settings.CARENET_IMPORT_MAX_UNZIPPED_BYTES = 1_000_000  # type: ignore[attr-defined]
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * 2_000_000)
    assert path.stat().st_size < 20_000
    with pytest.raises(spreadsheets.TooLarge) as exc:
        spreadsheets.check_xlsx_limits(path)
    assert exc.value.code == "too_large_unzipped"


def test_it_refuses_a_sheet_that_declares_too_many_rows(tmp_path: Path, settings: object) -> None:
    settings.CARENET_IMPORT_MAX_ROWS = 1000  # type: ignore[attr-defined]
    path = tmp_path / "long.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:AE5000"/>')
    with pytest.raises(spreadsheets.TooLarge) as exc:
        spreadsheets.check_xlsx_limits(path)
    assert exc.value.params["rows"] == 5000
    small = tmp_path / "small.xlsx"
    with zipfile.ZipFile(small, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", '<worksheet><dimension ref="A1:AE900"/>')
    spreadsheets.check_xlsx_limits(small)  # under the limit: no error
    not_zip = tmp_path / "x.csv"
    not_zip.write_text("a,b\n")
    spreadsheets.check_xlsx_limits(not_zip)
