"""The 4W app's entries in the menu, decided by `core.permissions`."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core import permissions
from carenet.core.nav import NavItem
from carenet.reporting import months


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    out: list[NavItem] = []
    org = getattr(request, "acting_organisation", None)
    coordinator = permissions.can_somewhere(user, "reporting.validate")
    if coordinator or (org is not None and permissions.can(user, "reporting.view", org)):
        out.append(
            NavItem(
                _("4W reports"),
                reverse("reporting:home"),
                _("Monthly activity reports: who does what, where, when."),
            )
        )
    if coordinator:
        month = months.current_reporting_month()
        out.append(
            NavItem(
                _("Who has not reported"),
                reverse("reporting:month", args=[month]),
                _("Organisations' 4W status for the month."),
                in_menu=False,
            )
        )
    if permissions.can_somewhere(user, "gaps.view"):
        out.append(
            NavItem(
                _("Gap analysis"),
                reverse("reporting:gaps"),
                _("Where people have no service, where actors duplicate."),
            )
        )
    return out
