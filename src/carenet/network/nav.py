"""The network's entries on the home page, and its notices: overdue action points."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carenet.core import permissions
from carenet.core.nav import NavItem, Notice
from carenet.network import queries


def items(request: HttpRequest) -> list[NavItem]:
    entries = [
        NavItem(_("Network"), reverse("network:roster"), _("Member organisations of the network."))
    ]
    if permissions.can_somewhere(request.user, "network.view"):
        entries.append(
            NavItem(
                _("Network meetings"),
                reverse("network:groups"),
                _("The TWG and its sub-groups: meetings, decisions, action points."),
                in_menu=False,
            )
        )
        entries.append(
            NavItem(
                _("Advocacy and policy"),
                reverse("network:advocacy"),
                _("Advocacy goals per area, with milestones and evidence."),
                in_menu=False,
            )
        )
    organisation = getattr(request, "acting_organisation", None)
    if organisation is not None and permissions.can(request.user, "members.invite", organisation):
        entries.append(
            NavItem(
                _("People of %(org)s") % {"org": organisation.acronym},
                reverse("network:people", kwargs={"uuid": organisation.uuid}),
                _("Invite colleagues, change roles, remove people who leave."),
                in_menu=False,
            )
        )
    if permissions.can(request.user, "network.coordinate"):
        entries.append(
            NavItem(
                _("Applications to join"),
                reverse("network:applications"),
                _("Approve or decline organisations that applied; reminders sent."),
                in_menu=False,
            )
        )
    return entries


def notices(request: HttpRequest) -> list[Notice]:
    overdue = queries.actions_overdue(request.user).count()
    if not overdue:
        return []
    return [
        Notice(
            ngettext("%(n)s overdue action point", "%(n)s overdue action points", overdue)
            % {"n": overdue},
            reverse("network:actions"),
            _("Action points from network meetings past their due date."),
            urgent=False,
        )
    ]
