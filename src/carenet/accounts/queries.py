"""Reads of accounts data used by views and other apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404

from carenet.accounts.models import Membership, Organisation
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
