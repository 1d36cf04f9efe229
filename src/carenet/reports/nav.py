"""The reports app's entries on the home page, decided by `core.permissions`."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core import permissions
from carenet.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    org = getattr(request, "acting_organisation", None)
    if permissions.can_somewhere(user, "reports.view"):
        return [
            NavItem(
                _("Reports"),
                reverse("reports:home"),
                _("Monthly report packs for donors and government, programme targets, trends."),
            )
        ]
    if org is not None and permissions.can(user, "reports.grants", org):
        return [
            NavItem(
                _("Grants"),
                reverse("reports:grants"),
                _("Your organisation's grants: donor, amount, period, areas."),
                in_menu=False,
            )
        ]
    return []
