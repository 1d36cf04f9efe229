"""Every write of the peer app, each in one transaction with its audit entry (field names
only, never a volunteer's name or contact)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carenet.core import audit, permissions
from carenet.core.models import AuditAction
from carenet.directory import queries as directory_queries
from carenet.directory import services as directory_services
from carenet.peer.models import (
    Assignment,
    Facilitator,
    GroupMeeting,
    HoursLog,
    PeerGroup,
    Screening,
    Volunteer,
    VolunteerStatus,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from carenet.accounts.models import Organisation, User

GROUP_FIELDS = (
    "name",
    "kind",
    "host_site",
    "schedule",
    "ground_rules",
    "open_to_newcomers",
    "is_active",
    "supervisor",
    "supervision_cop",
)


def _require(actor: User, action: str, organisation: Organisation) -> None:
    if not permissions.acts_for(actor, action, organisation):
        raise PermissionDenied


# --- groups ---------------------------------------------------------------------------------


def _check_group(group: PeerGroup) -> None:
    if group.host_site.organisation_id != group.organisation_id:
        raise ValidationError({"host_site": "a site of the group's organisation"})


def _listing_data(group: PeerGroup) -> dict[str, Any]:
    rules = f"\n\n{group.ground_rules}" if group.ground_rules else ""
    return {
        "name_en": group.name[:200],
        "description_en": f"{group.kind.label_en}: peer support group.{rules}",
        "description_uk": f"{group.kind.label_uk}: група взаємопідтримки.{rules}",
        "description_pl": f"{group.kind.label_pl}: grupa wsparcia rówieśniczego.{rules}",
        "schedule_note": group.schedule[:300],
        "free": True,
        "status": "active" if group.listed else "inactive",
    }


def _sync_listing(actor: User, group: PeerGroup, request: HttpRequest | None) -> None:
    """Keep the group's public directory listing in step: active while the group is open
    to newcomers, inactive otherwise (made the first time the group opens)."""
    if group.listing_id is None:
        if not group.listed:
            return
        group.listing = directory_services.service_create(
            actor=actor,
            organisation=group.organisation,
            data=_listing_data(group),
            sites=[group.host_site],
            request=request,
        )
        group.save(update_fields=["listing", "updated_at"])
        return
    listing = group.listing
    assert listing is not None  # listing_id is set
    service = directory_queries.service_for_user(actor, listing.uuid, "directory.edit")
    directory_services.service_update(
        actor=actor,
        service=service,
        data=_listing_data(group),
        sites=[group.host_site],
        request=request,
    )


@transaction.atomic
def group_create(
    *,
    actor: User,
    organisation: Organisation,
    data: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> PeerGroup:
    """Start a peer group; listed in the public directory when it is open to newcomers."""
    _require(actor, "peer.manage", organisation)
    unknown = set(data) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    group = PeerGroup(organisation=organisation, **data)
    _check_group(group)
    group.full_clean()
    group.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=group, changes=list(data), request=request)
    _sync_listing(actor, group, request)
    return group


@transaction.atomic
def group_update(
    *, actor: User, group: PeerGroup, data: Mapping[str, Any], request: HttpRequest | None = None
) -> list[str]:
    _require(actor, "peer.manage", group.organisation)
    unknown = set(data) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = {name: getattr(group, name) for name in data}
    for name, value in data.items():
        setattr(group, name, value)
    changed = [name for name in data if before[name] != getattr(group, name)]
    if not changed:
        return []
    _check_group(group)
    group.full_clean()
    group.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=group, changes=changed, request=request)
    _sync_listing(actor, group, request)
    return changed


@transaction.atomic
def facilitator_add(*, actor: User, group: PeerGroup, volunteer: Volunteer) -> Facilitator:
    """Add an active volunteer of the group's organisation to the facilitators' rotation."""
    _require(actor, "peer.manage", group.organisation)
    if volunteer.organisation_id != group.organisation_id:
        raise ValidationError({"volunteer": "a volunteer of the group's organisation"})
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError({"volunteer": "only active volunteers facilitate"})
    last = group.facilitators.order_by("-turn").first()
    facilitator, _ = Facilitator.objects.update_or_create(
        group=group,
        volunteer=volunteer,
        defaults={"active": True, "turn": (last.turn + 1) if last else 0},
    )
    audit.record(AuditAction.UPDATE, actor=actor, obj=group, changes=["facilitators"])
    return facilitator


@transaction.atomic
def facilitator_remove(*, actor: User, facilitator: Facilitator) -> None:
    _require(actor, "peer.manage", facilitator.group.organisation)
    facilitator.active = False
    facilitator.save(update_fields=["active"])
    GroupMeeting.objects.filter(
        facilitator=facilitator, date__gte=timezone.localdate(), head_count__isnull=True
    ).update(facilitator=None)
    audit.record(AuditAction.UPDATE, actor=actor, obj=facilitator.group, changes=["facilitators"])


@transaction.atomic
def meetings_plan(
    *,
    actor: User,
    group: PeerGroup,
    start: datetime.date,
    count: int,
    every_days: int = 7,
) -> list[GroupMeeting]:
    """Plan `count` meetings from `start`, `every_days` apart, the facilitators taking turns
    in order and continuing after whoever led the last meeting. Days that already have a
    meeting are skipped."""
    _require(actor, "peer.manage", group.organisation)
    if not 1 <= count <= 52 or not 1 <= every_days <= 60:
        raise ValidationError("between 1 and 52 meetings, 1 to 60 days apart")
    rotation = list(group.facilitators.filter(active=True).order_by("turn", "id"))
    last = (
        group.meetings.filter(facilitator__in=rotation).order_by("-date").first()
        if rotation
        else None
    )
    position = rotation.index(last.facilitator) + 1 if last and last.facilitator else 0
    taken = set(group.meetings.values_list("date", flat=True))
    made = []
    for i in range(count):
        day = start + datetime.timedelta(days=i * every_days)
        if day in taken:
            continue
        lead = rotation[position % len(rotation)] if rotation else None
        position += 1
        made.append(GroupMeeting.objects.create(group=group, date=day, facilitator=lead))
    audit.record(AuditAction.UPDATE, actor=actor, obj=group, changes=["meetings"])
    return made


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    meeting: GroupMeeting,
    head_count: int,
    newcomers: int | None = None,
    facilitator: Facilitator | None = None,
) -> GroupMeeting:
    """Record how many people came (no names) and who facilitated."""
    _require(actor, "peer.manage", meeting.group.organisation)
    if newcomers is not None and newcomers > head_count:
        raise ValidationError({"newcomers": "more newcomers than people present"})
    if facilitator is not None and facilitator.group_id != meeting.group_id:
        raise ValidationError({"facilitator": "a facilitator of this group"})
    meeting.head_count = head_count
    meeting.newcomers = newcomers
    if facilitator is not None:
        meeting.facilitator = facilitator
    meeting.full_clean()
    meeting.save()
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=meeting,
        changes=["head_count", "newcomers", "facilitator"],
    )
    return meeting


# --- volunteers -----------------------------------------------------------------------------


def _clean_person(full_name: str, contact: str) -> tuple[str, str]:
    full_name, contact = full_name.strip(), contact.strip()
    if not full_name or len(full_name) > 200 or len(contact) > 200:
        raise ValidationError({"full_name": "a name of at most 200 characters"})
    return full_name, contact


@transaction.atomic
def volunteer_apply(
    *, organisation: Organisation, full_name: str, contact: str, motivation: str = ""
) -> Volunteer:
    """A public application to volunteer with `organisation` (no account needed)."""
    full_name, contact = _clean_person(full_name, contact)
    if not contact:
        raise ValidationError({"contact": "needed to reply to the application"})
    volunteer = Volunteer.objects.create(
        organisation=organisation,
        full_name=full_name,
        contact=contact,
        motivation=motivation.strip()[:2000],
        applied_on=timezone.localdate(),
    )
    audit.record(AuditAction.CREATE, obj=volunteer, changes=["full_name", "contact", "motivation"])
    return volunteer


@transaction.atomic
def volunteer_invite(
    *,
    actor: User,
    organisation: Organisation,
    full_name: str,
    contact: str = "",
    user: User | None = None,
    applied_on: datetime.date | None = None,
) -> Volunteer:
    """Add a volunteer the organisation invited (optionally linked to their account)."""
    _require(actor, "peer.volunteers", organisation)
    full_name, contact = _clean_person(full_name, contact)
    volunteer = Volunteer.objects.create(
        organisation=organisation,
        full_name=full_name,
        contact=contact,
        user=user,
        invited=True,
        applied_on=applied_on or timezone.localdate(),
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=volunteer, changes=["full_name", "contact"])
    return volunteer


@transaction.atomic
def screening_record(
    *, actor: User, volunteer: Volunteer, step: str, done_on: datetime.date, passed: bool
) -> Screening:
    _require(actor, "peer.volunteers", volunteer.organisation)
    screening, _ = Screening.objects.update_or_create(
        volunteer=volunteer, step=step, defaults={"done_on": done_on, "passed": passed}
    )
    if volunteer.status == VolunteerStatus.APPLIED:
        volunteer.status = VolunteerStatus.SCREENING
        volunteer.save(update_fields=["status", "updated_at"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=volunteer, changes=["screenings"])
    return screening


@transaction.atomic
def volunteer_set_status(
    *, actor: User, volunteer: Volunteer, status: str, on: datetime.date | None = None
) -> Volunteer:
    """Take a volunteer on, pause, end or decline; dates the start and the leaving."""
    _require(actor, "peer.volunteers", volunteer.organisation)
    if status not in VolunteerStatus.values:
        raise ValidationError({"status": "unknown status"})
    on = on or timezone.localdate()
    changes = ["status"]
    if status == VolunteerStatus.ACTIVE:
        if volunteer.screenings.filter(passed=False).exists():
            raise ValidationError({"status": "a screening step was not passed"})
        if volunteer.started_on is None:
            volunteer.started_on = on
            changes.append("started_on")
        volunteer.left_on = None
    elif status == VolunteerStatus.LEFT:
        if volunteer.started_on is None or on < volunteer.started_on:
            raise ValidationError({"status": "leaving before starting"})
        volunteer.left_on = on
        changes.append("left_on")
        volunteer.assignments.filter(ended_on__isnull=True).update(ended_on=on)
        Facilitator.objects.filter(volunteer=volunteer).update(active=False)
    volunteer.status = status
    volunteer.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=volunteer, changes=changes)
    return volunteer


@transaction.atomic
def assignment_add(
    *,
    actor: User,
    volunteer: Volunteer,
    role: str,
    started_on: datetime.date,
    site: Any = None,
    group: PeerGroup | None = None,
) -> Assignment:
    _require(actor, "peer.volunteers", volunteer.organisation)
    place = site or group
    if place is None or (site is not None and group is not None):
        raise ValidationError({"site": "one site or one group"})
    if place.organisation_id != volunteer.organisation_id:
        raise ValidationError({"site": "one site or group of the volunteer's organisation"})
    assignment = Assignment(
        volunteer=volunteer, role=role, site=site, group=group, started_on=started_on
    )
    assignment.full_clean()
    assignment.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=volunteer, changes=["assignments"])
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment: Assignment, on: datetime.date) -> None:
    _require(actor, "peer.volunteers", assignment.volunteer.organisation)
    if on < assignment.started_on:
        raise ValidationError({"ended_on": "before the start"})
    assignment.ended_on = on
    assignment.save(update_fields=["ended_on"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=assignment.volunteer, changes=["assignments"])


@transaction.atomic
def hours_log(
    *, actor: User, volunteer: Volunteer, date: datetime.date, hours: Decimal
) -> HoursLog:
    _require(actor, "peer.volunteers", volunteer.organisation)
    if date > timezone.localdate():
        raise ValidationError({"date": "hours are logged after they are served"})
    entry = HoursLog(volunteer=volunteer, date=date, hours=hours)
    entry.full_clean()
    entry.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=volunteer, changes=["hours"])
    return entry
