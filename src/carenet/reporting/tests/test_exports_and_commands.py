"""Templates, exports (XLSX, CSV, HXL read back by libhxl) and the two commands."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import hxl
import openpyxl
import pytest
from django.core.management import CommandError, call_command

from carenet.conftest import People
from carenet.core.models import AuditEntry
from carenet.reporting import exports
from carenet.reporting.models import ActivityReport, ImportStatus
from carenet.reporting.tests.conftest import MONTH, good_row, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(people: People, codes: dict[str, str], tmp_path: Path, run_import: Any) -> Any:
    rows = [
        good_row(target_group=codes["group"], donor="ECHO", partner="Local Partner"),
        good_row(activity="7.1", pcode="UA4606025"),
        good_row(
            activity="10.1",
            pcode="UA32",
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


def test_the_hxl_export_is_read_back_by_libhxl(
    people: People, imported: Any, tmp_path: Path
) -> None:
    path = tmp_path / "4w.csv"
    path.write_bytes(_export("hxl", people.focal_point, people))
    with path.open("rb") as f:
        source = hxl.data(f)
        tags = source.display_tags
        rows = list(source)
    for tag in (
        "#org",
        "#org+impl",
        "#sector",
        "#activity+code",
        "#adm1+code",
        "#adm2+code",
        "#adm3+code",
        "#date+start",
        "#reached+f+children",
        "#reached+total",
    ):
        assert tag in tags, tag
    assert len(rows) == 3
    first = next(r for r in rows if r.get("#activity+code") == "8.1")
    assert first.get("#org") == "ALPHA"
    assert first.get("#org+impl") == "Local Partner"
    assert first.get("#adm1+code") == "UA32"
    assert first.get("#adm3+code") == "UA3208015"
    assert first.get("#reached+f+adults") == "10"
    assert first.get("#reached+total") == "24"
    assert first.get("#date+start") == "2026-03-04"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "hxl"])
def test_an_export_re_imports_cleanly(
    people: People, imported: Any, tmp_path: Path, run_import: Any, fmt: str
) -> None:
    path = tmp_path / f"export.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    path.write_bytes(_export(fmt, people.focal_point, people))
    again = run_import(path)
    assert again.status == ImportStatus.DONE, again.errors
    assert (again.created, again.updated, again.unchanged, again.error_count) == (0, 0, 3, 0)


def test_other_organisations_counts_are_suppressed_in_exports(
    people: People, imported: Any
) -> None:
    text = _export("csv", people.coordinator, people).decode()
    line = next(line for line in text.splitlines() if ",10.1," in line)
    assert "<5" in line  # 3 people reached: below the minimum cell
    own = _export("csv", people.focal_point, people).decode()
    assert "<5" not in own


def test_the_template_has_drop_downs_from_a_hidden_sheet(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    data = exports.template_bytes(actor=people.focal_point, organisation=people.org_a, month=MONTH)
    path = tmp_path / "template.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    assert book["lists"].sheet_state == "hidden"
    sheet = book["4W"]
    assert sheet["A2"].value == "#org"
    sources = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert {"list_activities", "list_places", "list_groups", "list_statuses"} <= sources
    places = [c.value for c in book["lists"]["B"] if c.value]
    assert any(v.startswith("UA3208015") for v in places)
    activities = [c.value for c in book["lists"]["A"] if c.value]
    assert any(v.startswith("8.1 ") for v in activities)
    assert AuditEntry.objects.filter(action="export", detail__startswith="4W template").exists()


def test_a_filled_in_template_imports(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(
        exports.template_bytes(actor=people.focal_point, organisation=people.org_a, month=MONTH)
    )
    book = openpyxl.load_workbook(path)
    sheet = book["4W"]
    activity = next(c.value for c in book["lists"]["A"] if c.value and c.value.startswith("8.1"))
    place = next(c.value for c in book["lists"]["B"] if c.value and c.value.startswith("UA3208015"))
    headers = [c.value for c in sheet[1]]
    values = {
        "Reporting organisation": "ALPHA",
        "Activity code *": activity,
        "P-code (lowest level known) *": place,
        "Status *": "ongoing",
        "Start date *": "2026-03-10",
        "People reached (total)": 12,
    }
    for i, title in enumerate(headers, start=1):
        if title in values:
            sheet.cell(row=3, column=i, value=values[title])
    book.save(path)
    job = run_import(path)
    assert job.status == ImportStatus.DONE, job.errors
    row = ActivityReport.objects.get()
    assert (row.activity.code, row.area.pcode, row.reached_total) == ("8.1", "UA3208015", 12)


def test_the_import_command_shows_the_same_errors(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "cmd.xlsx", [good_row(), good_row(activity="99.9")])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_4w", str(path), org="ALPHA", stderr=err, stdout=io.StringIO())
    assert "row 4, Activity code: Unknown activity code “99.9”." in err.getvalue()
    assert ActivityReport.objects.count() == 0
    out = io.StringIO()
    call_command(
        "import_4w", str(path), org="ALPHA", valid_only=True, stdout=out, stderr=io.StringIO()
    )
    assert "1 new" in out.getvalue()
    assert ActivityReport.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_4w", str(path), org="NOPE")


def test_the_export_command_writes_each_format(
    people: People, imported: Any, tmp_path: Path
) -> None:
    out = io.StringIO()
    call_command("export_4w", period="2026-03", format="hxl", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("#org,#org+impl") and len(lines) == 5
    target = tmp_path / "month.xlsx"
    call_command(
        "export_4w",
        period="2026-03",
        format="xlsx",
        org="ALPHA",
        output=str(target),
        stderr=io.StringIO(),
    )
    again = io.StringIO()
    call_command("import_4w", str(target), org="ALPHA", stdout=again, stderr=io.StringIO())
    assert "0 new, 0 changed, 3 unchanged" in again.getvalue()
    with pytest.raises(CommandError):
        call_command("export_4w", period="March", format="csv")
