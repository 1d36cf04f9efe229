"""Protected reads of the reports app; every one starts from `core.permissions`."""

from __future__ import annotations

import uuid as uuid_lib
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from carenet.core import permissions
from carenet.reports import figures
from carenet.reports.models import Grant, Programme, Subscription

if TYPE_CHECKING:
    from carenet.geo.models import AdminArea


def _uuid(value: Any) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def may_view(user: Any) -> bool:
    """Coordinators (the network's or an area's) and superusers read the reports."""
    return permissions.can_somewhere(user, "reports.view")


def may_manage(user: Any) -> bool:
    return permissions.can_somewhere(user, "reports.manage")


def programmes_for(user: Any) -> QuerySet[Programme]:
    return figures.programmes(user)


def programme_for(user: Any, uuid: Any) -> Programme:
    """A programme `user` may follow, or 404 (forged ids, other organisations')."""
    found = programmes_for(user).filter(uuid=_uuid(uuid)).first()
    if found is None:
        raise Http404
    return found


def target_for(user: Any, uuid: Any) -> Any:
    from carenet.reports.models import Target

    found = (
        Target.objects.filter(programme__in=programmes_for(user), uuid=_uuid(uuid))
        .select_related("programme", "area")
        .first()
    )
    if found is None:
        raise Http404
    return found


def grants_for(user: Any) -> QuerySet[Grant]:
    """Grants of the user's organisations; coordinators see every grant."""
    return permissions.filter_for(
        user, "reports.grants", Grant.objects.select_related("organisation", "donor", "programme")
    ).prefetch_related("areas")


def subscription_of(user: Any) -> Subscription | None:
    return Subscription.objects.filter(user_id=user.pk).first() if user.is_authenticated else None


def area_by_pcode(pcode: str) -> AdminArea | None:
    """An area named in a filter; None when blank. Unknown P-codes raise 404."""
    from carenet.geo.models import AdminArea

    if not pcode:
        return None
    area = AdminArea.objects.filter(pcode=pcode.strip().upper()).first()
    if area is None:
        raise Http404
    return area
