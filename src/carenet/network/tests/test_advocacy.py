"""Advocacy goals with milestones and evidence."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from carenet.conftest import People, client_for
from carenet.geo.models import AdminArea
from carenet.network import services


def test_a_coordinator_tracks_a_goal_with_milestones_and_evidence(
    people: People, areas: dict[str, AdminArea]
) -> None:
    client = client_for(people.coordinator)
    response = client.post(
        reverse("network:advocacy"),
        {"title": "MHPSS in the oblast plan", "area": "UA32", "lead": people.org_a.pk},
    )
    assert response.status_code == 302
    goal_url = response["Location"]
    client.post(
        goal_url,
        {
            "milestone": "1",
            "title": "Draft plan names MHPSS",
            "reached_on": "2026-10-01",
            "evidence_url": "https://example.org/plan.pdf",
        },
    )
    body = client_for(people.viewer).get(goal_url).content.decode()
    assert "Draft plan names MHPSS" in body and "https://example.org/plan.pdf" in body


def test_members_cannot_add_goals(people: People, areas: dict[str, AdminArea]) -> None:
    with pytest.raises(PermissionDenied):
        services.goal_create(actor=people.org_admin, title="x", area=areas["kyiv_obl"])
    response = client_for(people.org_admin).post(
        reverse("network:advocacy"), {"title": "x", "area": "UA32"}
    )
    assert response.status_code == 403


def test_a_milestone_cannot_be_reached_in_the_future(
    people: People, areas: dict[str, AdminArea]
) -> None:
    goal = services.goal_create(actor=people.coordinator, title="Budget line", area=areas["lviv"])
    with pytest.raises(ValidationError):
        services.milestone_add(
            actor=people.coordinator,
            goal=goal,
            title="Adopted",
            reached_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_anonymous_visitors_and_forged_ids_get_nothing(
    people: People, areas: dict[str, AdminArea]
) -> None:
    from django.test import Client

    assert Client().get(reverse("network:advocacy")).status_code == 302
    url = reverse("network:goal", args=[uuid.uuid4()])
    assert client_for(people.coordinator).get(url).status_code == 404
