"""The code lists are public reference data: every signed-in person may read them."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core.nav import NavItem


def items(request: HttpRequest) -> list[NavItem]:
    return [
        NavItem(
            label=_("Code lists"),
            url=reverse("taxonomy:index"),
            description=_("IASC pyramid layers, 4W activity codes, interventions, target groups."),
            in_menu=False,
        )
    ]
