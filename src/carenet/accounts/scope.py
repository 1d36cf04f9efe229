"""Who belongs where, answered for `core.permissions`: core asks, accounts answers.

Core decides every access question but knows no organisation, membership or role of its
own; `AccountsConfig.ready()` registers this source with `permissions.register_scope`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from carenet.accounts.models import CoordinatorRole, Membership, Organisation, Role

if TYPE_CHECKING:
    from carenet.accounts.models import User


class AccountsScope:
    """The roles of the network and each person's memberships and coordinator areas."""

    roles = frozenset(Role)
    # roles that see data about people seeking help; they sign in with two factors.
    two_factor_roles = frozenset({Role.ORG_ADMIN, Role.PRACTITIONER})

    def memberships(self, user: User) -> tuple[Membership, ...]:
        """Memberships of active organisations, with the organisation, by acronym."""
        return tuple(
            Membership.objects.filter(user=user, organisation__is_active=True)
            .select_related("organisation")
            .order_by("organisation__acronym")
        )

    def role(self, membership: Membership) -> Role:
        return Role(membership.role)

    def coordinator_areas(self, user: User) -> list[tuple[str, str]]:
        """(area path, country) per coordinator role; "" for the whole network / any country."""
        roles = CoordinatorRole.objects.filter(user=user).select_related("area")
        return [(c.area.path if c.area else "", c.country) for c in roles]

    def organisations(self) -> QuerySet[Organisation]:
        return Organisation.objects.all()
