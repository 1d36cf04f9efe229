"""The one CSV writer and the one XLSX cell writer of the project, and the limits every
uploaded spreadsheet is checked against before it is parsed.

**Formula injection.** A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
is run as a formula by Excel, LibreOffice and Google Sheets when a CSV file is opened. Text
written by one organisation must never run in another's spreadsheet, so every CSV cell goes
through `safe_cell`, which puts an apostrophe in front of such text (what spreadsheets
themselves do to mark "text, not a formula"). Plain numbers (`-3`, `+48.5`) are left alone:
they cannot be formulas. Readers of our own files call `restore_cell` to take the apostrophe
off again, so an export re-imports without loss. XLSX cells are typed: strings are written
with `write_string` (never `write`, which turns `=…` into a formula), numbers with
`write_number`.

**Upload limits.** `check_xlsx_limits(path)` reads only the zip central directory and the
first bytes of each sheet, so a small file that expands to gigabytes (or declares two million
rows) is refused in milliseconds, before any parser allocates memory for it.
"""

from __future__ import annotations

import csv
import datetime
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.conf import settings

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def safe_cell(value: Any) -> str:
    """The cell as CSV text that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_TRIGGERS) and not _NUMBER.match(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """Undo `safe_cell` on a cell read back from one of our CSV files."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


class CsvWriter:
    """`csv.writer` whose every cell passes through `safe_cell`."""

    def __init__(self, out: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class CsvDictWriter:
    """`csv.DictWriter` (unknown keys ignored) whose every cell passes through `safe_cell`."""

    def __init__(self, out: Any, fieldnames: Sequence[str], **kwargs: Any) -> None:
        self.fieldnames = list(fieldnames)
        self._writer = CsvWriter(out, **kwargs)

    def writeheader(self) -> Any:
        return self._writer.writerow(self.fieldnames)

    def writerow(self, row: Mapping[str, Any]) -> Any:
        return self._writer.writerow([row.get(name) for name in self.fieldnames])


def csv_writer(out: Any, **kwargs: Any) -> CsvWriter:
    return CsvWriter(out, **kwargs)


# --- XLSX -------------------------------------------------------------------------------------


def workbook(out: Any, *, constant_memory: bool = False) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that never turns text into formulas or links.

    With `constant_memory`, rows must be written in order, each row complete before the next
    starts (xlsxwriter flushes a row as soon as a later one is touched)."""
    options: dict[str, Any] = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    if constant_memory:
        options.update(constant_memory=True, in_memory=False)
    else:
        options["in_memory"] = True
    return xlsxwriter.Workbook(out, options)


def write_cell(
    sheet: Any, row: int, col: int, value: Any, fmt: Any = None, date: Any = None
) -> None:
    """One typed cell: numbers as numbers, dates as dates, everything else as a string."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), date or fmt)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(
            row, col, datetime.datetime.combine(value, datetime.time()), date or fmt
        )
    else:
        sheet.write_string(row, col, str(value), fmt)


def write_row(
    sheet: Any, row: int, values: Sequence[Any], fmt: Any = None, date: Any = None
) -> None:
    for col, value in enumerate(values):
        write_cell(sheet, row, col, value, fmt, date)


# --- upload limits ----------------------------------------------------------------------------


class TooLarge(ValueError):
    """The spreadsheet is over a limit; `code` and `params` say which."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def max_rows() -> int:
    return int(getattr(settings, "CARENET_IMPORT_MAX_ROWS", 500_000))


def max_unzipped_bytes() -> int:
    return int(getattr(settings, "CARENET_IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024))


def check_xlsx_limits(source: Path | IO[bytes]) -> None:
    """Refuse an XLSX/ODS (zip) file whose content expands past the size limit or whose
    sheets declare more rows than the row limit; reads only the zip directory and the
    first kilobytes of each sheet. Not a zip: nothing to check here. `source` is a path or
    an open binary file (an upload)."""
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        return
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > max_unzipped_bytes():
            raise TooLarge(
                "too_large_unzipped",
                size_mb=total // (1024 * 1024),
                limit_mb=max_unzipped_bytes() // (1024 * 1024),
            )
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                rows = _declared_rows(zf, info)
                if rows is not None and rows > max_rows() + 10:
                    raise TooLarge("too_many_rows", rows=rows, limit=max_rows())


def _declared_rows(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int | None:
    """The last row of the sheet's `<dimension ref="A1:AE2000001">`, if it says one."""
    try:
        with zf.open(info) as f:
            head = f.read(4096)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError):
        return None
    match = _DIMENSION.search(head)
    if match is None or match.group(1) is None:
        return None
    return int(match.group(1))
