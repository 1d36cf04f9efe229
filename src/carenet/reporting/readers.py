"""Reading uploaded sheets: XLSX/XLS/ODS with python-calamine, CSV and HXL-tagged CSV.

`open_table(path)` finds the header (labels, an HXL hashtag row, or both) and yields the
data rows with their line numbers as the user sees them in a spreadsheet.

Before anything is parsed, a zip file's directory is checked against the size and row limits
(`core.spreadsheets.check_xlsx_limits`), so a small file that expands to gigabytes is refused
in milliseconds. Cells a parser would silently turn into blanks or zeros are reported:
spreadsheet error values (`#DIV/0!`), formulas saved without their computed value, and merged
cells (whose value sits only in the top-left cell) are `Table.problems`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from carenet.core import spreadsheets
from carenet.reporting import columns

SHEET_NAME = "4W"
HEADER_SCAN_ROWS = 6
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
ERROR_VALUES = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!"}
)
Problems = dict[tuple[int, int], tuple[str, dict[str, Any]]]  # (line, column index) -> error


class UnreadableFile(ValueError):
    """The file is not a spreadsheet or CSV we can read; `code` names why."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Table:
    """Column index -> column key, and the data rows as (line number, cells)."""

    columns: dict[int, str]
    rows: Iterator[tuple[int, list[Any]]]
    total_rows: int
    unknown_headers: list[str] = field(default_factory=list)
    # every header cell in file order with the column it was read as (None: not read)
    headers: list[tuple[str, str | None]] = field(default_factory=list)
    problems: Problems = field(default_factory=dict)


def open_table(path: Path) -> Table:
    """The 4W table in a file: its columns and numbered data rows."""
    problems: Problems = {}
    raw, total = raw_rows(path, problems)
    table = _with_header(raw, total)
    table.problems = problems
    return table


def raw_rows(path: Path, problems: Problems | None = None) -> tuple[Iterator[list[Any]], int]:
    """Every row of the file's first (or "4W") sheet, and how many there are; refuses a file
    over the size or row limits before parsing it."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(_ZIP):
        try:
            spreadsheets.check_xlsx_limits(path)
        except spreadsheets.TooLarge as exc:
            raise UnreadableFile(exc.code, **exc.params) from exc
    elif path.stat().st_size > spreadsheets.max_unzipped_bytes():
        raise UnreadableFile(
            "too_large_unzipped",
            size_mb=path.stat().st_size // (1024 * 1024),
            limit_mb=spreadsheets.max_unzipped_bytes() // (1024 * 1024),
        )
    if head.startswith((_ZIP, _OLE)):
        return _sheet_rows(path, problems if problems is not None else {})
    return _csv_rows(path)


def _sheet_rows(path: Path, problems: Problems) -> tuple[Iterator[list[Any]], int]:
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        if not names:
            raise UnreadableFile("empty_file")
        name = SHEET_NAME if SHEET_NAME in names else names[0]
        sheet = book.get_sheet_by_name(name)
        total = sheet.height
        if total > spreadsheets.max_rows() + HEADER_SCAN_ROWS:
            raise UnreadableFile("too_many_rows", rows=total, limit=spreadsheets.max_rows())
        top, left = sheet.start or (0, 0)
        if top:  # the sheet starts below row 1: keep line numbers as the user sees them
            rows: Iterator[list[Any]] = _chain([[]] * top, iter(sheet.iter_rows()))
        else:
            rows = iter(sheet.iter_rows())
        for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    problems[(r + 1, c - left)] = ("merged_cell", {"cells": _range(r0, c0, r1, c1)})
        if head_is_xlsx(path):
            _scan_xlsx_cells(path, names.index(name), left, problems)
        return rows, total + top
    except CalamineError as exc:
        raise UnreadableFile("unreadable_file") from exc
    except (OSError, ValueError) as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise UnreadableFile("unreadable_file") from exc


def head_is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _range(r0: int, c0: int, r1: int, c1: int) -> str:
    return f"{_letters(c0)}{r0 + 1}:{_letters(c1)}{r1 + 1}"


def _letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_SHEET_TARGETS = re.compile(rb'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"')
_SHEET_TARGETS_REV = re.compile(rb'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"')
_SHEET_IDS = re.compile(rb'<sheet [^>]*r:id="([^"]+)"')


def _sheet_member(zf: zipfile.ZipFile, index: int) -> str | None:
    """The zip member of the workbook's `index`-th sheet (xl/worksheets/sheetN.xml)."""
    try:
        ids = _SHEET_IDS.findall(zf.read("xl/workbook.xml"))
        rels_xml = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    rels = dict(_SHEET_TARGETS.findall(rels_xml))
    rels.update({k: v for v, k in _SHEET_TARGETS_REV.findall(rels_xml)})
    if index >= len(ids) or ids[index] not in rels:
        return None
    target = rels[ids[index]].decode().lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _scan_xlsx_cells(path: Path, index: int, left: int, problems: Problems) -> None:
    """Error values and formulas saved without a value: the parser reads both as blanks.

    Streams the sheet's XML (bounded memory); a sheet with no formula and no error cell,
    the usual case, is only searched for two byte strings."""
    from xml.etree.ElementTree import iterparse  # noqa: S405 - size-limited, no DTDs used

    with zipfile.ZipFile(path) as zf:
        member = _sheet_member(zf, index)
        if member is None or member not in zf.namelist():
            return
        if not _has_formula_or_error(zf, member):
            return
        with zf.open(member) as f:
            for _event, el in iterparse(f):  # noqa: S314 - see above
                if not el.tag.endswith("}c"):
                    continue
                _check_cell(el, left, problems)
                el.clear()


