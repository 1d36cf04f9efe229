"""Exports that are safe to open: complete XLSX headers, counts as numbers, no cell that a
spreadsheet would run as a formula, and one suppression rule for the web and the command."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from carenet.conftest import People
from carenet.reporting import exports
from carenet.reporting.columns import EXPORT_COLUMNS
from carenet.reporting.models import ActivityReport
from carenet.reporting.tests.conftest import MONTH, good_row, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _code_lists(codes: dict[str, str]) -> None:
    """The real activity codes and target groups."""


FORMULA = '=HYPERLINK("http://example.invalid","click")'


@pytest.fixture
def imported(people: People, tmp_path: Path, run_import: Any) -> Any:
    rows = [
        good_row(comments=FORMULA, partner="+48 Partner", donor="@donor"),
        good_row(
            activity="7.1",
            pcode="UA4606025",
            reached_total=3,
            **dict.fromkeys(
                [
                    "reached_f_0_17",
                    "reached_m_0_17",
                    "reached_f_18_59",
                    "reached_m_18_59",
                    "reached_f_60",
                    "reached_m_60",
                ]
            ),
        ),
    ]
    job = run_import(write_xlsx(tmp_path / "in.xlsx", rows))
    assert job.status == "done", job.errors
    return job


def _export(fmt: str, actor: Any, people: People) -> bytes:
    out = io.BytesIO()
    exports.export_rows(
        actor=actor,
        rows=ActivityReport.objects.all(),
        fmt=fmt,
        out=out,
        organisation=people.org_a,
        month=MONTH,
    )
    return out.getvalue()


def test_it_writes_every_title_and_hashtag_in_the_xlsx_header(
    people: People, imported: Any
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_export("xlsx", people.focal_point, people)))
    sheet = book["4W"]
    titles = [c.value for c in sheet[1]]
    tags = [c.value for c in sheet[2]]
    assert titles == [str(c.label) for c in EXPORT_COLUMNS]
    assert tags == [c.hxl for c in EXPORT_COLUMNS]


def test_it_writes_counts_as_numbers_in_a_network_xlsx(people: People, imported: Any) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_export("xlsx", people.coordinator, people)))
    sheet = book["4W"]
    header = [c.value for c in sheet[1]]
    total_at = header.index(str(dict((c.key, c.label) for c in EXPORT_COLUMNS)["reached_total"]))
    totals = [row[total_at].value for row in sheet.iter_rows(min_row=3)]
    assert 24 in totals and isinstance(totals[totals.index(24)], int)
    assert "<5" in totals  # the suppressed one, and only that one, is text


def test_it_never_writes_a_formula_in_xlsx(people: People, imported: Any) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_export("xlsx", people.focal_point, people)))
    cells = [c for row in book["4W"].iter_rows() for c in row]
    comment = next(c for c in cells if c.value == FORMULA)
    assert comment.data_type == "s"
    assert not any(c.data_type == "f" for c in cells)


@pytest.mark.parametrize("fmt", ["csv", "hxl"])
def test_it_neutralises_formula_cells_in_csv(people: People, imported: Any, fmt: str) -> None:
    text = _export(fmt, people.focal_point, people).decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells and "'+48 Partner" in cells and "'@donor" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_a_neutralised_export_re_imports_with_the_original_text(
    people: People, imported: Any, tmp_path: Path, run_import: Any
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(_export("hxl", people.focal_point, people))
    again = run_import(path)
    assert (again.created, again.updated, again.unchanged, again.error_count) == (0, 0, 2, 0)
    assert ActivityReport.objects.filter(comments=FORMULA).count() == 1


def test_the_command_line_network_export_is_suppressed_like_the_web(
    people: People, imported: Any
) -> None:
    network = io.StringIO()
    call_command("export_4w", period="2026-03", format="csv", stdout=network, stderr=io.StringIO())
    assert "<5" in network.getvalue()
    own = io.StringIO()
    call_command(
        "export_4w", period="2026-03", format="csv", org="ALPHA", stdout=own, stderr=io.StringIO()
    )
    assert "<5" not in own.getvalue()
