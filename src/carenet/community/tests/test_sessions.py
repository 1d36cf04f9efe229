"""Strategic sessions and action items: who sees what, overdue items, bad input."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from carenet.community import queries, services
from carenet.community.models import ActionItem, StrategicSession
from carenet.community.tests.conftest import make_session, sector
from carenet.conftest import assert_access, client_for

pytestmark = pytest.mark.usefixtures("reference")

VIEWERS = (
    "coordinator",
    "oblast_coordinator",
    "org_admin",
    "focal_point",
    "practitioner",
    "viewer",
    "superuser",
)
EDITORS = ("coordinator", "oblast_coordinator", "org_admin", "focal_point", "superuser")


@pytest.fixture
def session(people: Any, areas: Any) -> StrategicSession:
    return make_session(people.focal_point, areas["irpin"], people.org_a)


def _late(session: StrategicSession, owner: Any, text: str = "Find premises") -> ActionItem:
    return services.action_item_add(
        actor=None,
        session=session,
        description=text,
        owner_organisation=owner,
        due_on=timezone.localdate() - datetime.timedelta(days=10),
    )


def test_it_records_participants_by_sector(session: StrategicSession) -> None:
    counts = {p.sector.code: p.count for p in session.participation.all()}
    assert counts == {"health": 3, "education": 2}


def test_access_to_a_session(people: Any, session: StrategicSession, split: Any) -> None:
    assert_access(reverse("community:session", args=[session.uuid]), *split(people, *VIEWERS))
    assert_access(reverse("community:session_edit", args=[session.uuid]), *split(people, *EDITORS))
    assert_access(reverse("community:session_new"), *split(people, *EDITORS))
    assert_access(reverse("community:sessions"), *split(people, *VIEWERS, "outsider"))


@pytest.mark.parametrize("forged", [str(uuid.uuid4()), "x"])
def test_forged_session_ids_are_not_found(people: Any, session: Any, forged: str) -> None:
    client = client_for(people.superuser)
    assert client.get(reverse("community:session", args=[forged])).status_code == 404
    assert (
        client.post(
            reverse("community:action_item_status", args=[forged]), {"status": "done"}
        ).status_code
        == 404
    )


def test_overdue_items_reach_the_coordinator_of_the_community_only(
    people: Any,
    areas: Any,
    session: StrategicSession,
) -> None:
    in_kyiv = _late(session, people.org_a)
    lviv_session = make_session(people.focal_point, areas["lviv"], people.org_a)
    in_lviv = _late(lviv_session, people.org_a, "Train staff")
    services.action_item_add(
        actor=None,
        session=session,
        description="Later",
        owner_organisation=people.org_a,
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    today = timezone.localdate()
    assert list(queries.overdue_action_items(people.oblast_coordinator, today)) == [in_kyiv]
    assert set(queries.overdue_action_items(people.coordinator, today)) == {in_kyiv, in_lviv}
    assert not queries.overdue_action_items(people.outsider, today).exists()
    page = client_for(people.oblast_coordinator).get(reverse("community:overdue"))
    assert page.status_code == 200
    assert "Find premises" in page.content.decode()
    assert "Train staff" not in page.content.decode()


def test_a_done_item_is_no_longer_overdue(people: Any, session: StrategicSession) -> None:
    item = _late(session, people.org_a)
    response = client_for(people.oblast_coordinator).post(
        reverse("community:action_item_status", args=[item.uuid]),
        {"status": "done", "note": "premises agreed", "next": "overdue"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("community:overdue")
    item.refresh_from_db()
    assert item.status == "done"
    assert not queries.overdue_action_items(people.coordinator, timezone.localdate()).exists()


def test_the_owner_organisation_sees_and_updates_its_items(people: Any, areas: Any) -> None:
    session = make_session(people.coordinator, areas["lviv"], None)
    item = _late(session, people.org_b)
    assert queries.action_items_for(people.outsider).get() == item
    assert not queries.sessions_for(people.outsider).exists()
    # a practitioner may view their organisation's item but not change it
    response = client_for(people.outsider).post(
        reverse("community:action_item_status", args=[item.uuid]), {"status": "done"}
    )
    assert response.status_code == 403
    response = client_for(people.viewer).post(
        reverse("community:action_item_status", args=[item.uuid]), {"status": "done"}
    )
    assert response.status_code == 404


def test_a_session_is_recorded_through_the_form(people: Any, areas: Any) -> None:
    data = {
        "community": "UA3208015",
        "organisation": people.org_a.pk,
        "held_on": "2026-02-10",
        "title": "Kick-off",
        "vision": "Support for all",
        f"p_{sector('health').code}": "4",
        f"p_{sector('youth').code}": "2",
    }
    response = client_for(people.org_admin).post(reverse("community:session_new"), data)
    assert response.status_code == 302
    session = StrategicSession.objects.get()
    assert {p.sector.code: p.count for p in session.participation.all()} == {
        "health": 4,
        "youth": 2,
    }
    response = client_for(people.org_admin).post(
        reverse("community:action_item_new", args=[session.uuid]),
        {"description": "Agree premises", "owner_other": "Irpin council", "due_on": "2026-04-01"},
    )
    assert response.status_code == 302
    assert session.action_items.get().owner_label == "Irpin council"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("p_health", "-3"),
        ("p_health", "many"),
        ("held_on", "31/31/2026"),
        ("community", "XX1"),
    ],
)
def test_bad_session_input_is_refused(people: Any, areas: Any, field: str, value: str) -> None:
    data = {
        "community": "UA3208015",
        "organisation": people.org_a.pk,
        "held_on": "2026-02-10",
        field: value,
    }
    response = client_for(people.org_admin).post(reverse("community:session_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not StrategicSession.objects.exists()


def test_an_action_item_needs_an_owner(people: Any, session: StrategicSession) -> None:
    response = client_for(people.focal_point).post(
        reverse("community:action_item_new", args=[session.uuid]), {"description": "Do it"}
    )
    assert response.status_code == 400
    assert not session.action_items.exists()


def test_editing_a_session_changes_the_counts(people: Any, session: StrategicSession) -> None:
    response = client_for(people.focal_point).post(
        reverse("community:session_edit", args=[session.uuid]),
        {"held_on": "2026-03-02", "title": "Renamed", "p_health": "7"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Renamed"
    assert {p.sector.code: p.count for p in session.participation.all()} == {"health": 7}
