"""Places are public reference data: every signed-in person may browse them."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    return [
        NavItem(
            label=_("Places"),
            url=reverse("geo:index"),
            description=_("Oblasts, hromadas, voivodeships and gminas with their P-codes."),
            in_menu=False,
        )
    ]
