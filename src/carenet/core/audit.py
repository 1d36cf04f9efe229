"""Writing to the audit log: the only way entries are made."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from carenet.core.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import Organisation, User

# Field names whose values are secret; they are never named in an entry's changes either.
_HIDDEN_FIELDS = {"password"}


def record(
    action: AuditAction | str,
    *,
    actor: User | AnonymousUser | None = None,
    obj: models.Model | None = None,
    organisation: Organisation | None = None,
    changes: Iterable[str] = (),
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append one audit entry. Call it inside the transaction of the action it records."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(getattr(obj, "uuid", None) or getattr(obj, "pk", "")) if obj else ""
    if organisation is None and obj is not None:
        organisation = getattr(obj, "audit_organisation", None)
    return AuditEntry.objects.create(
        actor=actor,  # type: ignore[misc]
        action=str(action),
        organisation=organisation,
        object_type=object_type,
        object_id=object_id,
        changes=sorted(set(changes) - _HIDDEN_FIELDS),
        detail=detail[:300],
        ip_address=_client_ip(request),
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The names of the fields whose values differ between two snapshots."""
    return sorted(k for k in after if before.get(k) != after.get(k))


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete entries older than the retention period; returns how many went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=settings.CARENET_AUDIT_RETENTION_DAYS
    )
    # QuerySet.delete bypasses the model's refusal: retention is the one allowed deletion.
    deleted, _ = models.QuerySet(AuditEntry).filter(at__lt=cutoff).delete()
    return deleted


def _client_ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `CARENET_PROXY_COUNT` trusted reverse
    proxies the address the first of them saw, read from the right of X-Forwarded-For
    (entries further left are whatever the client wrote). Also the sign-in lock-out's."""
    proxies = int(getattr(settings, "CARENET_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR") or None
