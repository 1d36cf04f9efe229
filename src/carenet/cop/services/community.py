"""Writes on CoPs, their members, meetings and attendance."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.accounts.models import Organisation, User
from carenet.accounts.queries import memberships_of
from carenet.cop import permissions as cop_permissions
from carenet.cop.models import (
    Attendance,
    CommunityOfPractice,
    CopMember,
    CopRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Profession,
    SupervisionKind,
    SupervisionLog,
)
from carenet.cop.privacy import check_no_identifiers
from carenet.cop.queries.community import roster
from carenet.core import audit, permissions
from carenet.core.models import AuditAction

COP_FIELDS = ("name", "topic", "description", "scope", "area", "visibility", "is_active")
MEETING_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "place",
    "agenda",
    "minutes",
    "status",
)


def _check_belongs(user: User, organisation: Organisation) -> None:
    if not any(m.organisation_id == organisation.pk for m in memberships_of(user)):
        raise ValidationError(
            _("This person is not a member of that organisation."), code="organisation"
        )


@transaction.atomic
def cop_create(
    *, actor: User, host: Organisation, profession: Profession | None, **fields: Any
) -> CommunityOfPractice:
    """Open a CoP hosted by `host`; the actor becomes its first facilitator."""
    permissions.require(actor, "cop.facilitate", host, hide=False)
    unknown = set(fields) - set(COP_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    cop = CommunityOfPractice.objects.create(host=host, **fields)
    CopMember.objects.create(
        cop=cop, user=actor, organisation=host, profession=profession, role=CopRole.FACILITATOR
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=cop, changes=list(fields))
    cop_permissions.forget_cop_roles(actor)
    return cop


@transaction.atomic
def cop_update(*, actor: User, cop: CommunityOfPractice, **fields: Any) -> CommunityOfPractice:
    """Change a CoP's description, scope or visibility (facilitators only)."""
    permissions.require_on(actor, "cop.facilitate", cop)
    changed = [name for name in COP_FIELDS if name in fields and getattr(cop, name) != fields[name]]
    for name in changed:
        setattr(cop, name, fields[name])
    if changed:
        cop.save()
        audit.record(AuditAction.UPDATE, actor=actor, obj=cop, changes=changed)
    return cop


@transaction.atomic
def member_add(
    *,
    actor: User,
    cop: CommunityOfPractice,
    user: User,
    organisation: Organisation,
    profession: Profession | None,
    role: str = CopRole.MEMBER,
) -> CopMember:
    """A facilitator adds someone (or brings back someone who left)."""
    permissions.require_on(actor, "cop.facilitate", cop)
    _check_belongs(user, organisation)
    member = CopMember.objects.filter(cop=cop, user=user).first()
    if member is not None and member.is_current:
        raise ValidationError(_("This person is already a member."), code="duplicate")
    if member is None:
        member = CopMember(cop=cop, user=user)
    member.organisation, member.profession, member.role = organisation, profession, role
    member.joined_on, member.left_on = timezone.localdate(), None
    member.save()
    audit.record(
        AuditAction.PERMISSION,
        actor=actor,
        obj=member,
        changes=["role"],
        detail=f"cop member added role={role}",
    )
    cop_permissions.forget_cop_roles(user)
    return member


@transaction.atomic
def member_join(
    *,
    actor: User,
    cop: CommunityOfPractice,
    organisation: Organisation,
    profession: Profession | None,
) -> CopMember:
    """Join an open CoP oneself, for one of one's organisations."""
    permissions.require_on(actor, "cop.join", cop)
    _check_belongs(actor, organisation)
    member = CopMember.objects.filter(cop=cop, user=actor).first() or CopMember(cop=cop, user=actor)
    member.organisation, member.profession, member.role = organisation, profession, CopRole.MEMBER
    member.joined_on, member.left_on = timezone.localdate(), None
    member.save()
    audit.record(AuditAction.PERMISSION, actor=actor, obj=member, detail="cop joined")
    cop_permissions.forget_cop_roles(actor)
    return member


def _is_last_facilitator(member: CopMember) -> bool:
    return member.role == CopRole.FACILITATOR and not (
        CopMember.objects.current()
        .filter(cop=member.cop, role=CopRole.FACILITATOR)
        .exclude(pk=member.pk)
        .exists()
    )


@transaction.atomic
def member_leave(*, actor: User, member: CopMember) -> None:
    """Leave a CoP (or, for a facilitator, remove someone). The row stays for retention."""
    if member.user_id != actor.pk:
        permissions.require_on(actor, "cop.facilitate", member.cop)
    if not member.is_current:
        return
    if _is_last_facilitator(member):
        raise ValidationError(
            _("A CoP needs a facilitator: name another one first."), code="last_facilitator"
        )
    member.left_on = max(timezone.localdate(), member.joined_on)
    member.save(update_fields=["left_on", "updated_at"])
    audit.record(
        AuditAction.PERMISSION,
        actor=actor,
        obj=member,
        changes=["left_on"],
        detail="cop member left",
    )
    cop_permissions.forget_cop_roles(member.user)


