"""Writes that change who may do what: every one is audited."""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.accounts.models import (
    GRANTABLE_ROLES,
    CoordinatorRole,
    Invitation,
    InvitationKind,
    Membership,
    Organisation,
    Role,
    User,
)
from carenet.core import audit, permissions
from carenet.core.models import AuditAction

if TYPE_CHECKING:
    from carenet.geo.models import AdminArea


@transaction.atomic
def membership_set(
    *, actor: User | None, user: User, organisation: Organisation, role: Role
) -> Membership:
    """Give `user` `role` in `organisation` (creating or changing the membership)."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    elif not created:
        return membership
    audit.record(
        AuditAction.PERMISSION,
        actor=actor,
        obj=membership,
        organisation=organisation,
        changes=["role"],
        detail=f"role={role}",
    )
    permissions.forget(user)
    return membership


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership) -> None:
    organisation = membership.organisation
    audit.record(
        AuditAction.PERMISSION,
        actor=actor,
        obj=membership,
        organisation=organisation,
        detail="membership ended",
    )
    membership.delete()
    permissions.forget(membership.user)


@transaction.atomic
def coordinator_grant(
    *, actor: User | None, user: User, area: AdminArea | None = None, country: str = ""
) -> CoordinatorRole:
    role = CoordinatorRole.objects.create(user=user, area=area, country=country)
    audit.record(
        AuditAction.PERMISSION,
        actor=actor,
        obj=role,
        detail=f"coordinator area={area.pcode if area else '*'} country={country or '*'}",
    )
    permissions.forget(user)
    return role


@transaction.atomic
def organisation_create(*, actor: User | None, **fields: object) -> Organisation:
    sectors = fields.pop("sectors", [])
    areas = fields.pop("areas", [])
    org = Organisation.objects.create(**fields)
    if sectors:
        org.sectors.set(sectors)  # type: ignore[arg-type]
    if areas:
        org.areas.set(areas)  # type: ignore[arg-type]
    audit.record(AuditAction.CREATE, actor=actor, obj=org, changes=list(fields))
    return org


# --- staff: roles, leaving, sessions ---------------------------------------------------------


def _require_grant(actor: User, organisation: Organisation, role: str) -> None:
    """Nobody gives a role above their own: PermissionDenied otherwise."""
    if permissions.scope_of(actor).superuser:
        return
    own = permissions.role_in(actor, organisation)
    if own is None or role not in GRANTABLE_ROLES.get(own, frozenset()):
        raise PermissionDenied


def _last_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ORG_ADMIN
        and not Membership.objects.filter(organisation=membership.organisation_id)
        .filter(role=Role.ORG_ADMIN, user__is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: Role) -> Membership:
    """An organisation admin changes a colleague's role (never to one above their own)."""
    organisation = membership.organisation
    permissions.require(actor, "members.manage", organisation)
    if membership.user_id == actor.pk:
        raise ValidationError(_("You cannot change your own role."), code="own_role")
    _require_grant(actor, organisation, role)
    if role != Role.ORG_ADMIN and _last_admin(membership):
        raise ValidationError(
            _("An organisation needs an admin: name another one first."), code="last_admin"
        )
    return membership_set(actor=actor, user=membership.user, organisation=organisation, role=role)


@transaction.atomic
def person_leave(*, actor: User, membership: Membership) -> User:
    """A person leaves the organisation: their membership ends and, when they belong nowhere
    else, their account is deactivated and signed out. Their records stay, with their name."""
    organisation, person = membership.organisation, membership.user
    permissions.require(actor, "members.manage", organisation)
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot remove yourself."), code="self")
    if _last_admin(membership):
        raise ValidationError(
            _("An organisation needs an admin: name another one first."), code="last_admin"
        )
    membership_end(actor=actor, membership=membership)
    elsewhere = Membership.objects.filter(user=person).exists()
    if not elsewhere and not CoordinatorRole.objects.filter(user=person).exists():
        user_deactivate(actor=actor, user=person, organisation=organisation)
    return person


@transaction.atomic
def user_deactivate(
    *, actor: User | None, user: User, organisation: Organisation | None = None
) -> None:
    """Close an account: no sign-in, every session ended; records keep pointing at it."""
    user.is_active = False
    user.session_generation += 1
    user.save(update_fields=["is_active", "session_generation"])
    audit.record(
        AuditAction.PERMISSION,
        actor=actor,
        obj=user,
        organisation=organisation,
        changes=["is_active"],
        detail="account deactivated",
    )
    permissions.forget(user)


@transaction.atomic
def sessions_end_others(*, request: HttpRequest, user: User) -> None:
    """Sign out every other browser and device; the current session stays signed in."""
    user.session_generation += 1
    user.save(update_fields=["session_generation"])
    update_session_auth_hash(request, user)
    audit.record(AuditAction.SIGN_OUT, actor=user, obj=user, detail="other sessions ended")


# --- invitations -----------------------------------------------------------------------------

Acceptor = Callable[[Invitation, User], None]
_ACCEPTORS: dict[str, Acceptor] = {}


