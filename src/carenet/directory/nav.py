"""Directory entries in the signed-in menu."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core import permissions
from carenet.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    entries = []
    org = getattr(request, "acting_organisation", None)
    if org is not None and permissions.can(request.user, "directory.view", org):
        entries.append(
            NavItem(
                _("Our listings"),
                reverse("directory:manage"),
                _("Your organisation's services and sites in the directory."),
            )
        )
    if permissions.is_coordinator(request.user):
        entries.append(
            NavItem(
                _("Stale listings"),
                reverse("directory:stale"),
                _("Services nobody has verified for a long time."),
                in_menu=False,
            )
        )
    return entries
