"""Every read of the peer app, starting from `core.permissions`.

Volunteers (their names and contacts) are read only by the organisation they volunteer
with, through `scope.orgs_for("peer.volunteers")`: coordinators and superusers do not
reach them here.
"""

from __future__ import annotations

import calendar
import datetime
import uuid as uuid_lib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.accounts.models import Organisation, User
from carenet.cop.queries import community as cop_community
from carenet.cop.queries import learning as cop_learning
from carenet.core import permissions, suppression
from carenet.directory import queries as directory_queries
from carenet.peer.models import (
    Assignment,
    Facilitator,
    GroupMeeting,
    PeerGroup,
    Volunteer,
    VolunteerStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser

RETENTION_MONTHS = (3, 6, 12)


def _as_uuid(value: Any) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


# --- groups ---------------------------------------------------------------------------------


def groups_for(user: AnyUser) -> QuerySet[PeerGroup]:
    return (
        permissions.filter_for(
            user, "peer.view", PeerGroup.objects.all(), area_field="host_site__area"
        )
        .select_related("organisation", "kind", "host_site", "supervisor", "supervision_cop")
        .annotate(facilitator_count=Count("facilitators", filter=Q(facilitators__active=True)))
    )


def group_for(user: AnyUser, uuid: Any) -> PeerGroup:
    group = groups_for(user).filter(uuid=_as_uuid(uuid)).first()
    if group is None:
        raise Http404
    return group


def group_to_manage(user: AnyUser, uuid: Any) -> PeerGroup:
    group = group_for(user, uuid)
    if not permissions.acts_for(user, "peer.manage", group.organisation):
        raise Http404
    return group


def groups_of(organisation: Organisation) -> QuerySet[PeerGroup]:
    """The organisation's active groups (for assigning its own volunteers)."""
    return PeerGroup.objects.filter(organisation=organisation, is_active=True)


def facilitators_of(group: PeerGroup) -> list[Facilitator]:
    return list(group.facilitators.filter(active=True).select_related("volunteer"))


def meetings_of(group: PeerGroup) -> QuerySet[GroupMeeting]:
    return group.meetings.select_related("facilitator__volunteer").order_by("-date")


def meeting_to_manage(user: AnyUser, uuid: Any) -> GroupMeeting:
    meeting = (
        GroupMeeting.objects.select_related("group__organisation")
        .filter(uuid=_as_uuid(uuid))
        .first()
    )
    if meeting is None or not permissions.acts_for(user, "peer.manage", meeting.group.organisation):
        raise Http404
    return meeting


def sites_of(organisation: Organisation) -> QuerySet[Any]:
    """The organisation's active sites, where a group may meet."""
    return directory_queries.public_sites().filter(organisation=organisation)


def supervision_cops(user: AnyUser) -> QuerySet[Any]:
    """The CoPs the user may read, to link a group's supervision to."""
    return cop_community.cops_for(user)


def members_of(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "email"
    )


# --- volunteers -----------------------------------------------------------------------------


def volunteer_orgs(user: AnyUser) -> list[int]:
    return permissions.scope_of(user).orgs_for("peer.volunteers")


def volunteers_for(user: AnyUser) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(organisation_id__in=volunteer_orgs(user)).annotate(
        total_hours=Sum("hours__hours")
    )


def volunteer_for(user: AnyUser, uuid: Any) -> Volunteer:
    volunteer = (
        volunteers_for(user)
        .select_related("organisation", "user")
        .filter(uuid=_as_uuid(uuid))
        .first()
    )
    if volunteer is None:
        raise Http404
    return volunteer


def active_volunteers(organisation: Organisation) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(organisation=organisation, status=VolunteerStatus.ACTIVE)


def public_organisation(uuid: Any) -> Organisation:
    """An active organisation people may apply to volunteer with, or 404."""
    organisation = Organisation.objects.filter(uuid=_as_uuid(uuid), is_active=True).first()
    if organisation is None:
        raise Http404
    return organisation


def trainings_of(volunteer: Volunteer) -> list[Any]:
    """Trainings the volunteer took (through their account), from the CoP app."""
    if volunteer.user is None:
        return []
    return list(
        cop_learning.trainings_for(volunteer.user).filter(participants__user=volunteer.user)
    )


def hours_total(volunteer: Volunteer) -> Decimal:
    return volunteer.hours.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Retention:
    months: int
    started: int | None  # volunteers who started at least `months` months ago
    still_active: int | None  # of whom still serving `months` months after starting
    rate: float | None


def retention(volunteers: list[Volunteer], today: datetime.date | None = None) -> list[Retention]:
    """Of the volunteers who started N months ago or earlier (N = 3, 6, 12), how many were
    still serving N months after their start. Counts below the minimum cell are suppressed
    with the rate."""
    today = today or timezone.localdate()
    out = []
    for months in RETENTION_MONTHS:
        cohort = [
            v for v in volunteers if v.started_on and add_months(v.started_on, months) <= today
        ]
        kept = [v for v in cohort if v.active_on(add_months(v.started_on, months))]  # type: ignore[arg-type]
        row = suppression.suppress_rows(
            [
                {
                    "started": len(cohort),
                    "still_active": len(kept),
                    "rate": round(len(kept) / len(cohort), 2) if cohort else None,
                }
            ],
            ["started", "still_active"],
            {"rate": "started"},
        )[0]
        if row["still_active"] is None and row["started"] is not None:
            row["rate"] = None  # the rate would give the small count away
        out.append(Retention(months, row["started"], row["still_active"], row["rate"]))
    return out


@dataclass(frozen=True)
class SuccessionFlag:
    role: str
    place: str
    volunteer: Volunteer


def succession(
    organisation: Organisation, today: datetime.date | None = None
) -> list[SuccessionFlag]:
    """Roles held by one person only at a site or in a group (the role would stop with
    them), and groups facilitated by a single person."""
    today = today or timezone.localdate()
    current = (
        Assignment.objects.filter(volunteer__organisation=organisation, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .filter(volunteer__status=VolunteerStatus.ACTIVE)
        .select_related("volunteer", "site", "group")
    )
    holders: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    for a in current:
        holders[(a.get_role_display(), str(a.site or a.group))].append(a)
    flags = [
        SuccessionFlag(role, place, held[0].volunteer)
        for (role, place), held in sorted(holders.items())
        if len({a.volunteer_id for a in held}) == 1
    ]
    flagged = {(f.place, f.volunteer.pk) for f in flags}
    for group in PeerGroup.objects.filter(organisation=organisation, is_active=True):
        leads = list(group.facilitators.filter(active=True).select_related("volunteer"))
        if len(leads) == 1 and (group.name, leads[0].volunteer.pk) not in flagged:
            flags.append(
                SuccessionFlag(_("Facilitating the group"), group.name, leads[0].volunteer)
            )
    return flags
