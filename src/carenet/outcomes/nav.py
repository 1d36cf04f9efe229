"""What the outcomes app offers the signed-in user (decided by core.permissions)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carenet.core import permissions
from carenet.core.nav import NavItem, Notice
from carenet.outcomes import queries


def items(request: HttpRequest) -> list[NavItem]:
    entries = []
    org = getattr(request, "acting_organisation", None)
    if org is not None and permissions.acts_for(request.user, "outcomes.view", org):
        entries.append(
            NavItem(
                _("Delivery"),
                reverse("outcomes:deliveries"),
                _("Sessions and group cycles, attendance, questionnaires and change."),
            )
        )
    if permissions.can_somewhere(request.user, "outcomes.dashboard"):
        entries.append(
            NavItem(
                _("Outcomes"),
                reverse("outcomes:dashboard"),
                _("People served, completion and reliable change, with small numbers hidden."),
                in_menu=False,
            )
        )
    return entries


def notices(request: HttpRequest) -> list[Notice]:
    """Open safety flags of the organisation the person acts for."""
    org = getattr(request, "acting_organisation", None)
    if org is None or not permissions.acts_for(request.user, "outcomes.record", org):
        return []
    flags = list(queries.open_flags(request.user, org)[:5])
    return [
        Notice(
            _("Safety flag: client %(code)s") % {"code": flag.client_code},
            reverse("referrals:client", args=[flag.client_uuid]),
            ngettext("%(n)s rule met: %(rules)s", "%(n)s rules met: %(rules)s", len(flag.reasons))
            % {"n": len(flag.reasons), "rules": ", ".join(flag.reasons)},
            urgent=True,
        )
        for flag in flags
    ]
