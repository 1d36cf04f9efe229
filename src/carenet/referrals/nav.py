"""What the referrals app offers the signed-in user (decided by core.permissions)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from carenet.core import permissions
from carenet.core.nav import NavItem
from carenet.referrals import metrics


def items(request: HttpRequest) -> list[NavItem]:
    entries = []
    org = getattr(request, "acting_organisation", None)
    if org is not None and permissions.can(request.user, "referral.view", org):
        entries += [
            NavItem(
                _("Referrals"),
                reverse("referrals:inbox"),
                _("Referrals received and sent, with their status and outcome."),
            ),
            NavItem(
                _("Clients"),
                reverse("referrals:clients"),
                _("Register a person with minimum data, record consent, refer."),
                in_menu=False,
            ),
        ]
    if metrics.may_see_metrics(request.user):
        entries.append(
            NavItem(
                _("Referral pathways"),
                reverse("referrals:metrics"),
                _("Referrals per pathway, response times, loops closed."),
                in_menu=False,
            )
        )
    return entries
