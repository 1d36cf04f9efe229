"""Meetings, attendance and the group supervision hours they record."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from carenet.conftest import People, assert_access, client_for
from carenet.cop import services
from carenet.cop.models import Attendance, CopMember, Meeting, SupervisionLog
from carenet.cop.tests.conftest import add_member, make_meeting

pytestmark = pytest.mark.django_db


def _form(starts_at: datetime.datetime, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "group_supervision",
        "title": "Supervision",
        "duration_minutes": 90,
        "starts_at": timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M"),
        "place": "Online",
        "agenda": "Cases without names",
        **extra,
    }


def test_facilitators_and_supervisors_schedule_meetings(
    people: People, open_cop: Any, split: Any
) -> None:
    url = reverse("cop:meeting_new", args=[open_cop.uuid])
    assert_access(url, *split(people, "focal_point"))
    add_member(open_cop, people.outsider, people.org_b, role="supervisor")
    response = client_for(people.outsider).post(
        url, _form(timezone.now() + datetime.timedelta(days=2))
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.kind == "group_supervision" and meeting.created_by == people.outsider


def test_meeting_form_refuses_bad_input(people: People, open_cop: Any) -> None:
    client = client_for(people.focal_point)
    url = reverse("cop:meeting_new", args=[open_cop.uuid])
    bad = [
        _form(timezone.now(), kind="party"),
        _form(timezone.now(), duration_minutes=2000),
        {**_form(timezone.now()), "starts_at": "yesterday"},
        _form(timezone.now(), agenda="Discuss client born 12.03.1985, tel +380 67 123 4567"),
    ]
    for data in bad:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert not Meeting.objects.exists()


def test_it_records_attendance_and_group_supervision_hours(people: People, open_cop: Any) -> None:
    add_member(open_cop, people.outsider, people.org_b)
    meeting = make_meeting(open_cop, people.focal_point, hours_from_now=-2)
    members = {m.user_id: m for m in CopMember.objects.filter(cop=open_cop)}
    url = reverse("cop:meeting_attendance", args=[meeting.uuid])
    present = [members[people.practitioner.pk].pk, members[people.focal_point.pk].pk]
    response = client_for(people.focal_point).post(
        url, {"present": [str(p) for p in present], "minutes": "Themes: boundaries, self-care."}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.minutes.startswith("Themes")
    assert dict(
        Attendance.objects.filter(meeting=meeting).values_list("member__user_id", "present")
    ) == {people.focal_point.pk: True, people.practitioner.pk: True, people.outsider.pk: False}
    log = SupervisionLog.objects.get(meeting=meeting)
    assert log.kind == "group" and log.hours == Decimal("1.50")
    assert list(log.supervisees.all()) == [people.practitioner]  # not the supervisor


def test_correcting_attendance_keeps_one_supervision_log(people: People, open_cop: Any) -> None:
    add_member(open_cop, people.outsider, people.org_b)
    meeting = make_meeting(open_cop, people.focal_point, hours_from_now=-2)
    ids = {m.user_id: m.pk for m in CopMember.objects.filter(cop=open_cop)}
    services.attendance_record(
        actor=people.focal_point, meeting=meeting, present=[ids[people.practitioner.pk]]
    )
    services.attendance_record(
        actor=people.focal_point, meeting=meeting, present=[ids[people.outsider.pk]]
    )
    log = SupervisionLog.objects.get()
    assert list(log.supervisees.all()) == [people.outsider]
    services.attendance_record(actor=people.focal_point, meeting=meeting, present=[])
    assert not SupervisionLog.objects.exists()


def test_attendance_is_refused_before_the_meeting_and_for_strangers(
    people: People, open_cop: Any, private_cop: Any
) -> None:
    future = make_meeting(open_cop, people.focal_point, hours_from_now=5)
    with pytest.raises(ValidationError):
        services.attendance_record(actor=people.focal_point, meeting=future, present=[])
    past = make_meeting(open_cop, people.focal_point, hours_from_now=-1)
    stranger = CopMember.objects.get(cop=private_cop, user=people.practitioner)
    with pytest.raises(ValidationError):
        services.attendance_record(actor=people.focal_point, meeting=past, present=[stranger.pk])
    response = client_for(people.focal_point).post(
        reverse("cop:meeting_attendance", args=[past.uuid]), {"present": ["999999"]}
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_attendance_pages_reach_facilitators_only(
    people: People, open_cop: Any, split: Any
) -> None:
    meeting = make_meeting(open_cop, people.focal_point, hours_from_now=-1)
    assert_access(
        reverse("cop:meeting_attendance", args=[meeting.uuid]), *split(people, "focal_point")
    )
    assert_access(reverse("cop:meeting_edit", args=[meeting.uuid]), *split(people, "focal_point"))
    assert (
        client_for(people.practitioner)
        .post(reverse("cop:meeting_attendance", args=[meeting.uuid]), {"present": []})
        .status_code
        == 403  # a member may see the meeting: "you cannot change this", not "not found"
    )


def test_members_see_counts_but_not_who_attended(people: People, open_cop: Any) -> None:
    meeting = make_meeting(open_cop, people.focal_point, hours_from_now=-1)
    ids = {m.user_id: m.pk for m in CopMember.objects.filter(cop=open_cop)}
    services.attendance_record(
        actor=people.focal_point, meeting=meeting, present=[ids[people.practitioner.pk]]
    )
    body = (
        client_for(people.outsider)
        .get(reverse("cop:meeting", args=[meeting.uuid]))
        .content.decode()
    )
    assert "1 of 2 present" in body and "practitioner@alpha.org" not in body
    facilitator_view = (
        client_for(people.focal_point)
        .get(reverse("cop:meeting", args=[meeting.uuid]))
        .content.decode()
    )
    assert "practitioner@alpha.org" in facilitator_view


def test_editing_a_meeting_records_minutes_and_cancellation(people: People, open_cop: Any) -> None:
    meeting = make_meeting(open_cop, people.focal_point, hours_from_now=3)
    response = client_for(people.focal_point).post(
        reverse("cop:meeting_edit", args=[meeting.uuid]),
        _form(meeting.starts_at, minutes="", status="cancelled"),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    page = client_for(people.practitioner).get(reverse("cop:me")).context["page"]
    assert meeting not in page.upcoming


def test_a_practitioner_sees_upcoming_meetings_and_hours_on_their_page(
    people: People, open_cop: Any
) -> None:
    upcoming = make_meeting(
        open_cop,
        people.focal_point,
        hours_from_now=48,
        title="Next peer learning",
        kind="peer_learning",
    )
    held = make_meeting(open_cop, people.focal_point, hours_from_now=-3, title="Held supervision")
    ids = {m.user_id: m.pk for m in CopMember.objects.filter(cop=open_cop)}
    services.attendance_record(
        actor=people.focal_point, meeting=held, present=[ids[people.practitioner.pk]]
    )
    response = client_for(people.practitioner).get(reverse("cop:me"))
    body = response.content.decode()
    assert upcoming.title in body and held.title in body
    assert response.context["page"].hours_received == Decimal("1.5")
