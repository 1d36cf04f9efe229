"""4W files as people really send them: broken spreadsheets (merged cells, formulas saved
without values, error values, text dates), old HXL hashtags, free-text titles, re-imports of
an export into a validated month, and every error of every row in one pass."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from carenet.conftest import People
from carenet.reporting import exports, readers, services
from carenet.reporting.columns import BY_KEY
from carenet.reporting.models import ActivityReport, ImportJob, ImportStatus
from carenet.reporting.tests.conftest import (
    KEYS,
    MONTH,
    error_codes,
    good_row,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _code_lists(codes: dict[str, str]) -> None:
    """The real activity codes and target groups."""


def _broken_xlsx(path: Path) -> Path:
    """Row 3: total is #DIV/0!; row 4: comments merged across rows 4-5; row 5 as well."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("4W")
    rows = [good_row(), good_row(activity="7.1"), good_row(activity="10.1")]
    for i, key in enumerate(KEYS):
        sheet.write_string(0, i, str(BY_KEY[key].label))
        sheet.write_string(1, i, BY_KEY[key].hxl)
    total_at = KEYS.index("reached_total")
    for r, row in enumerate(rows, start=2):
        for i, key in enumerate(KEYS):
            value = row.get(key)
            if isinstance(value, datetime.date):
                sheet.write_string(r, i, value.isoformat())
            elif isinstance(value, int):
                sheet.write_number(r, i, value)
            elif value:
                sheet.write_string(r, i, value)
    sheet.write_formula(2, total_at, "=1/0", None, "#DIV/0!")
    comments_at = KEYS.index("comments")
    sheet.merge_range(3, comments_at, 4, comments_at, "shared comment")
    book.close()
    return path


def test_error_values_and_merged_cells_each_have_their_own_message(
    people: People, tmp_path: Path, run_import: Any
) -> None:
    job = run_import(_broken_xlsx(tmp_path / "broken.xlsx"))
    assert job.status == ImportStatus.FAILED
    found = error_codes(job)
    assert (3, "reached_total", "error_value") in found
    assert (4, "comments", "merged_cell") in found and (5, "comments", "merged_cell") in found
    assert not any(code == "required" for line, _col, code in found if line == 3)
    assert ActivityReport.objects.count() == 0


def test_a_formula_saved_without_its_value_is_named_as_a_formula(
    people: People, tmp_path: Path, run_import: Any
) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [good_row()])
    book = openpyxl.load_workbook(path)  # openpyxl saves formulas without a computed value
    book["4W"].cell(row=3, column=KEYS.index("activity") + 1, value='=LEFT("8.1 x",3)')
    book.save(path)
    job = run_import(path)
    assert (3, "activity", "formula_no_value") in error_codes(job)
    assert "formula" in services_message(job, "formula_no_value")


def services_message(job: ImportJob, code: str) -> str:
    from carenet.reporting.validation import message

    return message(next(e for e in job.errors if e["code"] == code))


def test_error_values_typed_in_a_csv_are_errors_not_zeros(
    people: People, tmp_path: Path, run_import: Any
) -> None:
    path = write_csv(tmp_path / "e.csv", [good_row(reached_total="#DIV/0!")], hxl=True)
    job = run_import(path)
    assert error_codes(job) == [(3, "reached_total", "error_value")]


def test_ambiguous_day_month_dates_are_refused_and_clear_ones_read(
    people: People, tmp_path: Path, run_import: Any
) -> None:
    rows = [good_row(start_date="4/3/2026"), good_row(activity="7.1", start_date="14/3/2026")]
    job = run_import(write_csv(tmp_path / "d.csv", rows, hxl=True))
    assert error_codes(job) == [(3, "start_date", "ambiguous_date")]


def test_every_error_of_a_row_is_reported_in_one_pass(
    people: People, tmp_path: Path, run_import: Any
) -> None:
    row = good_row(pcode="UA9999999", start_date="not a date")
    job = run_import(write_csv(tmp_path / "two.csv", [row], hxl=True))
    assert sorted(error_codes(job)) == [
        (3, "pcode", "unknown_pcode"),
        (3, "start_date", "bad_date"),
    ]


def test_old_hxl_hashtags_are_read_and_the_mapping_is_shown(people: People, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "Org,Activity,Province,From,To,Period,Notes\n"
        "#org,#activity_id,#adm1_id,#from_date,#to_date,#period_date,#x_unknown\n"
        "ALPHA,8.1,UA32,2026-03-01,2026-03-30,2026-03,\n"
    )
    table = readers.open_table(path)
    assert sorted(table.columns.values()) == ["activity", "adm1", "end_date", "org", "start_date"]
    mapping = dict(table.headers)
    assert mapping["Period / #period_date"] is None and mapping["Notes / #x_unknown"] is None
    out = io.StringIO()
    call_command("import_4w", str(path), org="ALPHA", columns=True, stdout=out)
    assert "Activity / #activity_id -> Activity code" in out.getvalue()
    assert "2 columns not read: Period / #period_date, Notes / #x_unknown" in out.getvalue()


