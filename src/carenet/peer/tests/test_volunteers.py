"""Volunteers: applications, screening, hours, certificates, retention and succession."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from carenet.conftest import People, assert_access, client_for
from carenet.core import antispam
from carenet.peer import queries, services
from carenet.peer.models import Volunteer
from carenet.peer.tests.conftest import group, volunteer

pytestmark = pytest.mark.django_db
D = datetime.date


def test_retention_on_a_hand_computed_example(people: People, settings: Any) -> None:
    settings.CARENET_MIN_CELL = 1  # a small example, read without suppression
    today = D(2026, 12, 1)
    volunteer(people, "A", D(2025, 6, 1))  # 18 months, still active
    left_at_4 = volunteer(people, "B", D(2025, 10, 1))
    services.volunteer_set_status(
        actor=people.org_admin, volunteer=left_at_4, status="left", on=D(2026, 2, 1)
    )
    left_at_8 = volunteer(people, "C", D(2025, 11, 15))
    services.volunteer_set_status(
        actor=people.org_admin, volunteer=left_at_8, status="left", on=D(2026, 7, 20)
    )
    volunteer(people, "D", D(2026, 10, 1))  # 2 months: in no cohort yet
    volunteer(people, "E", D(2026, 8, 1))  # 4 months, active
    services.volunteer_invite(
        actor=people.org_admin, organisation=people.org_a, full_name="F"
    )  # never started
    figures = {
        r.months: (r.started, r.still_active, r.rate)
        for r in queries.retention(list(Volunteer.objects.all()), today)
    }
    # 3 months: A, B, C, E started 3+ months ago; at +3 months all four were serving.
    assert figures[3] == (4, 4, 1.0)
    # 6 months: A, B, C; B had left (Feb < Apr 1), C was serving on May 15.
    assert figures[6] == (3, 2, 0.67)
    # 12 months: A, B (to 2026-10-01) and C (to 2026-11-15); only A was still serving.
    assert figures[12] == (3, 1, 0.33)


def test_retention_is_suppressed_below_five(people: People) -> None:
    volunteer(people, "A", D(2024, 1, 1))
    figures = queries.retention(list(Volunteer.objects.all()), D(2026, 1, 1))
    assert all(r.started is None and r.rate is None for r in figures)


def test_a_role_held_by_one_person_is_flagged(people: People, site: Any) -> None:
    a = volunteer(people, "Anna", D(2026, 1, 1))
    b = volunteer(people, "Bohdan", D(2026, 1, 1))
    services.assignment_add(
        actor=people.org_admin, volunteer=a, role="reception", site=site, started_on=D(2026, 1, 1)
    )
    services.assignment_add(
        actor=people.org_admin, volunteer=a, role="outreach", site=site, started_on=D(2026, 1, 1)
    )
    services.assignment_add(
        actor=people.org_admin, volunteer=b, role="outreach", site=site, started_on=D(2026, 1, 1)
    )
    flags = queries.succession(people.org_a, D(2026, 3, 1))
    assert [(f.role, f.volunteer.full_name) for f in flags] == [("Welcome and reception", "Anna")]
    g = group(people, site)
    services.facilitator_add(actor=people.org_admin, group=g, volunteer=b)
    flags = queries.succession(people.org_a, D(2026, 3, 1))
    assert ("Facilitating the group", "Bohdan") in [(f.role, f.volunteer.full_name) for f in flags]
    services.facilitator_add(actor=people.org_admin, group=g, volunteer=a)
    assert len(queries.succession(people.org_a, D(2026, 3, 1))) == 1


def test_a_public_application_needs_no_account_and_is_encrypted(people: People) -> None:
    from django.test import Client

    token = antispam.issue_token(str(people.org_a.uuid), now=time.time() - 10)
    data = {
        "full_name": "Olena Petrenko",
        "contact": "+380671234567",
        "motivation": "I was helped",
        "token": token,
    }
    response = Client(REMOTE_ADDR="203.0.113.8").post(f"/peer/apply/{people.org_a.uuid}/", data)
    assert response.status_code == 200
    v = Volunteer.objects.get()
    assert (v.full_name, v.status, v.invited) == ("Olena Petrenko", "applied", False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, contact FROM peer_volunteer")
        row = cursor.fetchone()
    assert "Olena" not in row[0] and "380671234567" not in row[1]
    bad = Client(REMOTE_ADDR="203.0.113.8").post(
        f"/peer/apply/{people.org_a.uuid}/", {**data, "full_name": "<script>x</script>"}
    )
    assert bad.status_code == 400 and Volunteer.objects.count() == 1


def test_volunteers_are_seen_by_their_organisation_only(people: People, split: Any) -> None:
    v = volunteer(people, "Anna", D(2026, 1, 1))
    allowed, denied = split(people, "org_admin", "focal_point")
    assert_access(f"/peer/volunteers/{v.uuid}/", allowed, denied)
    assert_access(
        "/peer/volunteers/",
        allowed,
        {"coordinator": people.coordinator, "outsider": people.outsider},
    )
    for user in (people.coordinator, people.superuser, people.outsider):
        assert not queries.volunteers_for(user).exists()


def test_screening_then_start_then_hours_and_certificate(people: People, site: Any) -> None:
    v = services.volunteer_invite(
        actor=people.org_admin, organisation=people.org_a, full_name="Iryna"
    )
    client = client_for(people.focal_point)
    url = f"/peer/volunteers/{v.uuid}/"
    client.post(url, {"step": "interview", "done_on": "2026-01-05", "passed": "on"})
    client.post(url, {"status": "active", "on": "2026-01-10"})
    client.post(url, {"hours": "3.5", "date": "2026-01-12"})
    client.post(url, {"hours": "2", "date": "2026-01-19"})
    v.refresh_from_db()
    assert v.status == "active" and v.started_on == D(2026, 1, 10)
    assert queries.hours_total(v) == Decimal("5.5")
    page = client.get(f"/peer/volunteers/{v.uuid}/certificate/").content.decode()
    assert "Iryna" in page and "5.5" in page


def test_a_failed_screening_blocks_the_start(people: People) -> None:
    v = services.volunteer_invite(actor=people.org_admin, organisation=people.org_a, full_name="X")
    services.screening_record(
        actor=people.org_admin, volunteer=v, step="references", done_on=D(2026, 1, 1), passed=False
    )
    with pytest.raises(ValidationError):
        services.volunteer_set_status(actor=people.org_admin, volunteer=v, status="active")


def test_hours_are_not_logged_in_the_future_or_out_of_range(people: People) -> None:
    v = volunteer(people, "A", D(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.hours_log(
            actor=people.org_admin, volunteer=v, date=D(2099, 1, 1), hours=Decimal("2")
        )
    with pytest.raises(ValidationError):
        services.hours_log(
            actor=people.org_admin, volunteer=v, date=D(2026, 1, 2), hours=Decimal("30")
        )
