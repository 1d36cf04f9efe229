"""Writes that change who may do what: every one is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from carenet.accounts.models import CoordinatorRole, Membership, Organisation, Role, User
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
    org = Organisation.objects.create(**fields)
    if sectors:
        org.sectors.set(sectors)  # type: ignore[arg-type]
    audit.record(AuditAction.CREATE, actor=actor, obj=org, changes=list(fields))
    return org
