"""Reading uploaded sheets: XLSX/XLS/ODS with python-calamine, CSV and HXL-tagged CSV.

`open_table(path)` finds the header (labels, an HXL hashtag row, or both) and yields the
data rows with their line numbers as the user sees them in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from carenet.reporting import columns

SHEET_NAME = "4W"
HEADER_SCAN_ROWS = 6
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"


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


def open_table(path: Path) -> Table:
    """The 4W table in a file: its columns and numbered data rows."""
    raw, total = raw_rows(path)
    return _with_header(raw, total)


def raw_rows(path: Path) -> tuple[Iterator[list[Any]], int]:
    """Every row of the file's first (or "4W") sheet, and how many there are."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith((_ZIP, _OLE)):
        return _sheet_rows(path)
    return _csv_rows(path)


def _sheet_rows(path: Path) -> tuple[Iterator[list[Any]], int]:
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        if not names:
            raise UnreadableFile("empty_file")
        sheet = book.get_sheet_by_name(SHEET_NAME if SHEET_NAME in names else names[0])
        total = sheet.height
        return iter(sheet.iter_rows()), total
    except CalamineError as exc:
        raise UnreadableFile("unreadable_file") from exc
    except (OSError, ValueError) as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise UnreadableFile("unreadable_file") from exc


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
    return iter(csv.reader(io.StringIO(text), delimiter=delimiter)), total


def _with_header(raw: Iterator[list[Any]], total: int) -> Table:
    """Find the header in the first rows: labels, a hashtag row, or labels then hashtags."""
    seen: list[list[Any]] = []
    for line, cells in enumerate(raw, start=1):
        seen.append(cells)
        if columns.looks_like_hxl_row(cells):
            mapping = _map(cells, columns.key_for_tag)
            unknown = _unknown(cells, mapping)
            return Table(mapping, _numbered(raw, line + 1), total - line, unknown)
        mapping = _map(cells, columns.key_for_label)
        if len(mapping) >= 3:
            nxt = next(raw, None)
            if nxt is not None and columns.looks_like_hxl_row(nxt):
                tag_map = _map(nxt, columns.key_for_tag)
                mapping = {**mapping, **tag_map}
                return Table(
                    mapping, _numbered(raw, line + 2), total - line - 1, _unknown(nxt, tag_map)
                )
            rest = _numbered(_chain([nxt] if nxt is not None else [], raw), line + 1)
            return Table(mapping, rest, total - line, _unknown(cells, mapping))
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
