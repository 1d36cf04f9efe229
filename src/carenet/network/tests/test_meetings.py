"""TWG meetings, decisions and action points; overdue ones on the home page."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carenet.conftest import People, assert_access, client_for
from carenet.core.models import AuditEntry
from carenet.network import services
from carenet.network.models import ActionStatus
from carenet.network.tests import factories


def test_the_network_coordinator_creates_groups_and_meetings(people: People) -> None:
    client = client_for(people.coordinator)
    response = client.post(
        reverse("network:group_new"), {"name": "Referral sub-group", "kind": "subgroup"}
    )
    assert response.status_code == 302
    group_url = response["Location"]
    group_uuid = group_url.rstrip("/").split("/")[-1]
    response = client.post(
        reverse("network:meeting_new", args=[group_uuid]),
        {"title": "Kick-off", "held_on": "2026-11-02", "agenda": "1. Pathways"},
    )
    assert response.status_code == 302
    assert "Kick-off" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("who", ["org_admin", "focal_point", "oblast_coordinator", "outsider"])
def test_only_network_coordinators_create_groups(people: People, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.group_create(actor=getattr(people, who), name="X", kind="twg")
    response = client_for(getattr(people, who)).post(
        reverse("network:group_new"), {"name": "X", "kind": "twg"}
    )
    assert response.status_code == 403


def test_members_read_meetings_and_anonymous_visitors_do_not(people: People, split: Any) -> None:
    meeting = factories.meeting(people.coordinator)
    allowed, denied = split(
        people,
        "coordinator",
        "oblast_coordinator",
        "org_admin",
        "focal_point",
        "practitioner",
        "viewer",
        "outsider",
        "superuser",
    )
    assert_access(reverse("network:meeting", args=[meeting.uuid]), allowed, denied)


def test_recording_attendance_minutes_a_decision_and_an_action(people: People) -> None:
    meeting = factories.meeting(people.coordinator)
    client = client_for(people.coordinator)
    url = reverse("network:meeting", args=[meeting.uuid])
    client.post(
        url,
        {
            "form": "record",
            "status": "held",
            "attending": [people.org_a.pk, people.org_b.pk],
            "minutes": "Agreed the pathway.",
        },
    )
    client.post(url, {"form": "decision", "text": "Adopt the referral form v2.", "is_public": "on"})
    response = client.post(
        url,
        {
            "form": "action",
            "title": "Circulate form v2",
            "due_on": "2026-01-15",
            "owner_organisation": people.org_a.pk,
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert set(meeting.attending.all()) == {people.org_a, people.org_b}
    assert meeting.decisions.get().is_public
    assert meeting.action_points.get().owner_organisation == people.org_a
    assert AuditEntry.objects.filter(object_id=str(meeting.uuid), action="update").exists()


def test_an_action_point_needs_an_owner(people: People) -> None:
    meeting = factories.meeting(people.coordinator)
    response = client_for(people.coordinator).post(
        reverse("network:meeting", args=[meeting.uuid]),
        {"form": "action", "title": "Nobody's job", "due_on": "2026-01-15"},
    )
    assert response.status_code == 200
    assert not meeting.action_points.exists()


def test_members_cannot_write_to_a_meeting(people: People) -> None:
    meeting = factories.meeting(people.coordinator)
    response = client_for(people.org_admin).post(
        reverse("network:meeting", args=[meeting.uuid]),
        {"form": "decision", "text": "We decide alone."},
    )
    assert response.status_code == 403
    assert not meeting.decisions.exists()


def test_public_decisions_are_on_the_key_decisions_page_and_others_are_not(
    people: People,
) -> None:
    meeting = factories.meeting(people.coordinator)
    services.decision_add(
        actor=people.coordinator, meeting=meeting, text="Public: one referral form.", is_public=True
    )
    services.decision_add(
        actor=people.coordinator, meeting=meeting, text="Internal: budget talk.", is_public=False
    )
    body = Client().get(reverse("network:decisions")).content.decode()
    assert "Public: one referral form." in body and "Internal: budget talk." not in body


def test_an_overdue_action_shows_on_the_owner_and_coordinator_home_pages(people: People) -> None:
    factories.overdue_action(people.coordinator, organisation=people.org_a)
    for who in ("focal_point", "org_admin", "coordinator"):
        body = client_for(getattr(people, who)).get("/").content.decode()
        assert "1 overdue action point" in body, who
    for who in ("outsider", "practitioner"):
        body = client_for(getattr(people, who)).get("/").content.decode()
        assert "overdue action point" not in body, who


def test_an_action_assigned_to_a_person_shows_for_that_person(people: People) -> None:
    factories.overdue_action(people.coordinator, person=people.outsider)
    assert "1 overdue action point" in client_for(people.outsider).get("/").content.decode()


def test_a_done_action_is_no_longer_overdue(people: People) -> None:
    action = factories.overdue_action(people.coordinator, organisation=people.org_a)
    services.action_update(actor=people.focal_point, action=action, status="done", note="")
    assert "overdue action point" not in client_for(people.focal_point).get("/").content.decode()


def test_only_the_owner_or_a_coordinator_updates_an_action(people: People) -> None:
    action = factories.overdue_action(people.coordinator, organisation=people.org_a)
    url = reverse("network:action_status", args=[action.uuid])
    for who in ("outsider", "viewer", "practitioner"):
        response = client_for(getattr(people, who)).post(url, {"status": "done"})
        assert response.status_code == 404, who
    assert client_for(people.focal_point).post(url, {"status": "in_progress"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


@pytest.mark.parametrize("forged", [str(uuid.uuid4()), "x"])
def test_forged_meeting_and_action_ids_are_not_found(people: People, forged: str) -> None:
    client = client_for(people.coordinator)
    assert client.get(reverse("network:meeting", args=[forged])).status_code == 404
    assert client.post(reverse("network:action_status", args=[forged])).status_code == 404
    assert client.get(reverse("network:group", args=[forged])).status_code == 404


def test_the_overdue_list_counts_only_open_past_due_actions(people: People) -> None:
    action = factories.overdue_action(people.coordinator, organisation=people.org_a)
    services.action_add(
        actor=people.coordinator,
        meeting=action.meeting,
        title="Later",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        owner_organisation=people.org_a,
    )
    body = client_for(people.coordinator).get(reverse("network:actions")).content.decode()
    assert "Share the updated referral pathway" in body and "Later" not in body
