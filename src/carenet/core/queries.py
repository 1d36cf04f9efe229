"""Protected reads of core data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from carenet.core import permissions
from carenet.core.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User


def audit_entries_for(user: User | AnonymousUser, action: str = "") -> QuerySet[AuditEntry]:
    """Organisation admins read their organisations' entries; superusers read all."""
    qs = permissions.filter_for(
        user, "audit.view", AuditEntry.objects.select_related("actor", "organisation")
    )
    return qs.filter(action=action) if action else qs