def register_acceptor(kind: str, acceptor: Acceptor) -> None:
    """What accepting an invitation of `kind` does (given by the app that owns the target)."""
    _ACCEPTORS[kind] = acceptor


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=settings.CARENET_INVITATION_DAYS)


def _create(
    *,
    actor: User | None,
    email: str,
    organisation: Organisation,
    kind: str,
    role: str = "",
    target: uuid.UUID | None = None,
    target_label: str = "",
) -> Invitation:
    email = User.objects.normalize_email(email).strip().lower()
    # a new invitation replaces a pending one to the same place: one valid link per person
    Invitation.objects.pending().filter(
        email=email, organisation=organisation, kind=kind, target=target
    ).update(revoked_at=timezone.now())
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        kind=kind,
        role=role,
        target=target,
        target_label=target_label[:200],
        invited_by=actor,
        token_hash=token_hash,
        expires_at=_expiry(),
    )
    audit.record(
        AuditAction.PERMISSION,
        actor=actor,
        obj=invitation,
        changes=["role"] if role else [],
        detail=f"invitation kind={kind} role={role or '-'}",
    )
    from carenet.accounts.tasks import send_invitation

    transaction.on_commit(functools.partial(send_invitation.enqueue, invitation.pk, token))
    return invitation


@transaction.atomic
def invitation_create(
    *, actor: User, email: str, organisation: Organisation, role: Role | str
) -> Invitation:
    """Invite someone to work in `organisation` with `role`: only into an organisation where
    the actor may invite (404 otherwise), never with a role above the actor's own (403)."""
    permissions.require(actor, "members.invite", organisation)
    _require_grant(actor, organisation, role)
    return _create(
        actor=actor,
        email=email,
        organisation=organisation,
        kind=InvitationKind.ORGANISATION,
        role=role,
    )


@transaction.atomic
def invitation_first_admin(*, actor: User, email: str, organisation: Organisation) -> Invitation:
    """A coordinator invites the first admin of an organisation that just joined."""
    permissions.require(actor, "members.first_admin", organisation, hide=False)
    return _create(
        actor=actor,
        email=email,
        organisation=organisation,
        kind=InvitationKind.ORGANISATION,
        role=Role.ORG_ADMIN,
    )


@transaction.atomic
def invitation_to(
    *,
    actor: User,
    email: str,
    organisation: Organisation,
    kind: str,
    target: uuid.UUID,
    target_label: str,
) -> Invitation:
    """Invite someone, with or without an account, into a CoP or a training.

    The caller has checked that `actor` may add people there; the app that registered the
    kind's acceptor checks again when the invitation is accepted. The answer is the same
    whether or not the address has an account."""
    if kind not in _ACCEPTORS:
        raise ValueError(f"no acceptor for invitations of kind {kind!r}")
    return _create(
        actor=actor,
        email=email,
        organisation=organisation,
        kind=kind,
        target=target,
        target_label=target_label,
    )


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer pending."), code="not_pending")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit.record(AuditAction.PERMISSION, actor=actor, obj=invitation, detail="invitation revoked")


def account_for_invitation(invitation: Invitation) -> User | None:
    """The account the invitation's address already has, if any (for the invitee only)."""
    return User.objects.filter(email__iexact=invitation.email).first()


def needs_password(invitation: Invitation) -> bool:
    """Whether accepting sets a password (no usable account yet) or takes a sign-in."""
    existing = account_for_invitation(invitation)
    return existing is None or not existing.is_active or not existing.has_usable_password()


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    signed_in: User | None,
    full_name: str = "",
    password: str = "",
) -> User:
    """Accept: set a password (a new account, or one never used) or, for an existing account,
    be signed in as it. Then join the organisation, CoP or training the invitation names."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation is no longer valid."), code="not_pending")
    if needs_password(invitation):
        user = _activate_account(invitation, full_name, password)
    else:
        user = account_for_invitation(invitation)  # type: ignore[assignment]
        if signed_in is None or signed_in.pk != user.pk:
            raise PermissionDenied
    if invitation.kind == InvitationKind.ORGANISATION:
        if not Membership.objects.filter(user=user, organisation=invitation.organisation).exists():
            membership_set(
                actor=user,
                user=user,
                organisation=invitation.organisation,
                role=Role(invitation.role),
            )
    else:
        _ACCEPTORS[invitation.kind](invitation, user)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit.record(AuditAction.PERMISSION, actor=user, obj=invitation, detail="invitation accepted")
    return user


def _activate_account(invitation: Invitation, full_name: str, password: str) -> User:
    user = account_for_invitation(invitation)
    if user is None:
        user = User.objects.create_user(invitation.email, None, full_name=full_name)
        audit.record(AuditAction.CREATE, actor=user, obj=user, detail="account from invitation")
    else:
        user.is_active = True
        user.session_generation += 1
        if full_name:
            user.full_name = full_name
        audit.record(
            AuditAction.UPDATE,
            actor=user,
            obj=user,
            changes=["is_active"],
            detail="account activated by invitation",
        )
    user.set_password(password)
    user.save()
    permissions.forget(user)
    return user
