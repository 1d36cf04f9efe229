"""The signed-in person's own account on the home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    return [
        NavItem(
            _("Your account"),
            reverse("accounts:account"),
            _("Change your password, sign out of other devices."),
            in_menu=False,
        )
    ]
