"""Reads of accounts data used by views and other apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from carenet.accounts.models import Membership, Organisation
from carenet.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User


def memberships_of(user: User | AnonymousUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__acronym")
    )


def acting_organisation(user: User | AnonymousUser, chosen: Any) -> Organisation | None:
    """The organisation `user` acts for: the chosen one if they belong to it, else their first."""
    if not user.is_authenticated:
        return None
    memberships = list(memberships_of(user))
    for m in memberships:
        if chosen and str(m.organisation.uuid) == str(chosen):
            return m.organisation
    return memberships[0].organisation if memberships else None


def organisation_for(user: User | AnonymousUser, uuid: Any, action: str) -> Organisation:
    """One organisation the user may reach for `action`, or 404."""
    return get_object_or_404(permissions.organisations_for(user, action), uuid=uuid)


def organisation_by_acronym(acronym: str) -> Organisation | None:
    return Organisation.objects.filter(acronym__iexact=acronym.strip()).first()
