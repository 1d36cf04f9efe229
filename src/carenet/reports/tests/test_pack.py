"""The report pack: numbers as numbers in the XLSX, small counts suppressed in both files."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from carenet.conftest import People
from carenet.reporting.models import Donor
from carenet.reporting.tests.factories import add_row
from carenet.reports import figures, pack
from carenet.reports.models import Unit
from carenet.reports.tests.conftest import programme, target

pytestmark = pytest.mark.django_db
MONTH = datetime.date(2026, 3, 1)
NUMERIC_HEADERS = {
    "Number",
    "Organisations",
    "People reached",
    "Sessions",
    "Layer",
    "Areas with a gap",
    "Areas",
    "Target",
    "Achieved",
    "Expected by now",
}


@pytest.fixture
def month_rows(people: People, taxonomies: None) -> None:
    add_row(people.focal_point, people.org_a, month=MONTH, reached_total=20, donor="ECHO")
    add_row(people.focal_point, people.org_a, month=MONTH, activity="7.1", reached_total=3)
    add_row(
        people.focal_point,
        people.org_a,
        month=MONTH,
        activity="8.2",
        pcode="UA4606025",
        reached_total=40,
        donor="Sida",
    )
    prog = programme(people, "Reach")
    target(people, prog, Unit.PEOPLE_REACHED, 100)


def _cells(book: Any) -> list[tuple[str, str, Any, Any]]:
    """(sheet, header, value, comment) of every cell under a header row."""
    out = []
    for ws in book.worksheets:
        headers: dict[int, str] = {}
        for row in ws.iter_rows():
            texts = [c.value for c in row]
            if all(v is None for v in texts):
                continue
            if (
                texts
                and all(isinstance(v, str) for v in texts if v is not None)
                and any(v in NUMERIC_HEADERS for v in texts)
            ):
                headers = {i: v for i, v in enumerate(texts) if v}
                continue
            for i, c in enumerate(row):
                if i in headers:
                    out.append((ws.title, headers[i], c.value, c.comment))
    return out


def test_every_numeric_cell_of_the_xlsx_is_a_number_or_blank(
    people: People, month_rows: None
) -> None:
    data = pack.build_file(people.coordinator, MONTH, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Summary",
        "4W by layer",
        "4W by activity",
        "Gaps",
        "Programme targets",
    ]
    cells = [c for c in _cells(book) if c[1] in NUMERIC_HEADERS]
    assert len(cells) > 20
    for sheet, header, value, comment in cells:
        assert value is None or isinstance(value, int | float), (sheet, header, value)
        if value is None and header != "Layer":
            assert comment is not None and "Fewer than 5" in comment.text, (sheet, header)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and re.fullmatch(r"<\d+|\d+", c.value))
    activity = {
        r[0].value: r[4].value for r in book["4W by activity"].iter_rows(min_row=4) if r[0].value
    }
    assert activity == {"7.1": None, "8.1": 20, "8.2": 40}  # 3 people: suppressed
    assert len(book["4W by layer"]._charts) == 1 and len(book["4W by activity"]._charts) == 1
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows() if r[0].value}
    assert summary["People reached"] == 63 and summary["Organisations reporting"] == 1


def test_the_pdf_suppresses_small_counts(people: People, month_rows: None) -> None:
    data = pack.build_file(people.coordinator, MONTH, "pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Monthly report, 2026-03" in text
    line = next(line for line in text.splitlines() if line.startswith("7.1"))
    assert "<5" in line and " 3 " not in f" {line} "
    assert "63" in text  # the headline: 20 + 3 + 40 people


def test_the_pdf_speaks_ukrainian(people: People, month_rows: None) -> None:
    data = pack.build_file(people.coordinator, MONTH, "pdf", language="uk")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Охоплено людей" in text


def test_a_donor_pack_holds_only_that_donors_rows(people: People, month_rows: None) -> None:
    echo = Donor.objects.get(code="echo")
    found = figures.build(people.coordinator, MONTH, donor=echo, with_map=False)
    assert [r["code"] for r in found.by_activity] == ["8.1"]
    assert found.scope_label.endswith(echo.name)


def test_an_area_pack_and_an_oblast_coordinator_see_only_their_area(
    people: People, month_rows: None, areas: dict[str, Any]
) -> None:
    kyiv = figures.build(people.coordinator, MONTH, area=areas["kyiv_obl"], with_map=False)
    assert sorted(r["code"] for r in kyiv.by_activity) == ["7.1", "8.1"]
    mine = figures.build(people.oblast_coordinator, MONTH, with_map=False)
    assert sorted(r["code"] for r in mine.by_activity) == ["7.1", "8.1"]
    reached = next(f for f in mine.headline if f.key == "reached")
    assert reached.value == 23


def test_trends_give_every_month_suppressed(
    people: People, month_rows: None, areas: dict[str, Any]
) -> None:
    rows = figures.trends(people.coordinator, datetime.date(2026, 4, 1), 12)
    assert len(rows) == 12 and rows[0]["month"] == datetime.date(2025, 5, 1)
    march = next(r for r in rows if r["month"] == MONTH)
    assert (march["reached"], march["orgs"]) == (63, 1)
    assert rows[-1]["reached"] == 0
    kyiv = figures.trends(people.coordinator, MONTH, 1, area=areas["kyiv_obl"])
    assert kyiv[0]["reached"] == 23


def test_the_outcomes_of_the_month_join_the_pack(
    people: People, month_rows: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carenet.outcomes import queries as outcomes

    seen = {}

    def dashboard(user: Any, f: Any) -> Any:
        seen["filters"] = f
        total = {"people": None, "participants": 3, "headcount": 0, "outcomes": 3}
        return outcomes.Dashboard("PHQ-9", {**total, "sessions": 12, "completion": 50.0})

    monkeypatch.setattr(outcomes, "dashboard", dashboard)
    data = pack.build_file(people.coordinator, MONTH, "xlsx")
    assert (seen["filters"].since, seen["filters"].until) == (MONTH, datetime.date(2026, 3, 31))
    rows = {
        r[0].value: r[1] for r in openpyxl.load_workbook(io.BytesIO(data))["Summary"].iter_rows()
    }
    served = rows["People served (delivery records)"]
    assert served.value is None and served.comment is not None  # suppressed: blank with a note
    assert rows["Sessions delivered"].value == 12
