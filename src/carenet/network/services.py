"""Every write of the network app, each in one transaction with its audit entry."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.accounts import services as account_services
from carenet.accounts.models import GRANTABLE_ROLES, Organisation, Role, User
from carenet.core import audit, permissions
from carenet.core.models import AuditAction
from carenet.network.models import (
    ActionPoint,
    ActionStatus,
    AdvocacyGoal,
    Application,
    ApplicationStatus,
    Decision,
    Milestone,
    NetworkGroup,
    NetworkMeeting,
)

# --- joining ----------------------------------------------------------------------------------


@transaction.atomic
def application_submit(*, sectors: Any = (), areas: Any = (), **fields: Any) -> Application:
    """Anyone may apply through the public form; nothing exists until a coordinator approves."""
    application = Application.objects.create(**fields)
    application.sectors.set(sectors)
    application.areas.set(areas)
    audit.record(AuditAction.CREATE, obj=application, detail="application to join")
    return application


def _require_coordinator(actor: User) -> None:
    if not permissions.can(actor, "network.coordinate"):
        raise PermissionDenied


def _decide(application: Application, actor: User, status: str, reason: str) -> None:
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(_("This application was decided already."), code="decided")
    application.status, application.reason = status, reason
    application.decided_by, application.decided_at = actor, timezone.now()


@transaction.atomic
def application_approve(*, actor: User, application: Application) -> Organisation:
    """Create the organisation and invite its first admin (the contact person)."""
    _require_coordinator(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    _decide(application, actor, ApplicationStatus.APPROVED, "")
    if Organisation.objects.filter(acronym__iexact=application.acronym).exists():
        raise ValidationError(
            _("An organisation with this acronym exists already: change it first."),
            code="acronym",
        )
    organisation = account_services.organisation_create(
        actor=actor,
        name=application.name,
        acronym=application.acronym,
        kind=application.kind,
        country=application.country,
        website=application.website,
        coordination_member=True,
        sectors=list(application.sectors.all()),
        areas=list(application.areas.all()),
    )
    application.organisation = organisation
    application.save()
    audit.record(
        AuditAction.PERMISSION,
        actor=actor,
        obj=application,
        organisation=organisation,
        detail="application approved",
    )
    account_services.invitation_first_admin(
        actor=actor, email=application.contact_email, organisation=organisation
    )
    return organisation


@transaction.atomic
def application_decline(*, actor: User, application: Application, reason: str) -> None:
    _require_coordinator(actor)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason: the applicant is told it.")]})
    _decide(application, actor, ApplicationStatus.DECLINED, reason.strip())
    application.save()
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=application,
        changes=["status", "reason"],
        detail="application declined",
    )


# --- bulk invitations -----------------------------------------------------------------------

BULK_MAX_ROWS = 500
_EMAIL_HEADERS = {"email", "e-mail", "e-mail address", "email address", "пошта", "e-mail адреса"}
_ROLE_HEADERS = {"role", "роль", "rola"}


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class BulkResult:
    invited: int = 0
    errors: list[RowError] = field(default_factory=list)


def _role_from(cell: Any) -> Role | None:
    text = str(cell or "").strip().lower().replace(" ", "_")
    for role in Role:
        if text in (role.value, str(role.label).lower().replace(" ", "_")):
            return role
    return None


def _bulk_rows(path: Path) -> tuple[list[tuple[int, str, Role | None]], list[RowError]]:
    """(line, e-mail, role) for every data row, or the file's own error."""
    from carenet.reporting.readers import UnreadableFile, raw_rows

    try:
        rows, _total = raw_rows(path)
        header = [str(c or "").strip().lower() for c in next(rows, [])]
    except UnreadableFile:
        return [], [RowError(0, _("The file is not a spreadsheet or CSV file we can read."))]
    email_col = next((i for i, h in enumerate(header) if h in _EMAIL_HEADERS), None)
    role_col = next((i for i, h in enumerate(header) if h in _ROLE_HEADERS), None)
    if email_col is None or role_col is None:
        return [], [RowError(1, _("The first row must name the columns: email and role."))]
    found: list[tuple[int, str, Role | None]] = []
    for line, cells in enumerate(rows, start=2):
        if not any(str(c or "").strip() for c in cells):
            continue
        if len(found) >= BULK_MAX_ROWS:
            return [], [RowError(line, _("At most %(n)s people per file.") % {"n": BULK_MAX_ROWS})]
        email = str(cells[email_col] if email_col < len(cells) else "").strip()
        role = _role_from(cells[role_col] if role_col < len(cells) else "")
        found.append((line, email, role))
    return found, []


