"""The peer app's entries on the home page, and its notices (roles held by one person)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core import permissions
from carenet.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    entries = []
    if permissions.can_somewhere(user, "peer.view"):
        entries.append(
            NavItem(
                _("Peer groups"),
                reverse("peer:groups"),
                _("Peer support groups, rotating facilitators, meetings and head counts."),
            )
        )
    if permissions.scope_of(user).orgs_for("peer.volunteers"):
        entries.append(
            NavItem(
                _("Volunteers"),
                reverse("peer:volunteers"),
                _("Applications, screening, assignments, hours, retention and succession."),
                in_menu=False,
            )
        )
    return entries
