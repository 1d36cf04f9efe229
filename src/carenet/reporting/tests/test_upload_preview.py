"""The upload page shows how a file is read before anything is imported."""

from __future__ import annotations

import csv
import datetime
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from carenet.conftest import People, assert_access, client_for
from carenet.reporting import services
from carenet.reporting.models import ActivityReport, ImportJob, ImportStatus
from carenet.reporting.tests.conftest import MONTH, good_row, write_xlsx

pytestmark = pytest.mark.django_db

FREE_TEXT = [
    "Reporting organisation",
    "Activity code",
    "Our project number",
    "P-code (lowest level known)",
    "Status",
    "Start date",
    "People reached (total)",
    "Field officer",
]


def _free_text_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(FREE_TEXT)
        writer.writerows(rows)
    return path


def _row(activity: str = "8.1", pcode: str = "UA3208015") -> list[Any]:
    return ["ALPHA", activity, "P-17", pcode, "ongoing", "2026-03-04", 12, "Olena"]


def _upload(client: Client, org: Any, path: Path, **options: Any) -> str:
    url = reverse("reporting:upload", args=[org.uuid, MONTH])
    with path.open("rb") as f:
        response = client.post(url, {"file": f, **options})
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])


def _between(html: str, start: str, end: str = "</table>") -> str:
    at = html.index(start)
    return html[at : html.index(end, at)]


