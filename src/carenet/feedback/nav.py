"""The feedback app's entries on the home page, and its notices (overdue complaints)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carenet.core import permissions
from carenet.core.nav import NavItem, Notice
from carenet.feedback import queries
from carenet.feedback.permissions import safeguarding_orgs


def _handles_complaints(request: HttpRequest) -> bool:
    return permissions.can_somewhere(request.user, "feedback.complaints") or bool(
        safeguarding_orgs(request.user)
    )


def items(request: HttpRequest) -> list[NavItem]:
    user = request.user
    entries = []
    if permissions.can_somewhere(user, "feedback.view"):
        entries.append(
            NavItem(
                _("Feedback"),
                reverse("feedback:inbox"),
                _("What people say about your sites, posters with QR codes, public notes."),
            )
        )
    if _handles_complaints(request):
        entries.append(
            NavItem(
                _("Complaints"),
                reverse("feedback:complaints"),
                _("Complaints with due times; sensitive ones go to the safeguarding focal point."),
                in_menu=False,
            )
        )
    if permissions.can_somewhere(user, "feedback.insights"):
        entries.append(
            NavItem(
                _("What we learn"),
                reverse("feedback:insights"),
                _("Satisfaction trends, response times and themes."),
                in_menu=False,
            )
        )
    return entries


def notices(request: HttpRequest) -> list[Notice]:
    if not request.user.is_authenticated or not _handles_complaints(request):
        return []
    late = len(queries.overdue_complaints(request.user))
    if not late:
        return []
    return [
        Notice(
            ngettext("%(n)d complaint is overdue", "%(n)d complaints are overdue", late)
            % {"n": late},
            reverse("feedback:complaints"),
            urgent=True,
        )
    ]
