"""Peer groups: the public listing, rotating facilitation, anonymous head counts, access."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carenet.conftest import People, assert_access, client_for
from carenet.directory import queries as directory_queries
from carenet.peer import services
from carenet.peer.models import Volunteer
from carenet.peer.tests.conftest import group, volunteer

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 1, 5)


def test_an_open_group_is_listed_in_the_public_directory(people: People, site: Any) -> None:
    g = group(people, site)
    assert g.listing is not None
    listed = directory_queries.public_service(g.listing.uuid)
    assert listed.name_en == "Veterans' Tuesday group"
    assert [link.site for link in listed.public_links] == [site]
    assert "Tuesdays 18:00" in listed.schedule_note


def test_a_group_closed_to_newcomers_leaves_the_directory(people: People, site: Any) -> None:
    g = group(people, site)
    services.group_update(actor=people.focal_point, group=g, data={"open_to_newcomers": False})
    assert not directory_queries.public_services().filter(pk=g.listing_id).exists()
    services.group_update(actor=people.focal_point, group=g, data={"open_to_newcomers": True})
    assert directory_queries.public_services().filter(pk=g.listing_id).exists()


def test_a_closed_group_is_not_listed_at_all(people: People, site: Any) -> None:
    g = group(people, site, open_to_newcomers=False)
    assert g.listing is None


def test_a_group_meets_at_a_site_of_its_own_organisation(
    people: People, site: Any, areas: Any
) -> None:
    from carenet.directory import services as directory_services

    foreign = directory_services.site_create(
        actor=None,
        organisation=people.org_b,
        data={"name_en": "B", "kind": "office", "area": areas["lviv"]},
    )
    with pytest.raises(ValidationError):
        group(people, site=foreign)


def test_facilitators_take_turns(people: People, site: Any) -> None:
    g = group(people, site)
    a, b, c = (volunteer(people, n, MONDAY) for n in ("Anna", "Bohdan", "Cezary"))
    for v in (a, b, c):
        services.facilitator_add(actor=people.focal_point, group=g, volunteer=v)
    first = services.meetings_plan(actor=people.focal_point, group=g, start=MONDAY, count=5)
    assert [m.facilitator.volunteer.full_name for m in first] == [
        "Anna",
        "Bohdan",
        "Cezary",
        "Anna",
        "Bohdan",
    ]
    assert [m.date for m in first][:2] == [MONDAY, MONDAY + datetime.timedelta(days=7)]
    more = services.meetings_plan(
        actor=people.focal_point, group=g, start=MONDAY + datetime.timedelta(days=35), count=2
    )
    assert [m.facilitator.volunteer.full_name for m in more] == ["Cezary", "Anna"]
    # the same days are not planned twice
    assert services.meetings_plan(actor=people.focal_point, group=g, start=MONDAY, count=3) == []


def test_only_active_volunteers_of_the_organisation_facilitate(people: People, site: Any) -> None:
    g = group(people, site)
    applicant = services.volunteer_invite(
        actor=people.org_admin, organisation=people.org_a, full_name="New"
    )
    with pytest.raises(ValidationError):
        services.facilitator_add(actor=people.focal_point, group=g, volunteer=applicant)
    foreign = Volunteer.objects.create(
        organisation=people.org_b, full_name="B", status="active", applied_on=MONDAY
    )
    with pytest.raises(ValidationError):
        services.facilitator_add(actor=people.focal_point, group=g, volunteer=foreign)


def test_head_counts_are_anonymous_numbers(people: People, site: Any) -> None:
    g = group(people, site)
    meeting = services.meetings_plan(actor=people.focal_point, group=g, start=MONDAY, count=1)[0]
    client = client_for(people.focal_point)
    assert (
        client.post(
            f"/peer/meetings/{meeting.uuid}/", {"head_count": "9", "newcomers": "2"}
        ).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert (meeting.head_count, meeting.newcomers) == (9, 2)
    client.post(f"/peer/meetings/{meeting.uuid}/", {"head_count": "3", "newcomers": "5"})
    meeting.refresh_from_db()
    assert meeting.head_count == 9
    assert (
        client_for(people.outsider)
        .post(f"/peer/meetings/{meeting.uuid}/", {"head_count": "1"})
        .status_code
        == 404
    )


def test_who_sees_and_who_manages_a_group(people: People, site: Any, split: Any) -> None:
    g = group(people, site)
    allowed, denied = split(
        people,
        "org_admin",
        "focal_point",
        "practitioner",
        "viewer",
        "coordinator",
        "oblast_coordinator",
        "superuser",
    )
    assert_access(f"/peer/groups/{g.uuid}/", allowed, denied)
    allowed, denied = split(people, "org_admin", "focal_point")
    assert_access(f"/peer/groups/{g.uuid}/edit/", allowed, denied)
    with pytest.raises(PermissionDenied):
        services.group_update(actor=people.coordinator, group=g, data={"name": "x"})
    assert client_for(people.org_admin).get(f"/peer/groups/{uuid.uuid4()}/").status_code == 404


def test_the_group_pages_work(people: People, site: Any) -> None:
    g = group(people, site)
    client = client_for(people.focal_point)
    assert "Veterans" in client.get("/peer/").content.decode()
    page = client.get(f"/peer/groups/{g.uuid}/").content.decode()
    assert "What is said here stays here." in page
    response = client.post(
        "/peer/groups/new/",
        {
            "name": "Parents",
            "kind": g.kind.pk,
            "host_site": site.pk,
            "schedule": "Fridays",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
