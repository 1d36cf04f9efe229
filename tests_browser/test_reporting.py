"""4W in a browser: a focal point uploads the template with an error, fixes it and submits;
a coordinator validates; the gap map renders."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from carenet import conftest as shared
from carenet.conftest import PASSWORD, People
from tests_browser.conftest import axe_violations, screenshot, sign_in

# the unit tests' personas, areas and code lists, made available to this module
areas, people, taxonomies = shared.areas, shared.people, shared.taxonomies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONTH = datetime.date(2026, 3, 1)
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[29.5, 50.0], [31.5, 50.0], [31.5, 51.0], [29.5, 51.0], [29.5, 50.0]]],
}


def _fill(path: Path, rows: list[dict[str, Any]]) -> None:
    """Type rows into the downloaded template under its titles, as a person would."""
    book = openpyxl.load_workbook(path)
    sheet = book["4W"]
    titles = {str(c.value).rstrip(" *"): c.column for c in sheet[1] if c.value}
    for r, row in enumerate(rows, start=3):
        for title, value in row.items():
            sheet.cell(row=r, column=titles[title], value=value)
    book.save(path)


def test_upload_fix_submit_validate_and_map(
    page: Any,
    desktop_page: Any,
    people: People,
    areas: dict[str, Any],
    taxonomies: None,
    tmp_path: Path,
) -> None:
    areas["kyiv_obl"].boundary = SQUARE
    areas["kyiv_obl"].population = 1_800_000
    areas["kyiv_obl"].save()
    period = f"/4w/{people.org_a.uuid}/{MONTH:%Y-%m}/"

    sign_in(page, people.focal_point.email, PASSWORD)
    page.goto(page.base + period)
    with page.expect_download() as download:
        page.click("text=Download the template")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    good = {
        "Activity code": "8.1",
        "Status": "ongoing",
        "Start date": "2026-03-05",
        "People reached (total)": 30,
    }
    _fill(
        template,
        [
            {**good, "P-code (lowest level known)": "UA9999999"},
            {**good, "Activity code": "7.1", "P-code (lowest level known)": "UA3208015"},
        ],
    )

    page.click("text=Upload a spreadsheet")
    page.set_input_files("input[type=file]", str(template))
    page.click("text=Check the file")
    page.wait_for_selector("#preview-columns")
    assert "Unknown P-code “UA9999999”." in page.inner_text("#preview-errors")
    screenshot(page, "reporting-import-preview")
    page.click("text=Import these rows")
    page.wait_for_selector("#import-errors")
    assert "Unknown P-code “UA9999999”." in page.inner_text("#import-errors")
    assert "Nothing was saved" in page.inner_text("main")
    assert axe_violations(page) == []
    screenshot(page, "reporting-import-errors")

    _fill(template, [{**good, "P-code (lowest level known)": "UA3208015"}])
    page.click("text=Upload a file")
    page.set_input_files("input[type=file]", str(template))
    page.click("text=Check the file")
    page.click("text=Import these rows")
    page.wait_for_selector("#job-result")
    assert "Imported" in page.inner_text("#job-result")

    page.goto(page.base + period)
    assert page.locator("table.rows tbody tr").count() == 2
    page.click("text=Submit the report")
    assert "Submitted" in page.inner_text("#period-status")

    sign_in(desktop_page, people.coordinator.email, PASSWORD)
    desktop_page.goto(desktop_page.base + f"/4w/months/{MONTH:%Y-%m}/?show=all")
    desktop_page.click("#month-table >> text=ALPHA")
    desktop_page.click("button:has-text('Validate')")
    assert "Validated" in desktop_page.inner_text("#period-status")

    desktop_page.goto(desktop_page.base + f"/4w/gaps/?month={MONTH:%Y-%m}&level=1&country=UA")
    map_ = desktop_page.locator("#gap-map svg.map")
    assert map_.count() == 1 and map_.locator("path.geo-area").count() >= 1
    assert desktop_page.locator("table.sortable tbody tr").count() >= 2
    assert axe_violations(desktop_page) == []
    screenshot(desktop_page, "reporting-gap-map")
