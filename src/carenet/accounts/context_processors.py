from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from carenet.accounts import queries
from carenet.accounts.models import Role
from carenet.core import nav, permissions


def acting(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    org = getattr(request, "acting_organisation", None)
    role = permissions.role_in(user, org)
    return {
        "acting_organisation": org,
        "acting_role_label": Role(role).label if role else "",
        "acting_memberships": queries.memberships_of(user),
        "is_coordinator": permissions.is_coordinator(user),
        "nav_items": [i for i in nav.items_for(request) if i.in_menu],
    }
