"""CoP health figures, worked out by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from carenet.conftest import People, assert_access, client_for
from carenet.cop import services
from carenet.cop.models import CopMember
from carenet.cop.queries.health import cop_health, overview, quarter_start, retention
from carenet.cop.tests.conftest import add_member, log_supervision, make_cop, make_meeting

pytestmark = pytest.mark.django_db


def test_it_computes_the_health_of_a_cop(people: People, open_cop: Any) -> None:
    add_member(open_cop, people.outsider, people.org_b, profession="teacher")
    add_member(open_cop, people.viewer, people.org_a, profession="volunteer")
    old = timezone.localdate() - datetime.timedelta(days=200)
    CopMember.objects.filter(cop=open_cop, user=people.viewer).update(joined_on=old)
    ids = {m.user_id: m.pk for m in CopMember.objects.filter(cop=open_cop)}
    meeting = make_meeting(open_cop, people.focal_point, hours_from_now=-2, kind="peer_learning")
    services.attendance_record(
        actor=people.focal_point,
        meeting=meeting,
        present=[ids[people.focal_point.pk], ids[people.practitioner.pk]],
    )
    log_supervision(open_cop, people.focal_point, people.outsider, hours="2")
    services.resource_add(
        actor=people.practitioner,
        cop=open_cop,
        title="Guide",
        url="https://example.org",
        language="en",
    )
    health = cop_health(open_cop)
    # 4 members: focal point (psychologist), practitioner (social worker), outsider (teacher),
    # viewer (volunteer, joined 200 days ago, did nothing since)
    assert health.members == 4 and health.new_members == 3 and health.organisations == 2
    assert health.meetings_held == 1 and health.attendance_rate == 50.0
    assert health.active_members == 3  # focal point, practitioner (attended), outsider (supervised)
    assert health.resources_shared == 1
    assert health.supervision_hours == Decimal(
        "2"
    ) and health.supervision_hours_per_member == Decimal("0.5")
    assert {code for code, _, _ in health.sectors} == {
        "health",
        "social-protection",
        "education",
        "community",
    }


def test_retention_counts_members_present_at_the_start_of_each_quarter(
    people: People, open_cop: Any
) -> None:
    today = datetime.date(2026, 11, 20)
    members = [
        CopMember(joined_on=datetime.date(2026, 1, 5)),  # stays
        CopMember(joined_on=datetime.date(2026, 2, 1), left_on=datetime.date(2026, 8, 15)),
        CopMember(joined_on=datetime.date(2026, 8, 1)),  # joins Q3
        CopMember(joined_on=datetime.date(2026, 10, 1), left_on=datetime.date(2026, 10, 2)),
    ]
    quarters = retention(members, today)
    assert [q.start for q in quarters] == [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 7, 1),
        datetime.date(2026, 10, 1),
    ]
    q1, q2, q3, q4 = quarters
    assert (q1.at_start, q1.joined) == (0, 2) and q1.rate is None
    assert (q2.at_start, q2.retained, q2.rate) == (2, 2, 100.0)
    assert (q3.at_start, q3.retained, q3.rate, q3.joined) == (2, 1, 50.0, 1)
    assert (q4.at_start, q4.retained, q4.joined) == (2, 2, 1)
    assert q4.end == today
    assert quarter_start(datetime.date(2026, 12, 31)) == datetime.date(2026, 10, 1)


def test_health_pages_reach_facilitators_admins_and_coordinators(
    people: People, open_cop: Any, split: Any
) -> None:
    assert_access(
        reverse("cop:health", args=[open_cop.uuid]),
        *split(people, "focal_point", "org_admin", "coordinator", "superuser"),
    )
    assert_access(
        reverse("cop:health_overview"),
        *split(people, "focal_point", "org_admin", "coordinator", "superuser"),
    )


def test_coordinators_see_figures_of_private_cops_but_not_their_content(
    people: People, private_cop: Any
) -> None:
    client = client_for(people.coordinator)
    response = client.get(reverse("cop:health", args=[private_cop.uuid]))
    assert response.status_code == 200 and response.context["health"].members == 2
    assert "cop-nav" not in response.content.decode()
    assert client.get(reverse("cop:meetings", args=[private_cop.uuid])).status_code == 404


def test_the_area_coordinator_sees_cops_of_their_area_only(
    people: People, areas: Any, open_cop: Any
) -> None:
    services.cop_update(actor=people.focal_point, cop=open_cop, area=areas["irpin"])
    lviv = make_cop(people.focal_point, people.org_a, name="Lviv")
    services.cop_update(actor=people.focal_point, cop=lviv, area=areas["lviv"])
    page = client_for(people.oblast_coordinator).get(reverse("cop:health_overview"))
    assert [r.cop for r in page.context["rows"]] == [open_cop]
    assert (
        client_for(people.oblast_coordinator)
        .get(reverse("cop:health", args=[lviv.uuid]))
        .status_code
        == 404
    )


def test_the_overview_matches_the_detail_in_few_queries(
    people: People, reference: None, django_assert_max_num_queries: Any
) -> None:
    cops = []
    for i in range(6):
        cop = make_cop(people.focal_point, people.org_a, name=f"CoP {i}")
        add_member(cop, people.practitioner, people.org_a)
        meeting = make_meeting(cop, people.focal_point, hours_from_now=-1)
        ids = [m.pk for m in CopMember.objects.filter(cop=cop)]
        services.attendance_record(actor=people.focal_point, meeting=meeting, present=ids[:1])
        cops.append(cop)
    rows = overview(cops)
    detail = cop_health(cops[0])
    assert (rows[0].members, rows[0].attendance_rate, rows[0].supervision_hours) == (
        detail.members,
        detail.attendance_rate,
        detail.supervision_hours,
    )
    client = client_for(people.coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("cop:health_overview")).status_code == 200
