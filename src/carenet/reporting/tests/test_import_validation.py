"""Every validation error of an import, each with a real spreadsheet file; a file with
errors saves nothing."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from carenet.conftest import People
from carenet.core.models import AuditEntry
from carenet.reporting import services
from carenet.reporting.models import (
    ActivityReport,
    ActivityRollup,
    AreaRollup,
    ImportStatus,
    ReportingPeriod,
)
from carenet.reporting.tests.conftest import (
    MONTH,
    error_codes,
    good_row,
    write_csv,
    write_ods,
    write_xlsx,
)
from carenet.reporting.validation import message

pytestmark = pytest.mark.django_db


def _nothing_saved() -> None:
    assert ActivityReport.objects.count() == 0
    assert ActivityRollup.objects.count() == 0
    assert AreaRollup.objects.count() == 0


def test_it_imports_a_valid_template(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    path = write_xlsx(
        tmp_path / "ok.xlsx",
        [
            good_row(target_group=codes["group"]),
            good_row(
                activity="7.1",
                pcode="UA4606025",
                reached_total=40,
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
        ],
    )
    job = run_import(path)
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created, job.updated, job.unchanged) == (2, 0, 0)
    row = ActivityReport.objects.get(activity__code="8.1")
    assert row.reached_total == 24 and row.reached_f_18_59 == 10
    assert row.area.pcode == "UA3208015" and row.adm1.pcode == "UA32"
    assert row.adm2.pcode == "UA3208" and row.adm3.pcode == "UA3208015"
    assert row.target_group.code == codes["group"]
    assert ReportingPeriod.objects.get(organisation=people.org_a, month=MONTH).status == "draft"
    assert AuditEntry.objects.filter(action="import", object_id=str(job.uuid)).exists()


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        (good_row(pcode="UA9999999"), "pcode", "unknown_pcode"),
        (good_row(activity="99.9"), "activity", "unknown_activity"),
        (good_row(reached_total=25), "reached_total", "disaggregation_sum"),
        (good_row(reached_f_0_17=-3), "reached_f_0_17", "negative"),
        (good_row(sessions=-1), "sessions", "negative"),
        (good_row(start_date=datetime.date(2026, 4, 2)), "start_date", "date_outside_month"),
        (good_row(start_date="not a date"), "start_date", "bad_date"),
        (good_row(reached_m_60="many"), "reached_m_60", "not_a_number"),
        (good_row(reached_m_60=1.5), "reached_m_60", "not_a_number"),
        (good_row(status="maybe"), "status", "unknown_status"),
        (good_row(target_group="martians"), "target_group", "unknown_target_group"),
        (good_row(org="BETA"), "org", "other_organisation"),
        (good_row(activity=""), "activity", "required"),
        (good_row(site="not-a-uuid"), "site", "bad_site"),
        (good_row(activity="11.1"), "reached_total", "counts_no_people"),
        (good_row(end_date=datetime.date(2026, 3, 1)), "end_date", "end_before_start"),
    ],
)
def test_it_reports_each_bad_cell_in_an_xlsx_and_saves_nothing(
    people: People,
    codes: dict[str, str],
    tmp_path: Path,
    run_import: Any,
    row: dict[str, Any],
    column: str,
    code: str,
) -> None:
    path = write_xlsx(tmp_path / "bad.xlsx", [good_row(activity="7.1"), row])
    job = run_import(path)
    assert job.status == ImportStatus.FAILED
    assert (4, column, code) in error_codes(job)
    assert all(line == 4 for line, _c, _k in error_codes(job))
    _nothing_saved()


def test_a_site_must_be_one_of_the_reporting_organisations_sites(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    from carenet.directory import services as directory
    from carenet.geo.models import AdminArea

    irpin = AdminArea.objects.get(pcode="UA3208015")

    def site(org: Any, name: str, **extra: Any) -> str:
        data = {"name_en": name, "kind": "clinic", "area": irpin, **extra}
        return str(directory.site_create(actor=None, organisation=org, data=data).uuid)

    own = site(people.org_a, "Alpha clinic")
    shelter = site(people.org_a, "Alpha shelter", confidential=True)
    others = site(people.org_b, "Beta clinic")
    unknown = "3f2b8c1e-0d6a-4a57-9a55-5b1f0c7e9d21"
    rows = [
        good_row(site=own),
        good_row(site=shelter, activity="7.1"),
        good_row(site=others, activity="8.2"),
        good_row(site=unknown, activity="8.4"),
    ]
    job = run_import(write_xlsx(tmp_path / "sites.xlsx", rows))
    assert job.status == ImportStatus.FAILED
    assert error_codes(job) == [(5, "site", "foreign_site"), (6, "site", "foreign_site")]
    _nothing_saved()
    worded = {}
    for lang in ("en", "uk", "pl"):
        with translation.override(lang):
            worded[lang] = message(job.errors[0])
    assert worded["en"] == f"The site “{others}” is not a site of ALPHA in the directory."
    assert all(others in text and "ALPHA" in text for text in worded.values())
    assert len(set(worded.values())) == 3
    fixed = run_import(write_xlsx(tmp_path / "own.xlsx", rows[:2]))
    assert fixed.status == ImportStatus.DONE, fixed.errors
    saved = set(ActivityReport.objects.values_list("site_uuid", flat=True))
    assert {str(u) for u in saved} == {own, shelter}


def test_it_reads_the_same_errors_from_csv_hxl_csv_and_ods(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    rows = [good_row(), good_row(activity="99.9"), good_row(activity="7.1", pcode="XX1")]
    plain = run_import(write_csv(tmp_path / "a.csv", rows))  # titles, then rows from line 2
    assert error_codes(plain) == [
        (3, "activity", "unknown_activity"),
        (4, "pcode", "unknown_pcode"),
    ]
    tagged = run_import(write_csv(tmp_path / "b.csv", rows, hxl=True))  # + hashtags: line 3
    assert error_codes(tagged) == [
        (4, "activity", "unknown_activity"),
        (5, "pcode", "unknown_pcode"),
    ]
    ods = run_import(write_ods(tmp_path / "c.ods", rows))
    assert error_codes(ods) == error_codes(tagged)
    semicolons = run_import(write_csv(tmp_path / "d.csv", rows, delimiter=";"))
    assert error_codes(semicolons) == error_codes(plain)
    _nothing_saved()


def test_it_finds_columns_by_hashtag_alone(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    job = run_import(write_csv(tmp_path / "tags.csv", [good_row()], hxl=True, labels=False))
    assert job.status == ImportStatus.DONE, job.errors
    assert ActivityReport.objects.count() == 1


def test_it_reports_a_missing_required_column(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    keys = ["org", "pcode", "status", "start_date", "reached_total"]
    job = run_import(write_xlsx(tmp_path / "cols.xlsx", [good_row()], keys=keys))
    assert job.status == ImportStatus.FAILED
    assert (0, "activity", "missing_column") in error_codes(job)
    _nothing_saved()


def test_it_refuses_a_file_that_is_not_a_spreadsheet(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    job = run_import(path)
    assert job.status == ImportStatus.CRASHED
    assert error_codes(job) == [(0, "", "unreadable_file")]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert error_codes(run_import(empty)) == [(0, "", "empty_file")]
    _nothing_saved()


def test_it_reports_duplicates_in_the_file(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    job = run_import(write_xlsx(tmp_path / "dup.xlsx", [good_row(), good_row(sessions=9)]))
    assert error_codes(job) == [(4, "activity", "duplicate_in_file")]
    assert job.errors[0]["params"] == {"other": 3}
    _nothing_saved()


def test_it_reports_a_duplicate_of_an_existing_row(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    assert run_import(write_xlsx(tmp_path / "first.xlsx", [good_row()])).status == "done"
    changed = write_xlsx(tmp_path / "second.xlsx", [good_row(sessions=9)])
    job = run_import(changed)
    assert error_codes(job) == [(3, "activity", "duplicate_existing")]
    assert ActivityReport.objects.get().sessions == 6
    replaced = run_import(changed, update_existing=True)
    assert (replaced.status, replaced.updated) == ("done", 1)
    assert ActivityReport.objects.get().sessions == 9


def test_re_importing_the_same_file_changes_nothing(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    path = write_xlsx(tmp_path / "same.xlsx", [good_row(), good_row(activity="7.1")])
    first = run_import(path)
    before = list(ActivityReport.objects.order_by("id").values_list("id", "updated_at"))
    rollups = list(AreaRollup.objects.order_by("id").values_list("area_id", "reached_total"))
    again = run_import(path)
    assert (again.status, again.created, again.updated, again.unchanged) == ("done", 0, 0, 2)
    assert first.created == 2
    assert list(ActivityReport.objects.order_by("id").values_list("id", "updated_at")) == before
    assert sorted(AreaRollup.objects.values_list("area_id", "reached_total")) == sorted(rollups)


def test_a_locked_month_refuses_every_row(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    services.month_set_locked(actor=people.coordinator, month=MONTH, locked=True)
    job = run_import(write_xlsx(tmp_path / "late.xlsx", [good_row(), good_row(activity="7.1")]))
    assert error_codes(job) == [
        (3, "start_date", "locked_period"),
        (4, "start_date", "locked_period"),
    ]
    _nothing_saved()


def test_a_submitted_report_refuses_an_import(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    services.period_submit(
        actor=people.focal_point, period=services.period_for(people.org_a, MONTH)
    )
    job = run_import(write_csv(tmp_path / "x.csv", [good_row()]))
    assert error_codes(job) == [(2, "start_date", "period_not_editable")]
    _nothing_saved()


def test_a_bad_file_changes_nothing_but_valid_only_imports_the_good_rows(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    rows = [
        good_row(),
        good_row(activity="7.1"),
        good_row(pcode="UA0000000"),
        good_row(activity="10.1", reached_total=1),
    ]
    path = write_xlsx(tmp_path / "mixed.xlsx", rows)
    rejected = run_import(path)
    assert rejected.status == ImportStatus.FAILED and rejected.bad_rows == 2
    assert rejected.total_rows == 4 and rejected.percent == 100
    _nothing_saved()
    assert not ReportingPeriod.objects.exists()
    retried = services.import_again_valid_only(actor=people.focal_point, job=rejected)
    assert (retried.status, retried.created, retried.skipped) == ("done", 2, 2)
    assert sorted(ActivityReport.objects.values_list("activity__code", flat=True)) == ["7.1", "8.1"]
    direct = run_import(path, valid_only=True)
    assert (direct.status, direct.created, direct.unchanged) == ("done", 0, 2)


def test_the_month_comes_from_the_rows_when_not_given(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    job = run_import(
        write_csv(
            tmp_path / "m.csv",
            [good_row(), good_row(activity="7.1", start_date=datetime.date(2026, 2, 27))],
        ),
        month=None,
    )
    assert error_codes(job) == [(3, "start_date", "date_outside_month")]
    assert job.errors[0]["params"]["month"] == "2026-03"


def test_errors_read_in_the_users_language(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    job = run_import(write_csv(tmp_path / "lang.csv", [good_row(pcode="UA9999999")]))
    error = job.errors[0]
    english = message(error)
    with translation.override("uk"):
        ukrainian = message(error)
    with translation.override("pl"):
        polish = message(error)
    assert "UA9999999" in english and "UA9999999" in ukrainian and "UA9999999" in polish
    assert len({english, ukrainian, polish}) == 3


def test_large_files_run_in_the_background_and_report_progress(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any, settings: Any
) -> None:
    settings.CARENET_IMPORT_BACKGROUND_BYTES = 10
    rows = [
        good_row(pcode=p, activity=a)
        for p in ("UA3208015", "UA4606025", "UA32")
        for a in ("8.1", "7.1", "10.1")
    ]
    job = run_import(write_xlsx(tmp_path / "big.xlsx", rows))
    assert job.status == ImportStatus.DONE, job.errors
    assert job.created == 9 and job.percent == 100 and job.processed_rows == 9


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection
def test_a_queued_import_waits_for_the_worker(
    people: People, codes: dict[str, str], tmp_path: Path, run_import: Any, settings: Any
) -> None:
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = run_import(write_xlsx(tmp_path / "queued.xlsx", [good_row()]), background=True)
    assert job.status == ImportStatus.QUEUED and job.percent == 0
    assert ActivityReport.objects.count() == 0
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportStatus.DONE, 1)
