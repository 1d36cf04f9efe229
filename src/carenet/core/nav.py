"""What the signed-in person can do: each capability app offers its entries in `nav.py`.

An app's `nav.items(request)` returns the `NavItem`s the user may use; the decision inside
it is always a `core.permissions` call.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""
    in_menu: bool = True


@dataclass(frozen=True)
class Notice:
    """Something that needs the signed-in person's attention, shown at the top of the home
    page: an overdue action point, a safety flag. Offered by an app's `nav.notices(request)`."""

    label: str
    url: str
    detail: str = ""
    urgent: bool = False


@cache
def _nav_modules() -> tuple[ModuleType, ...]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("carenet."):
            continue
        try:
            modules.append(import_module(f"{config.name}.nav"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise
    return tuple(modules)


def items_for(request: HttpRequest) -> list[NavItem]:
    if not request.user.is_authenticated:
        return []
    items: list[NavItem] = []
    for module in _nav_modules():
        items.extend(module.items(request))
    return items


def notices_for(request: HttpRequest) -> list[Notice]:
    """The notices of every app that offers `notices(request)`, urgent ones first."""
    if not request.user.is_authenticated:
        return []
    notices: list[Notice] = []
    for module in _nav_modules():
        if hasattr(module, "notices"):
            notices.extend(module.notices(request))
    return sorted(notices, key=lambda n: not n.urgent)


def items(request: HttpRequest) -> list[NavItem]:
    """Core's own entries: the audit log and, for superusers, Django admin."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from carenet.core import permissions

    entries = []
    if permissions.can(request.user, "audit.view"):
        entries.append(
            NavItem(
                _("Audit log"),
                reverse("core:audit"),
                _("Who signed in, viewed, changed or exported what."),
                in_menu=False,
            )
        )
    if request.user.is_superuser:
        entries.append(
            NavItem(
                _("Administration"),
                reverse("admin:index"),
                _("Code lists, areas, users and organisations."),
                in_menu=False,
            )
        )
    return entries
