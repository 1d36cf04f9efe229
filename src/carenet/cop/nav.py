"""The CoP app's entries on the home page and in the menu."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core import permissions
from carenet.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    if not permissions.can(user, "cop.view"):
        return []
    entries = [
        NavItem(
            _("Communities of Practice"),
            reverse("cop:list"),
            _("Peer learning, supervision, meetings and shared resources."),
        ),
        NavItem(
            _("My learning"),
            reverse("cop:me"),
            _("Your trainings, supervision hours, competencies and meetings."),
            in_menu=False,
        ),
        NavItem(
            _("Trainings"),
            reverse("cop:trainings"),
            _("Trainings, pre- and post-tests and certificates."),
            in_menu=False,
        ),
        NavItem(
            _("Resource library"),
            reverse("cop:network_library"),
            _("Documents and links shared by the Communities of Practice."),
            in_menu=False,
        ),
        NavItem(
            _("My well-being"),
            reverse("cop:wellbeing"),
            _("A private check-in for people who help: only you see your answers."),
            in_menu=False,
        ),
    ]
    if permissions.can(user, "cop.health"):
        entries.append(
            NavItem(
                _("CoP health"),
                reverse("cop:health_overview"),
                _("Participation, retention and sectors of each CoP."),
                in_menu=False,
            )
        )
    return entries
