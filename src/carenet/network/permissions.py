"""Object-level rules of the network app, asked through core.permissions.can_on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet

from carenet.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

M = TypeVar("M", bound=Model)


class NetworkPolicy:
    """An action point is updated by its person, by admins and focal points of its
    organisation, and by coordinators of the whole network."""

    def can(self, user: User | AnonymousUser | None, action: str, obj: Any) -> bool:
        if action == "network.action_update":
            if permissions.can(user, "network.coordinate"):
                return True
            if user is not None and user.is_authenticated and obj.owner_user_id == user.pk:
                return True
            return obj.owner_organisation is not None and permissions.can(
                user, "network.act", obj.owner_organisation
            )
        return permissions.can(user, action)

    def filter(
        self, user: User | AnonymousUser | None, action: str, queryset: QuerySet[M], **kwargs: Any
    ) -> QuerySet[M]:
        if action == "network.action_owned":
            # the action points that are the user's own or their organisation's
            if user is None or not user.is_authenticated:
                return queryset.none()
            orgs = permissions.scope_of(user).orgs_for("network.act")
            return queryset.filter(Q(owner_user=user) | Q(owner_organisation__in=orgs))
        return queryset if permissions.can(user, action) else queryset.none()
