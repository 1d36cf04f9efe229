"""Every 4W page: who may reach it, and what an oblast-limited coordinator sees."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import People, assert_access, client_for
from carenet.reporting import services
from carenet.reporting.models import ActivityReport, ImportJob, PeriodStatus
from carenet.reporting.tests.conftest import MONTH, good_row, write_xlsx
from carenet.reporting.tests.factories import add_row

pytestmark = pytest.mark.django_db

ORG_MEMBERS = ("org_admin", "focal_point", "practitioner", "viewer")
EDITORS = ("org_admin", "focal_point", "superuser")
COORDINATORS = ("coordinator", "oblast_coordinator", "superuser")


@pytest.fixture
def rows(people: People, codes: dict[str, str]) -> dict[str, ActivityReport]:
    """ALPHA works in Irpin (Kyiv oblast) and Lviv; BETA only in Lviv."""
    return {
        "irpin": add_row(people.focal_point, people.org_a, pcode="UA3208015"),
        "lviv": add_row(people.focal_point, people.org_a, pcode="UA4606025", activity="7.1"),
        "beta": add_row(people.outsider, people.org_b, pcode="UA4606025"),
    }


def _period(people: People, org: Any = None) -> str:
    return reverse("reporting:period", args=[(org or people.org_a).uuid, MONTH])


def test_home(people: People, split: Any, rows: Any) -> None:
    allowed, denied = split(people, *ORG_MEMBERS, *COORDINATORS, "outsider")
    assert_access(reverse("reporting:home"), allowed, denied)


def test_period_page(people: People, split: Any, rows: Any) -> None:
    allowed, denied = split(people, *ORG_MEMBERS, *COORDINATORS)
    assert_access(_period(people), allowed, denied)


def test_an_oblast_coordinator_sees_only_their_oblast(people: People, rows: Any) -> None:
    page = client_for(people.oblast_coordinator).get(_period(people)).content.decode()
    assert "UA3208015" in page and "UA4606025" not in page
    full = client_for(people.coordinator).get(_period(people)).content.decode()
    assert "UA3208015" in full and "UA4606025" in full
    beta = client_for(people.oblast_coordinator).get(_period(people, people.org_b))
    assert beta.status_code == 404  # BETA works only outside the oblast


def test_a_focal_point_sees_only_their_organisation(people: People, rows: Any) -> None:
    assert client_for(people.focal_point).get(_period(people, people.org_b)).status_code == 404
    edit = reverse("reporting:row_edit", args=[rows["beta"].uuid])
    assert client_for(people.focal_point).get(edit).status_code == 404
    forged = reverse("reporting:row_edit", args=[uuid.uuid4()])
    assert client_for(people.focal_point).get(forged).status_code == 404
    bad_org = reverse("reporting:period", args=[uuid.uuid4(), MONTH])
    assert client_for(people.focal_point).get(bad_org).status_code == 404


@pytest.mark.parametrize("name", ["row_new", "upload", "template"])
def test_editing_pages(people: People, split: Any, rows: Any, name: str) -> None:
    allowed, denied = split(people, *EDITORS)
    assert_access(reverse(f"reporting:{name}", args=[people.org_a.uuid, MONTH]), allowed, denied)


def test_row_edit_page(people: People, split: Any, rows: Any) -> None:
    allowed, denied = split(people, *EDITORS)
    assert_access(reverse("reporting:row_edit", args=[rows["irpin"].uuid]), allowed, denied)


def test_row_delete(people: People, split: Any, rows: Any) -> None:
    _allowed, denied = split(people, *EDITORS)
    url = reverse("reporting:row_delete", args=[rows["irpin"].uuid])
    assert_access(url, {}, denied, method="post")
    assert ActivityReport.objects.filter(pk=rows["irpin"].pk).exists()
    response = client_for(people.focal_point).post(url)
    assert response.status_code == 302
    assert not ActivityReport.objects.filter(pk=rows["irpin"].pk).exists()


def test_the_row_form_shows_the_shared_errors_on_fields(people: People, rows: Any) -> None:
    url = reverse("reporting:row_new", args=[people.org_a.uuid, MONTH])
    data = {
        "activity": "8.1",
        "pcode": "UA9999999",
        "status": "ongoing",
        "start_date": "2026-03-05",
        "reached_total": "3",
    }
    page = client_for(people.focal_point).post(url, data).content.decode()
    assert "Unknown P-code “UA9999999”." in page
    data.update(pcode="UA32", start_date="2026-05-01")
    page = client_for(people.focal_point).post(url, data).content.decode()
    assert "is outside the reporting month 2026-03" in page
    data.update(start_date="2026-03-05")
    response = client_for(people.focal_point).post(url, data)
    assert response.status_code == 302 and response["Location"] == _period(people)
    assert ActivityReport.objects.filter(area__pcode="UA32").exists()


def test_submit(people: People, split: Any, rows: Any) -> None:
    _allowed, denied = split(people, *EDITORS)
    url = reverse("reporting:submit", args=[people.org_a.uuid, MONTH])
    assert_access(url, {}, denied, method="post")
    assert services.period_for(people.org_a, MONTH).status != PeriodStatus.SUBMITTED
    assert_access(url, {"focal_point": people.focal_point}, {}, method="post")
    assert services.period_for(people.org_a, MONTH).status == PeriodStatus.SUBMITTED


def test_validate_and_return(people: People, split: Any, rows: Any) -> None:
    services.period_submit(
        actor=people.focal_point, period=services.period_for(people.org_a, MONTH)
    )
    _allowed, denied = split(people, "coordinator", "superuser")
    url = reverse("reporting:validate", args=[people.org_a.uuid, MONTH])
    assert_access(url, {}, denied, method="post")  # ALPHA also works outside Kyiv oblast
    assert services.period_for(people.org_a, MONTH).status == PeriodStatus.SUBMITTED
    back = reverse("reporting:return", args=[people.org_a.uuid, MONTH])
    client_for(people.coordinator).post(back, {"comment": "Check Lviv."})
    period = services.period_for(people.org_a, MONTH)
    assert (period.status, period.review_comment) == (PeriodStatus.RETURNED, "Check Lviv.")


def test_an_oblast_coordinator_validates_a_report_all_in_their_oblast(
    people: People, codes: dict[str, str]
) -> None:
    add_row(people.outsider, people.org_b, pcode="UA3208015")
    services.period_submit(actor=people.outsider, period=services.period_for(people.org_b, MONTH))
    url = reverse("reporting:validate", args=[people.org_b.uuid, MONTH])
    assert client_for(people.oblast_coordinator).post(url).status_code == 302
    assert services.period_for(people.org_b, MONTH).status == PeriodStatus.VALIDATED


def test_upload_page_imports_and_shows_errors(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    url = reverse("reporting:upload", args=[people.org_a.uuid, MONTH])
    path = write_xlsx(tmp_path / "up.xlsx", [good_row(), good_row(activity="99.9")])
    with path.open("rb") as f:
        response = client_for(people.focal_point).post(url, {"file": f})
    assert response.status_code == 302
    preview = client_for(people.focal_point).get(response["Location"]).content.decode()
    assert "Unknown activity code “99.9”." in preview and ActivityReport.objects.count() == 0
    response = client_for(people.focal_point).post(response["Location"])
    page = client_for(people.focal_point).get(response["Location"]).content.decode()
    assert "Unknown activity code “99.9”." in page and "Nothing was saved" in page
    assert ActivityReport.objects.count() == 0
    job = ImportJob.objects.get()
    again = client_for(people.focal_point).post(
        reverse("reporting:job_valid_only", args=[job.uuid])
    )
    assert again.status_code == 302 and ActivityReport.objects.count() == 1


def test_the_upload_refuses_other_file_types(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    url = reverse("reporting:upload", args=[people.org_a.uuid, MONTH])
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    with path.open("rb") as f:
        response = client_for(people.focal_point).post(url, {"file": f})
    assert response.status_code == 200 and ImportJob.objects.count() == 0


def test_job_page_and_its_progress_fragment(
    people: People, split: Any, codes: dict[str, str], tmp_path: Path, run_import: Any
) -> None:
    job = run_import(write_xlsx(tmp_path / "j.xlsx", [good_row()]))
    allowed, denied = split(people, *EDITORS)
    url = reverse("reporting:job", args=[job.uuid])
    assert_access(url, allowed, denied)
    ImportJob.objects.filter(pk=job.pk).update(status="running", total_rows=10, processed_rows=4)
    fragment = client_for(people.focal_point).get(url, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert 'value="40"' in html and 'hx-trigger="every 1s"' in html and "Refresh" in html
    page = client_for(people.focal_point).get(url).content.decode()
    assert f'href="{url}"' in page  # the no-JavaScript refresh link


def test_export(people: People, split: Any, rows: Any) -> None:
    url = reverse("reporting:export") + "?month=2026-03&format=csv"
    allowed, denied = split(people, *ORG_MEMBERS, *COORDINATORS, "outsider")
    assert_access(url, allowed, denied)
    own = b"".join(client_for(people.outsider).get(url).streaming_content).decode()
    assert "BETA" in own and "ALPHA" not in own
    oblast = b"".join(client_for(people.oblast_coordinator).get(url).streaming_content).decode()
    assert "UA3208015" in oblast and "UA4606025" not in oblast
    one_org = url + f"&org={people.org_a.uuid}"
    assert client_for(people.outsider).get(one_org).status_code == 404
    assert (
        client_for(people.focal_point).get(reverse("reporting:export") + "?month=bad").status_code
        == 404
    )


def test_month_overview_lists_who_has_not_reported(people: People, split: Any, rows: Any) -> None:
    url = reverse("reporting:month", args=[MONTH])
    allowed, denied = split(people, *COORDINATORS)
    assert_access(url, allowed, denied)
    services.period_submit(actor=people.outsider, period=services.period_for(people.org_b, MONTH))
    page = client_for(people.coordinator).get(url).content.decode()
    table = page[page.index('id="month-table"') :]  # BETA waits in the validation queue
    assert "ALPHA" in table and "BETA" not in table
    page = client_for(people.coordinator).get(url + "?show=all").content.decode()
    assert "ALPHA" in page and "BETA" in page
    table = client_for(people.coordinator).get(url + "?show=all&format=csv")
    lines = table.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Acronym,Organisation,Status,Rows" and len(lines) == 3
    assert "ALPHA,Alpha Psychosocial,Draft,2" in lines


def test_lock(people: People, split: Any, rows: Any) -> None:
    url = reverse("reporting:lock", args=[MONTH])
    _allowed, denied = split(people, "coordinator", "superuser")
    assert_access(url, {}, denied, method="post", data={"locked": "1"})
    assert not services.month_is_locked(MONTH)
    assert_access(url, {"coordinator": people.coordinator}, {}, method="post", data={"locked": "1"})
    assert services.month_is_locked(MONTH)


@pytest.mark.parametrize("name", ["gaps", "gaps_activities", "needs"])
def test_gap_pages(people: People, split: Any, rows: Any, name: str) -> None:
    allowed, denied = split(people, *COORDINATORS)
    assert_access(reverse(f"reporting:{name}") + "?month=2026-03&level=3", allowed, denied)


def test_the_xlsx_export_downloads(people: People, rows: Any) -> None:
    import io

    import openpyxl

    url = reverse("reporting:export") + f"?month=2026-03&format=xlsx&org={people.org_a.uuid}"
    response = client_for(people.focal_point).get(url)
    assert response.status_code == 200
    assert 'filename="4W-ALPHA-2026-03.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["4W"]
    assert sheet["A2"].value == "#org" and sheet.max_row == 4  # titles, tags, two rows