def invitations_from_file(*, actor: User, organisation: Organisation, path: Path) -> BulkResult:
    """Invite everyone listed in a CSV/XLSX file (columns email and role). Every row is
    checked first: one bad row (or a bad file) and nobody is invited."""
    permissions.require(actor, "members.invite", organisation)
    rows, errors = _bulk_rows(path)
    own = permissions.role_in(actor, organisation)
    grantable = (
        frozenset(Role)
        if permissions.scope_of(actor).superuser
        else GRANTABLE_ROLES.get(own or "", frozenset())
    )
    seen: set[str] = set()
    for line, email, role in rows:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(line, _("Not an e-mail address.")))
            continue
        if email.lower() in seen:
            errors.append(RowError(line, _("This address is on an earlier row too.")))
        seen.add(email.lower())
        if role is None:
            errors.append(RowError(line, _("Unknown role.")))
        elif role not in grantable:
            errors.append(RowError(line, _("You cannot give this role.")))
    if not rows and not errors:
        errors.append(RowError(0, _("The file lists nobody.")))
    if errors:
        return BulkResult(errors=errors)
    with transaction.atomic():
        for _line, email, role in rows:
            account_services.invitation_create(
                actor=actor,
                email=email,
                organisation=organisation,
                role=role,  # type: ignore[arg-type]
            )
    return BulkResult(invited=len(rows))


# --- groups, meetings, decisions, action points ------------------------------------------------


@transaction.atomic
def group_create(*, actor: User, **fields: Any) -> NetworkGroup:
    _require_coordinator(actor)
    group = NetworkGroup.objects.create(**fields)
    audit.record(AuditAction.CREATE, actor=actor, obj=group, changes=list(fields))
    return group


@transaction.atomic
def meeting_create(*, actor: User, group: NetworkGroup, **fields: Any) -> NetworkMeeting:
    _require_coordinator(actor)
    meeting = NetworkMeeting.objects.create(group=group, created_by=actor, **fields)
    audit.record(AuditAction.CREATE, actor=actor, obj=meeting, changes=list(fields))
    return meeting


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    meeting: NetworkMeeting,
    attending: Any,
    minutes: str,
    status: str,
    agenda: str,
) -> NetworkMeeting:
    """Record who came (by organisation), the minutes and whether the meeting took place."""
    _require_coordinator(actor)
    before = {"minutes": meeting.minutes, "status": meeting.status, "agenda": meeting.agenda}
    meeting.minutes, meeting.status, meeting.agenda = minutes, status, agenda
    meeting.save()
    meeting.attending.set(attending)
    changes = audit.changed_fields(before, {"minutes": minutes, "status": status, "agenda": agenda})
    audit.record(AuditAction.UPDATE, actor=actor, obj=meeting, changes=[*changes, "attending"])
    return meeting


@transaction.atomic
def decision_add(*, actor: User, meeting: NetworkMeeting, text: str, is_public: bool) -> Decision:
    _require_coordinator(actor)
    decision = Decision.objects.create(
        meeting=meeting, text=text, is_public=is_public, created_by=actor
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=decision, changes=["text", "is_public"])
    return decision


@transaction.atomic
def action_add(
    *,
    actor: User,
    meeting: NetworkMeeting,
    title: str,
    due_on: datetime.date,
    owner_organisation: Organisation | None = None,
    owner_user: User | None = None,
    decision: Decision | None = None,
) -> ActionPoint:
    _require_coordinator(actor)
    if owner_organisation is None and owner_user is None:
        raise ValidationError(_("Name the organisation or the person responsible."), code="owner")
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ValidationError(_("That decision belongs to another meeting."), code="decision")
    action = ActionPoint.objects.create(
        meeting=meeting,
        decision=decision,
        title=title,
        due_on=due_on,
        owner_organisation=owner_organisation,
        owner_user=owner_user,
    )
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=action,
        organisation=owner_organisation,
        changes=["title", "due_on", "owner"],
    )
    return action


@transaction.atomic
def action_update(*, actor: User, action: ActionPoint, status: str, note: str) -> ActionPoint:
    """The owner (person or organisation) or a coordinator moves an action point on."""
    permissions.require_on(actor, "network.action_update", action)
    if status not in ActionStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    before = {"status": action.status, "note": action.note}
    action.status, action.note = status, note
    action.save(update_fields=["status", "note", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=action,
        organisation=action.owner_organisation,
        changes=audit.changed_fields(before, {"status": status, "note": note}),
    )
    return action


# --- advocacy ------------------------------------------------------------------------------


@transaction.atomic
def goal_create(*, actor: User, **fields: Any) -> AdvocacyGoal:
    _require_coordinator(actor)
    goal = AdvocacyGoal.objects.create(created_by=actor, **fields)
    audit.record(AuditAction.CREATE, actor=actor, obj=goal, changes=list(fields))
    return goal


@transaction.atomic
def goal_update(*, actor: User, goal: AdvocacyGoal, status: str) -> AdvocacyGoal:
    _require_coordinator(actor)
    if goal.status != status:
        goal.status = status
        goal.save(update_fields=["status", "updated_at"])
        audit.record(AuditAction.UPDATE, actor=actor, obj=goal, changes=["status"])
    return goal


@transaction.atomic
def milestone_add(*, actor: User, goal: AdvocacyGoal, **fields: Any) -> Milestone:
    _require_coordinator(actor)
    if fields.get("reached_on") and fields["reached_on"] > timezone.localdate():
        raise ValidationError({"reached_on": [_("The date cannot be in the future.")]})
    milestone = Milestone.objects.create(goal=goal, **fields)
    audit.record(AuditAction.CREATE, actor=actor, obj=milestone, changes=list(fields))
    return milestone