@transaction.atomic
def member_set_role(*, actor: User, member: CopMember, role: str) -> CopMember:
    permissions.require_on(actor, "cop.facilitate", member.cop)
    if role not in CopRole.values:
        raise ValidationError(_("Unknown role."), code="role")
    if role != CopRole.FACILITATOR and _is_last_facilitator(member):
        raise ValidationError(
            _("A CoP needs a facilitator: name another one first."), code="last_facilitator"
        )
    if member.role != role:
        member.role = role
        member.save(update_fields=["role", "updated_at"])
        audit.record(
            AuditAction.PERMISSION,
            actor=actor,
            obj=member,
            changes=["role"],
            detail=f"cop role={role}",
        )
        cop_permissions.forget_cop_roles(member.user)
    return member


def _check_meeting_text(fields: dict[str, Any]) -> None:
    for name in ("title", "agenda", "minutes", "place"):
        if fields.get(name):
            try:
                check_no_identifiers(fields[name])
            except ValidationError as exc:
                raise ValidationError({name: exc.messages}) from exc


@transaction.atomic
def meeting_schedule(*, actor: User, cop: CommunityOfPractice, **fields: Any) -> Meeting:
    """Schedule a meeting of the CoP (facilitators and supervisors)."""
    permissions.require_on(actor, "cop.supervise", cop)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    _check_meeting_text(fields)
    meeting = Meeting.objects.create(cop=cop, created_by=actor, **fields)
    audit.record(AuditAction.CREATE, actor=actor, obj=meeting, changes=list(fields))
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **fields: Any) -> Meeting:
    permissions.require_on(actor, "cop.supervise", meeting.cop)
    _check_meeting_text(fields)
    changed = [n for n in MEETING_FIELDS if n in fields and getattr(meeting, n) != fields[n]]
    for name in changed:
        setattr(meeting, name, fields[name])
    if changed:
        meeting.save()
        audit.record(AuditAction.UPDATE, actor=actor, obj=meeting, changes=changed)
    return meeting


@transaction.atomic
def attendance_record(
    *, actor: User, meeting: Meeting, present: Iterable[int], minutes: str | None = None
) -> list[Attendance]:
    """Record who was present (ids of CopMember rows); the meeting becomes held.

    For a group supervision meeting the group supervision log of the meeting is kept in
    step: its supervisees are the members present (other than the actor, who supervised),
    its hours the meeting's duration.
    """
    permissions.require_on(actor, "cop.supervise", meeting.cop)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."), code="cancelled")
    if not meeting.has_started:
        raise ValidationError(
            _("Attendance can be recorded once the meeting has started."), code="future"
        )
    members = roster(meeting)
    present_ids = set(present)
    if present_ids - {m.pk for m in members}:
        raise ValidationError(
            _("Someone marked present is not a member of this CoP."), code="member"
        )
    rows = _save_attendance(meeting, members, present_ids)
    update: dict[str, str] = {"status": MeetingStatus.HELD}
    if minutes is not None:
        _check_meeting_text({"minutes": minutes})
        update["minutes"] = minutes
    for name, value in update.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=[*update, "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=meeting,
        changes=["attendance", *update],
        detail=f"present={len(present_ids)} of {len(members)}",
    )
    if meeting.kind == MeetingKind.GROUP_SUPERVISION:
        _sync_group_supervision(actor, meeting, [m for m in members if m.pk in present_ids])
    return rows


def _save_attendance(
    meeting: Meeting, members: list[CopMember], present_ids: set[int]
) -> list[Attendance]:
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    rows = []
    for member in members:
        row = existing.get(member.pk) or Attendance(meeting=meeting, member=member)
        row.present = member.pk in present_ids
        rows.append(row)
    Attendance.objects.bulk_create([r for r in rows if r.pk is None])
    Attendance.objects.bulk_update([r for r in rows if r.pk is not None], ["present"])
    return rows


def _sync_group_supervision(actor: User, meeting: Meeting, present: list[CopMember]) -> None:
    log = SupervisionLog.objects.filter(meeting=meeting).first()
    supervisees = [m.user for m in present if m.user_id != actor.pk]
    if not supervisees:
        if log is not None:
            audit.record(AuditAction.DELETE, actor=actor, obj=log, detail="nobody supervised")
            log.delete()
        return
    hours = min(Decimal(meeting.duration_minutes) / Decimal(60), Decimal(12)).quantize(
        Decimal("0.01")
    )
    held_on: datetime.date = timezone.localtime(meeting.starts_at).date()
    if log is None:
        log = SupervisionLog.objects.create(
            cop=meeting.cop,
            kind=SupervisionKind.GROUP,
            supervisor=actor,
            held_on=held_on,
            hours=hours,
            meeting=meeting,
        )
        action = AuditAction.CREATE
    else:
        log.hours, log.held_on = hours, held_on
        log.save(update_fields=["hours", "held_on", "updated_at"])
        action = AuditAction.UPDATE
    log.supervisees.set(supervisees)
    audit.record(
        action,
        actor=actor,
        obj=log,
        changes=["hours", "supervisees"],
        detail=f"group supervision of meeting {meeting.uuid}",
    )