def _check_cell(el: Any, left: int, problems: Problems) -> None:
    formula = value = None
    for child in el:
        if child.tag.endswith("}f"):
            formula = child.text or ""
        elif child.tag.endswith("}v"):
            value = child.text
    match = _CELL_REF.fullmatch(el.get("r", ""))
    if match is None:
        return
    where = (int(match.group(2)), _col_index(match.group(1)) - left)
    if el.get("t") == "e":
        problems[where] = ("error_value", {"value": value or ""})
    elif formula is not None and value in (None, ""):
        problems[where] = ("formula_no_value", {"formula": "=" + formula[:60]})


def _has_formula_or_error(zf: zipfile.ZipFile, member: str) -> bool:
    tail = b""
    with zf.open(member) as f:
        while chunk := f.read(1 << 20):
            window = tail + chunk
            if b"<f" in window or b't="e"' in window:
                return True
            tail = chunk[-8:]
    return False


def _csv_rows(path: Path) -> tuple[Iterator[list[Any]], int]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise UnreadableFile("unreadable_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")  # what Excel in Ukrainian writes as "CSV"
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    if total > spreadsheets.max_rows() + HEADER_SCAN_ROWS:
        raise UnreadableFile("too_many_rows", rows=total, limit=spreadsheets.max_rows())
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return ([spreadsheets.restore_cell(c) for c in row] for row in rows), total


def _with_header(raw: Iterator[list[Any]], total: int) -> Table:
    """Find the header in the first rows: labels, a hashtag row, or labels then hashtags."""
    seen: list[list[Any]] = []
    for line, cells in enumerate(raw, start=1):
        seen.append(cells)
        if columns.looks_like_hxl_row(cells):
            mapping = _map(cells, columns.key_for_tag)
            unknown = _unknown(cells, mapping)
            return Table(
                mapping,
                _numbered(raw, line + 1),
                total - line,
                unknown,
                _headers(seen[-2], cells, mapping) if line > 1 else _headers(cells, None, mapping),
            )
        mapping = _map(cells, columns.key_for_label)
        if len(mapping) >= 3:
            nxt = next(raw, None)
            if nxt is not None and columns.looks_like_hxl_row(nxt):
                tag_map = _map(nxt, columns.key_for_tag)
                both = {**mapping, **tag_map}
                return Table(
                    both,
                    _numbered(raw, line + 2),
                    total - line - 1,
                    _unknown(nxt, tag_map),
                    _headers(cells, nxt, both),
                )
            rest = _numbered(_chain([nxt] if nxt is not None else [], raw), line + 1)
            return Table(
                mapping,
                rest,
                total - line,
                _unknown(cells, mapping),
                _headers(cells, None, mapping),
            )
        if line >= HEADER_SCAN_ROWS:
            break
    if not seen or all(_blank(c) for row in seen for c in row):
        raise UnreadableFile("empty_file")
    raise UnreadableFile("no_header")


def _map(cells: list[Any], find: Any) -> dict[int, str]:
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, cell in enumerate(cells):
        key = find(cell)
        if key and key not in taken:
            mapping[i] = key
            taken.add(key)
    return mapping


def _headers(
    labels: list[Any], tags: list[Any] | None, mapping: dict[int, str]
) -> list[tuple[str, str | None]]:
    """Each header cell (title, and hashtag when there is one) and the column it maps to."""
    width = max(len(labels), len(tags or []))
    out = []
    for i in range(width):
        parts = [
            str(row[i]).strip()
            for row in (labels, tags or [])
            if i < len(row) and not _blank(row[i])
        ]
        if parts or i in mapping:
            out.append((" / ".join(parts), mapping.get(i)))
    return out


def _unknown(cells: list[Any], mapping: dict[int, str]) -> list[str]:
    return [str(c) for i, c in enumerate(cells) if i not in mapping and not _blank(c)]


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _chain(first: list[list[Any]], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    yield from rest


def _numbered(rows: Iterator[list[Any]], start: int) -> Iterator[tuple[int, list[Any]]]:
    for line, cells in enumerate(rows, start=start):
        if all(_blank(c) for c in cells):
            continue  # blank lines between rows are not errors
        yield line, cells