def test_it_lists_the_mapping_and_the_ignored_columns_before_importing(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    client = client_for(people.focal_point)
    path = _free_text_csv(tmp_path / "ours.csv", [_row(), _row("99.9")])
    preview = _upload(client, people.org_a, path)
    html = client.get(preview).content.decode()
    columns = _between(html, 'id="preview-columns"')
    assert "<td>Activity code</td><td>Activity code</td>" in columns
    assert "<td>People reached (total)</td><td>People reached (total)</td>" in columns
    assert "<td>Our project number</td><td><strong>Not read: ignored</strong>" in columns
    ignored = _between(html, 'id="preview-ignored"', "</p>")
    assert "2 columns are not read" in ignored
    assert "<q>Our project number</q>" in ignored and "<q>Field officer</q>" in ignored
    assert "<dt>Rows in the file</dt><dd>2</dd>" in html
    assert "Unknown activity code “99.9”." in _between(html, 'id="preview-errors"')
    assert "Import these rows" in html and "Import only the valid rows" in html
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEW and ActivityReport.objects.count() == 0
    stored = Path(job.stored_path)
    assert stored.is_file() and stored.parent == services.import_dir()
    assert "media" not in stored.parts
    uk = client.get(preview, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Імпортувати ці рядки" in uk
    pl = client.get(preview, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Importuj te wiersze" in pl


def test_it_recognises_the_older_hxl_hashtags(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "hxl1.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Org", "Activity", "Place", "Status", "From", "Total", "Notes"])
        writer.writerow(
            ["#org_id", "#activity_id", "#loc_id", "#status", "#from_date", "#reached+total", ""]
        )
        writer.writerow(["ALPHA", "8.1", "UA3208015", "ongoing", "2026-03-04", 12, "x"])
    client = client_for(people.focal_point)
    html = client.get(_upload(client, people.org_a, path)).content.decode()
    columns = _between(html, 'id="preview-columns"')
    assert columns.count("older HXL hashtag, recognised") == 4  # org, activity, place, from
    assert "<td>Org / #org_id" in columns and "<td>Activity code</td>" in columns
    assert "<q>Notes</q>" in html and 'id="preview-ok"' in html


def test_confirming_imports_the_rows(people: People, codes: dict[str, str], tmp_path: Path) -> None:
    client = client_for(people.focal_point)
    preview = _upload(client, people.org_a, _free_text_csv(tmp_path / "ok.csv", [_row()]))
    response = client.post(preview)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("reporting:job", args=[job.uuid])
    assert job.status == ImportStatus.DONE and job.created == 1
    assert ActivityReport.objects.get().reached_total == 12
    again = client.post(preview)  # a second click imports nothing more
    assert again.status_code == 302 and ActivityReport.objects.count() == 1
    assert client.get(preview)["Location"] == reverse("reporting:job", args=[job.uuid])


def test_only_the_valid_rows_can_be_chosen_on_the_preview(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    client = client_for(people.focal_point)
    path = _free_text_csv(tmp_path / "some.csv", [_row(), _row("99.9")])
    preview = _upload(client, people.org_a, path)
    client.post(preview, {"valid_only": "1"})
    job = ImportJob.objects.get()
    assert (job.status, job.valid_only, job.created, job.skipped) == ("done", True, 1, 1)


def test_a_large_file_is_imported_by_the_queue_after_confirmation(
    people: People, codes: dict[str, str], tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    from carenet.reporting import tasks

    queued: list[str] = []
    monkeypatch.setattr(tasks, "run_import", SimpleNamespace(enqueue=queued.append))
    monkeypatch.setattr(services, "PREVIEW_CHECK_ROWS", 2)
    settings.CARENET_IMPORT_BACKGROUND_BYTES = 10
    client = client_for(people.focal_point)
    rows = [_row(pcode=p) for p in ("UA3208015", "UA4606025", "UA32")]
    preview = _upload(client, people.org_a, _free_text_csv(tmp_path / "big.csv", rows))
    html = client.get(preview).content.decode()
    assert "<dt>Rows in the file</dt><dd>3</dd>" in html and "in the first 2 rows" in html
    assert queued == []
    client.post(preview)
    job = ImportJob.objects.get()
    assert queued == [str(job.uuid)] and job.status == ImportStatus.QUEUED


def test_a_forged_or_foreign_upload_id_is_not_found(
    people: People, codes: dict[str, str], tmp_path: Path, split: Any
) -> None:
    path = _free_text_csv(tmp_path / "a.csv", [_row()])
    preview = _upload(client_for(people.focal_point), people.org_a, path)
    forged = reverse("reporting:upload_preview", args=[people.org_a.uuid, MONTH, uuid.uuid4()])
    client = client_for(people.focal_point)
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    # bound to whoever uploaded it: colleagues, coordinators and the superuser get 404
    allowed, denied = split(people, "focal_point")
    assert_access(preview, allowed, denied)
    assert_access(preview, {}, denied, method="post")
    assert ImportJob.objects.get().status == ImportStatus.PREVIEW
    other_month = preview.replace("/2026-03/", "/2026-02/")
    assert other_month != preview and client.post(other_month).status_code == 404
    assert ActivityReport.objects.count() == 0


def test_a_file_of_another_organisation_cannot_be_confirmed(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "beta.xlsx", [good_row(org="BETA")])
    admin = client_for(people.superuser)  # may edit both organisations' reports
    beta_preview = _upload(admin, people.org_b, path)
    job = ImportJob.objects.get()
    as_alpha = reverse("reporting:upload_preview", args=[people.org_a.uuid, MONTH, job.uuid])
    assert admin.get(as_alpha).status_code == 404
    assert admin.post(as_alpha).status_code == 404
    for user in (people.focal_point, people.outsider):
        assert client_for(user).post(as_alpha).status_code == 404
        assert client_for(user).post(beta_preview).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW and ActivityReport.objects.count() == 0
    assert admin.post(beta_preview).status_code == 302
    assert ActivityReport.objects.get().organisation == people.org_b


def test_an_unreadable_file_says_so_and_offers_no_import(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    client = client_for(people.focal_point)
    html = client.get(_upload(client, people.org_a, path)).content.decode()
    assert 'id="preview-errors"' in html and "Import these rows" not in html


def test_a_preview_never_confirmed_is_purged(
    people: People, codes: dict[str, str], tmp_path: Path
) -> None:
    client = client_for(people.focal_point)
    preview = _upload(client, people.org_a, _free_text_csv(tmp_path / "gone.csv", [_row()]))
    job = ImportJob.objects.get()
    stored = Path(job.stored_path)
    old = job.created_at - datetime.timedelta(days=10)
    ImportJob.objects.filter(pk=job.pk).update(created_at=old)
    assert services.imports_purge(older_than=datetime.timedelta(days=7)) == 1
    assert not stored.exists() and client.post(preview).status_code == 404
