"""Directory entries in the signed-in menu, and the notice of drafts waiting for review."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carenet.core import permissions
from carenet.core.nav import NavItem, Notice
from carenet.directory import queries


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
    if permissions.can_somewhere(request.user, "directory.publish"):
        entries.append(
            NavItem(
                _("Drafts for review"),
                reverse("directory:drafts"),
                _("Imported services that are not public until someone places them."),
                in_menu=False,
            )
        )
    return entries


def notices(request: HttpRequest) -> list[Notice]:
    if not permissions.can_somewhere(request.user, "directory.publish"):
        return []
    waiting = queries.draft_count(request.user)
    if not waiting:
        return []
    return [
        Notice(
            ngettext(
                "%(n)d imported service waits for review",
                "%(n)d imported services wait for review",
                waiting,
            )
            % {"n": waiting},
            reverse("directory:drafts"),
            _("Not public until someone places and publishes them."),
        )
    ]
