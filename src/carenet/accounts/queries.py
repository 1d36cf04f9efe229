"""Reads of accounts data used by views and other apps."""

from __future__ import annotations

import uuid as uuid_lib
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from carenet.accounts.models import Invitation, Membership, Organisation
from carenet.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User


def memberships_of(user: User | AnonymousUser) -> tuple[Membership, ...]:
    """The user's memberships of active organisations, by acronym: the same list, read once
    per request, that the permission scope is built from."""
    return permissions.memberships_of(user)


def acting_organisation(user: User | AnonymousUser, chosen: Any) -> Organisation | None:
    """The organisation `user` acts for: the chosen one if they belong to it, else their first."""
    if not user.is_authenticated:
        return None
    memberships = memberships_of(user)
    for m in memberships:
        if chosen and str(m.organisation.uuid) == str(chosen):
            return m.organisation
    return memberships[0].organisation if memberships else None


def organisation_for(user: User | AnonymousUser, uuid: Any, action: str) -> Organisation:
    """One organisation the user may reach for `action`, or 404."""
    return get_object_or_404(permissions.organisations_for(user, action), uuid=uuid)


def organisation_by_acronym(acronym: str) -> Organisation | None:
    return Organisation.objects.filter(acronym__iexact=acronym.strip()).first()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's token opens (any state), or None."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def staff_of(organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's people and their roles, by name."""
    return (
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def membership_for(user: User | AnonymousUser, uuid: Any) -> Membership:
    """A membership in an organisation the user manages, or 404."""
    managed = permissions.organisations_for(user, "members.manage")
    found = (
        Membership.objects.filter(uuid=_as_uuid(uuid), organisation__in=managed)
        .select_related("user", "organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found


def invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation).select_related("invited_by")


def invitation_for(user: User | AnonymousUser, uuid: Any) -> Invitation:
    """An invitation of an organisation where the user may invite, or 404."""
    reachable = permissions.organisations_for(user, "members.invite")
    found = (
        Invitation.objects.filter(uuid=_as_uuid(uuid), organisation__in=reachable)
        .select_related("organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _as_uuid(value: Any) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(str(value))
    except ValueError:
        raise Http404 from None


def focal_points_of(organisation: Organisation) -> list[User]:
    """Whom to tell about the organisation's reporting and listings: its focal points, or
    its admins when it has none."""
    from carenet.accounts.models import Role, User

    people = User.objects.filter(is_active=True, memberships__organisation=organisation).order_by(
        "pk"
    )
    return list(people.filter(memberships__role=Role.FOCAL_POINT)) or list(
        people.filter(memberships__role=Role.ORG_ADMIN)
    )


def network_coordinator() -> User | None:
    """A coordinator of the whole network (no area, no country limit), for work done on the
    network's behalf such as the monthly reminders."""
    from carenet.accounts.models import CoordinatorRole

    role = (
        CoordinatorRole.objects.filter(area__isnull=True, country="", user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return role.user if role else None


def active_person_by_email(email: str) -> User | None:
    """An active account with this address, for coordinators naming a person responsible
    (never shown to anyone who could not already see the person)."""
    from carenet.accounts.models import User

    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()
