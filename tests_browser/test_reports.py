"""Reports in a browser: a coordinator working in Ukrainian downloads the month's PDF pack;
its pages are drawn as PNG images (pdftoppm) into the test run's artefacts for a look."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from carenet import conftest as shared
from carenet.conftest import PASSWORD, People
from carenet.reporting.tests.factories import add_row
from tests_browser.conftest import SCREENSHOTS, axe_violations, screenshot, sign_in

areas, people, taxonomies = shared.areas, shared.people, shared.taxonomies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONTH = datetime.date(2026, 3, 1)


def test_a_coordinator_downloads_the_pdf_pack_in_ukrainian(
    page: Any, people: People, areas: dict[str, Any], taxonomies: None, tmp_path: Path
) -> None:
    add_row(people.focal_point, people.org_a, month=MONTH, reached_total=40, donor="DG ECHO")
    add_row(people.focal_point, people.org_a, month=MONTH, activity="7.1", reached_total=3)
    sign_in(page, people.coordinator.email, PASSWORD)
    page.goto(page.base + "/reports/")
    page.select_option("#lang-select", "uk")
    page.click("form.lang button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Звіти"
    page.fill("input[name=period]", "2026-03")
    page.select_option("select[name=format]", "pdf")
    assert not axe_violations(page)
    screenshot(page, "reports-home-uk-360")
    with page.expect_download() as download:
        page.click("form[action$='/reports/pack/'] button[type=submit]")
    pdf = tmp_path / "pack.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename == "carenet-report-2026-03.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"

    text = subprocess.run(  # noqa: S603 - poppler on a file we wrote
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Щомісячний звіт, 2026-03" in text and "Охоплено людей" in text
    assert "<5" in text  # the 3 people of activity 7.1
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603
        [shutil.which("pdftoppm") or "pdftoppm", "-r", "60", "-png", str(pdf),
         str(SCREENSHOTS / "reports-pack-uk")],
        check=True,
    )  # fmt: skip
    pages = sorted(SCREENSHOTS.glob("reports-pack-uk-*.png"))
    assert len(pages) >= 3 and all(p.stat().st_size > 5_000 for p in pages)


def test_the_trends_and_a_programme_page_on_a_phone(
    page: Any, people: People, areas: dict[str, Any], taxonomies: None
) -> None:
    from carenet.reports.models import Programme, Target

    add_row(people.focal_point, people.org_a, month=MONTH, reached_total=40, sessions=8)
    programme = Programme.objects.create(name="Support spaces", starts_on=datetime.date(2026, 1, 1))
    Target.objects.create(
        programme=programme,
        unit="sessions_delivered",
        number=10,
        due_on=datetime.date(2026, 12, 31),
    )
    sign_in(page, people.coordinator.email, PASSWORD)
    page.goto(page.base + "/reports/trends/?month=2026-04")
    assert page.locator("table tbody tr").count() == 12
    assert not axe_violations(page)
    screenshot(page, "reports-trends-360")
    page.goto(page.base + f"/reports/programmes/{programme.uuid}/")
    assert page.locator(".status").first.inner_text() in {"on track", "at risk", "behind", "met"}
    assert not axe_violations(page)
    screenshot(page, "reports-programme-360")
