"""Small helpers that make network records through the real services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from carenet.accounts.models import Organisation, User
from carenet.network import services
from carenet.network.models import ActionPoint, NetworkGroup, NetworkMeeting


def twg(coordinator: User) -> NetworkGroup:
    return services.group_create(actor=coordinator, name="MHPSS TWG", kind="twg")


def meeting(coordinator: User, group: NetworkGroup | None = None) -> NetworkMeeting:
    return services.meeting_create(
        actor=coordinator,
        group=group or twg(coordinator),
        title="Monthly TWG meeting",
        held_on=timezone.localdate() - datetime.timedelta(days=20),
    )


def overdue_action(
    coordinator: User, organisation: Organisation | None = None, person: User | None = None
) -> ActionPoint:
    return services.action_add(
        actor=coordinator,
        meeting=meeting(coordinator),
        title="Share the updated referral pathway",
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        owner_organisation=organisation,
        owner_user=person,
    )