def test_free_text_titles_do_not_map_to_the_wrong_columns(tmp_path: Path) -> None:
    path = tmp_path / "free.csv"
    path.write_text("Activity,Adm3,P-code (lowest level known),Status\nPFA,Irpin,UA3208015,x\n")
    table = readers.open_table(path)
    mapping = dict(table.headers)
    assert mapping["Activity"] == "activity_name"  # the name column, which is not read
    assert mapping["Adm3"] is None
    assert "activity" not in table.columns.values()


def test_the_row_count_is_right_when_columns_are_missing(
    people: People, tmp_path: Path, run_import: Any
) -> None:
    path = write_csv(tmp_path / "m.csv", [good_row()] * 244, keys=["org", "pcode", "comments"])
    job = run_import(path)
    assert job.status == ImportStatus.FAILED
    assert job.total_rows == 244
    assert {e["code"] for e in job.errors} == {"missing_column"}


def test_an_unchanged_export_into_a_validated_month_reports_unchanged(
    people: People, tmp_path: Path, run_import: Any
) -> None:
    first = run_import(write_xlsx(tmp_path / "in.xlsx", [good_row(), good_row(activity="7.1")]))
    assert first.status == ImportStatus.DONE, first.errors
    period = services.period_for(people.org_a, MONTH)
    services.period_submit(actor=people.focal_point, period=period)
    services.period_validate(actor=people.coordinator, period=period)
    out = io.BytesIO()
    exports.export_rows(
        actor=people.focal_point,
        rows=ActivityReport.objects.all(),
        fmt="xlsx",
        out=out,
        organisation=people.org_a,
        month=MONTH,
    )
    path = tmp_path / "export.xlsx"
    path.write_bytes(out.getvalue())
    again = run_import(path)
    assert again.status == ImportStatus.DONE, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run_import(write_xlsx(tmp_path / "c.xlsx", [good_row(comments="new")]))
    assert changed.status == ImportStatus.FAILED
    assert {e["code"] for e in changed.errors} == {"period_not_editable"}


def test_the_command_says_when_more_errors_exist_than_it_shows(
    people: People, tmp_path: Path, settings: Any
) -> None:
    rows = [good_row(activity="99.9", pcode=f"UA{i:07d}") for i in range(3)]
    path = write_csv(tmp_path / "many.csv", rows, hxl=True)
    err = io.StringIO()
    original = ImportJob.MAX_STORED_ERRORS
    ImportJob.MAX_STORED_ERRORS = 2
    try:
        with pytest.raises(CommandError):
            call_command("import_4w", str(path), org="ALPHA", stderr=err, stdout=io.StringIO())
    finally:
        ImportJob.MAX_STORED_ERRORS = original
    assert "... and 4 more errors: only the first 2 are kept." in err.getvalue()


def test_rejected_uploads_are_purged(people: People, tmp_path: Path, run_import: Any) -> None:
    rows = [good_row(activity="7.1"), good_row(activity="99.9")]
    bad = run_import(write_csv(tmp_path / "bad.csv", rows, hxl=True))
    from django.urls import reverse

    from carenet.conftest import client_for

    url = reverse("reporting:job", kwargs={"job": bad.uuid})
    assert "valid-only" in client_for(people.focal_point).get(url).content.decode()
    ok = run_import(write_csv(tmp_path / "ok.csv", [good_row()], hxl=True))
    stray = services.import_dir() / "stray.csv"
    stray.write_text("x")
    assert Path(bad.stored_path).is_file()
    out = io.StringIO()
    call_command("purge_imports", days=0, stdout=out)
    assert not Path(bad.stored_path).exists() and not stray.exists()
    assert Path(ok.stored_path).is_file()
    bad.refresh_from_db()
    assert bad.stored_path == ""
    page = client_for(people.focal_point).get(url).content.decode()
    assert "valid-only" not in page  # no file left to import again


def test_the_result_page_shows_how_each_column_was_read(
    people: People, tmp_path: Path, run_import: Any
) -> None:
    from django.urls import reverse

    from carenet.conftest import client_for

    path = tmp_path / "cols.csv"
    path.write_text(
        "Org,Activity,Province,From,Notes\n"
        "#org,#activity_id,#adm1_id,#from_date,#x_unknown\n"
        "ALPHA,8.1,UA32,2026-03-01,\n"
    )
    job = run_import(path)
    url = reverse("reporting:job", kwargs={"job": job.uuid})
    page = client_for(people.focal_point).get(url).content.decode()
    assert 'id="import-columns"' in page
    assert "Activity / #activity_id</td><td>Activity code" in page
    assert "Notes / #x_unknown</td><td><strong>Not read" in page
    assert client_for(people.outsider).get(url).status_code == 404
    Path(job.stored_path).unlink()  # purged: the page still works, without the table
    assert 'id="import-columns"' not in client_for(people.focal_point).get(url).content.decode()
