"""Reads of the network app; each protected one starts from core.permissions."""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from carenet.accounts.models import Membership, Organisation, Role
from carenet.core import permissions
from carenet.network.models import (
    ActionPoint,
    ActionPointQuerySet,
    AdvocacyGoal,
    Application,
    ApplicationStatus,
    Decision,
    NetworkGroup,
    NetworkMeeting,
    Reminder,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

    AnyUser = User | AnonymousUser


def as_uuid(value: Any) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _one(queryset: QuerySet[Any], uuid: Any) -> Any:
    found = queryset.filter(uuid=as_uuid(uuid)).first()
    if found is None:
        raise Http404
    return found


# --- roster -----------------------------------------------------------------------------------


@dataclass
class RosterFilters:
    kind: str = ""
    sector: str = ""  # a sector term's code
    area: str = ""  # a P-code: organisations working in it or below it


def roster(filters: RosterFilters) -> QuerySet[Organisation]:
    """The network's active member organisations, with sectors and areas, filtered.

    The public part (name, kind, areas, sectors) is the same for everyone; focal points are
    added by `focal_points` for members only."""
    orgs = Organisation.objects.filter(is_active=True, coordination_member=True)
    if filters.kind:
        orgs = orgs.filter(kind=filters.kind)
    if filters.sector:
        orgs = orgs.filter(sectors__code=filters.sector)
    if filters.area:
        orgs = orgs.filter(areas__path__contains=f"{filters.area.upper()}/")
    return (
        orgs.distinct().prefetch_related("sectors", "areas").order_by("coordination_role", "name")
    )


def may_see_focal_points(user: AnyUser) -> bool:
    return permissions.can_somewhere(user, "network.view")


def focal_points(organisations: list[Organisation]) -> dict[int, list[Membership]]:
    """Each organisation's focal points (admins when it has none), for members' eyes."""
    rows = (
        Membership.objects.filter(
            organisation__in=organisations,
            role__in=[Role.FOCAL_POINT, Role.ORG_ADMIN],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    by_org: dict[int, list[Membership]] = {}
    for m in rows:
        by_org.setdefault(m.organisation_id, []).append(m)
    return {org: [m for m in ms if m.role == Role.FOCAL_POINT] or ms for org, ms in by_org.items()}


# --- joining and staff ---------------------------------------------------------------------


def applications(status: str = ApplicationStatus.PENDING) -> QuerySet[Application]:
    return Application.objects.filter(status=status).prefetch_related("sectors", "areas")


def application_for(user: AnyUser, uuid: Any) -> Application:
    """An application, for coordinators only (404 for anyone else)."""
    if not permissions.can(user, "network.coordinate"):
        raise Http404
    return _one(Application.objects.prefetch_related("sectors", "areas"), uuid)


def organisation_to_staff(user: AnyUser, uuid: Any) -> Organisation:
    """An organisation whose people the user may invite or manage, or 404."""
    return _one(permissions.organisations_for(user, "members.invite"), uuid)


# --- groups, meetings, decisions, action points ---------------------------------------------


def groups(user: AnyUser) -> QuerySet[NetworkGroup]:
    if not permissions.can_somewhere(user, "network.view"):
        return NetworkGroup.objects.none()
    return NetworkGroup.objects.filter(is_active=True).select_related("parent")


def group_for(user: AnyUser, uuid: Any) -> NetworkGroup:
    return _one(groups(user), uuid)


def meetings_of(group: NetworkGroup) -> QuerySet[NetworkMeeting]:
    return group.meetings.order_by("-held_on")


def meeting_for(user: AnyUser, uuid: Any) -> NetworkMeeting:
    if not permissions.can_somewhere(user, "network.view"):
        raise Http404
    return _one(
        NetworkMeeting.objects.select_related("group").prefetch_related(
            "attending",
            Prefetch("decisions", queryset=Decision.objects.order_by("created_at")),
            Prefetch(
                "action_points",
                queryset=ActionPoint.objects.select_related("owner_organisation", "owner_user"),
            ),
        ),
        uuid,
    )


def action_for(user: AnyUser, uuid: Any) -> ActionPoint:
    """An action point the user may update, or 404."""
    action = _one(ActionPoint.objects.select_related("meeting", "owner_organisation"), uuid)
    permissions.require_on(user, "network.action_update", action)
    return action


def actions_owned(user: AnyUser) -> ActionPointQuerySet:
    """The user's own action points and those of their organisations."""
    rows = permissions.filter_on(
        user,
        "network.action_owned",
        ActionPoint.objects.select_related("meeting", "owner_organisation", "owner_user"),
    )
    return cast(ActionPointQuerySet, rows)


def actions_overdue(user: AnyUser) -> ActionPointQuerySet:
    """Overdue action points the user should see on their home page: every one for a
    coordinator of the network, their own and their organisation's for anyone else."""
    if permissions.can(user, "network.coordinate"):
        return ActionPoint.objects.overdue()
    return actions_owned(user).overdue()


def all_actions(user: AnyUser) -> ActionPointQuerySet:
    if not permissions.can_somewhere(user, "network.view"):
        return ActionPoint.objects.none()
    return ActionPoint.objects.select_related("meeting", "owner_organisation", "owner_user")


def public_decisions() -> QuerySet[Decision]:
    """Decisions the coordinator marked public, newest first: for anyone."""
    return (
        Decision.objects.filter(is_public=True)
        .select_related("meeting__group")
        .order_by("-meeting__held_on", "-created_at")
    )


def reminders_sent(user: AnyUser) -> QuerySet[Reminder]:
    if not permissions.can(user, "network.coordinate"):
        return Reminder.objects.none()
    return Reminder.objects.select_related("organisation")


# --- advocacy --------------------------------------------------------------------------------


def goals(user: AnyUser) -> QuerySet[AdvocacyGoal]:
    if not permissions.can_somewhere(user, "network.view"):
        return AdvocacyGoal.objects.none()
    return AdvocacyGoal.objects.select_related("area", "lead").prefetch_related("milestones")


def goal_for(user: AnyUser, uuid: Any) -> AdvocacyGoal:
    return _one(goals(user), uuid)
