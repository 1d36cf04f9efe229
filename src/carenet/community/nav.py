"""The community app's entries in the menu and on the home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.community import queries
from carenet.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    if not queries.may_use_community_app(request.user):
        return []
    return [
        NavItem(
            _("Communities"),
            reverse("community:index"),
            _(
                "Readiness assessments, strategic sessions, the implementation stages of "
                "each programme and support spaces."
            ),
        ),
        NavItem(
            _("Implementation stages"),
            reverse("community:network"),
            _("Every community's position across the stages, and where it is stuck."),
            in_menu=False,
        ),
    ]
