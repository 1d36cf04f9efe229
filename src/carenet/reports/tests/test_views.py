"""Who reaches the report pages, bad input, the command line and the monthly e-mail."""

from __future__ import annotations

import datetime
import io
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from carenet.conftest import People, assert_access, client_for
from carenet.core.models import AuditEntry
from carenet.reporting.tests.factories import add_row
from carenet.reports import services
from carenet.reports.models import Grant, Programme, Subscription, Target, Unit
from carenet.reports.tests.conftest import programme, target

pytestmark = pytest.mark.django_db
MONTH = datetime.date(2026, 3, 1)


@pytest.fixture
def reported(people: People, taxonomies: None) -> Programme:
    add_row(people.focal_point, people.org_a, month=MONTH, reached_total=20, donor="ECHO")
    add_row(people.focal_point, people.org_a, month=MONTH, activity="7.1", reached_total=2)
    prog = programme(people, "Support spaces")
    target(people, prog, Unit.SESSIONS_DELIVERED, 10)
    return prog


def test_only_coordinators_reach_the_reports(people: People, split: Any, reported: Any) -> None:
    allowed, denied = split(people, "coordinator", "oblast_coordinator", "superuser")
    staff = {"org_admin", "focal_point"}  # reach the home page for their grants
    assert_access(
        reverse("reports:home"), allowed, {k: v for k, v in denied.items() if k not in staff}
    )
    for url in (
        reverse("reports:programmes"),
        reverse("reports:programme", args=[reported.uuid]),
        reverse("reports:trends"),
        reverse("reports:pack") + "?period=2026-03&format=xlsx",
    ):
        assert_access(url, allowed, denied)


def test_organisation_staff_reach_their_grants_only(people: People, split: Any) -> None:
    allowed, denied = split(
        people, "coordinator", "oblast_coordinator", "superuser", "org_admin", "focal_point"
    )
    assert_access(reverse("reports:grants"), allowed, denied)


def test_forged_and_malformed_ids_are_not_found(people: People, reported: Any) -> None:
    client = client_for(people.coordinator)
    assert client.get(reverse("reports:programme", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/reports/programmes/not-a-uuid/").status_code == 404
    bad = [
        "?period=2026-13&format=pdf",
        "?period=2026-03&format=docx",
        "?period=2026-03&format=pdf&donor=nobody",
    ]
    for query in bad:
        assert client.get(reverse("reports:pack") + query).status_code == 404, query
    unknown = client.get(reverse("reports:pack") + "?period=2026-03&format=pdf&area=UA99")
    assert unknown.status_code == 400 and "Unknown P-code: UA99" in unknown.content.decode()
    assert client.get(reverse("reports:trends") + "?area=XX1").status_code == 404


def test_an_oblast_coordinator_cannot_pack_another_oblast(people: People, reported: Any) -> None:
    url = reverse("reports:pack") + "?period=2026-03&format=xlsx&area=UA46"
    assert client_for(people.oblast_coordinator).get(url).status_code == 404
    assert client_for(people.coordinator).get(url).status_code == 200


def test_the_pack_downloads_in_the_readers_language_and_is_audited(
    people: People, reported: Any
) -> None:
    url = reverse("reports:pack") + "?period=2026-03&format=xlsx&donor=echo&language=pl"
    response = client_for(people.coordinator).get(url)
    assert response.status_code == 200
    assert 'filename="carenet-report-2026-03-echo.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Podsumowanie"
    assert AuditEntry.objects.filter(action="export", detail__contains="donor=echo").exists()


def test_coordinators_set_targets_and_see_progress(people: People, reported: Any) -> None:
    url = reverse("reports:programme", args=[reported.uuid])
    client = client_for(people.coordinator)
    page = client.get(url).content.decode()
    # 10 sessions by the end of 2026; the rows report none, and most of the year has gone
    assert '<strong class="status behind">behind</strong>' in page
    response = client.post(
        url,
        {"unit": "people_reached", "number": "100", "due_on": "2026-12-31", "area_pcode": "UA32"},
    )
    assert response.status_code == 302
    assert Target.objects.filter(programme=reported, area__pcode="UA32", number=100).exists()
    response = client.post(
        url, {"unit": "people_reached", "number": "5", "due_on": "2026-12-31", "area_pcode": "ZZ9"}
    )
    assert response.status_code == 200 and "No place is called" in response.content.decode()
    viewer = client_for(people.oblast_coordinator)  # may view, may not manage
    before = Target.objects.count()
    viewer.post(url, {"unit": "people_reached", "number": "7", "due_on": "2026-12-31"})
    assert Target.objects.count() == before


def test_an_organisation_records_its_grant(people: People, areas: dict[str, Any]) -> None:
    client = client_for(people.focal_point)
    response = client.post(
        reverse("reports:grants"),
        {
            "donor": services.parse_request(period="2026-03", donor="echo").donor.pk,  # type: ignore[union-attr]
            "amount": "125000.50",
            "currency": "eur",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "area_pcodes": "UA3208015, UA46",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = Grant.objects.get()
    assert (grant.organisation, grant.currency) == (people.org_a, "EUR")
    assert sorted(a.pcode for a in grant.areas.all()) == ["UA3208015", "UA46"]
    outsider = client_for(people.outsider).get(reverse("reports:grants"))
    assert outsider.status_code == 404
    bad = client.post(
        reverse("reports:grants"),
        {"donor": grant.donor_id, "amount": "1", "currency": "EU", "starts_on": "2026-02-01",
         "ends_on": "2026-01-01"},
    )  # fmt: skip
    assert bad.status_code == 200 and Grant.objects.count() == 1


def test_the_command_writes_a_pack(people: People, reported: Any, tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    call_command(
        "report_pack", period="2026-03", fmt="xlsx", output=out, donor="echo", stdout=io.StringIO()
    )
    book = openpyxl.load_workbook(out)
    assert "4W by activity" in book.sheetnames
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("report_pack", period="March", output=out, stdout=io.StringIO())
    with pytest.raises(CommandError, match="donor"):
        call_command("report_pack", period="2026-03", donor="zz", output=out, stdout=io.StringIO())


def test_subscribers_get_the_pack_once_a_month(
    people: People, reported: Any, settings: Any
) -> None:
    client = client_for(people.coordinator)
    client.post(reverse("reports:subscription"), {"fmt": "xlsx", "language": "uk"})
    assert Subscription.objects.get(user=people.coordinator).language == "uk"
    call_command("send_report_packs", period="2026-03", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people.coordinator.email]
    name, data, _kind = message.attachments[0]
    assert name == "carenet-report-2026-03.xlsx" and data[:2] == b"PK"
    call_command("send_report_packs", period="2026-03", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # not twice for one month
    client.post(reverse("reports:subscription"), {"stop": "1"})
    assert not Subscription.objects.exists()
