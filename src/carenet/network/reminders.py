"""The monthly reminders: organisations late with their 4W report, and those whose listings
have not been confirmed for CARENET_STALE_AFTER_DAYS. One e-mail per organisation, kind and
month (running twice sends nothing new), to its focal points, with a link to the page that
fixes it. Reads go through reporting's and directory's own queries, as a whole-network
coordinator sees them."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from carenet.accounts import mail
from carenet.accounts import queries as account_queries
from carenet.accounts.models import Organisation, User
from carenet.network.models import Reminder, ReminderKind

logger = logging.getLogger(__name__)


@dataclass
class Sent:
    report_4w: int = 0
    listings: int = 0


def late_4w(coordinator: User, month: datetime.date) -> list[Organisation]:
    """Organisations expected to report `month` that have not submitted it."""
    from carenet.reporting import queries as reporting_queries

    return [
        row.organisation
        for row in reporting_queries.month_overview(coordinator, month)
        if not row.reported
    ]


def stale_listings(coordinator: User) -> dict[Organisation, int]:
    """Organisations with listings not confirmed in time, and how many."""
    from carenet.directory import queries as directory_queries

    found: dict[Organisation, int] = defaultdict(int)
    for service in directory_queries.stale_services(coordinator):
        found[service.organisation] += 1
    return dict(found)


def send_monthly(today: datetime.date | None = None) -> Sent:
    """Send this month's reminders that were not sent yet."""
    from carenet.reporting import months

    today = today or timezone.localdate()
    coordinator = account_queries.network_coordinator()
    sent = Sent()
    if coordinator is None:
        logger.warning("reminders skipped: no whole-network coordinator")
        return sent
    this_month = months.month_of(today)
    if today.day > settings.CARENET_4W_DEADLINE_DAY:
        month = months.current_reporting_month(today)
        for organisation in late_4w(coordinator, month):
            link = mail.link("reporting:period", org=organisation.uuid, month=month)
            context = {"organisation": organisation.name, "month": month, "link": link}
            if _send(
                ReminderKind.REPORT_4W,
                organisation,
                this_month,
                "network/email/late-4w",
                context,
                detail=months.key(month),
            ):
                sent.report_4w += 1
    for organisation, count in stale_listings(coordinator).items():
        context = {
            "organisation": organisation.name,
            "count": count,
            "days": settings.CARENET_STALE_AFTER_DAYS,
            "link": mail.link("directory:manage"),
        }
        if _send(
            ReminderKind.LISTINGS,
            organisation,
            this_month,
            "network/email/stale-listings",
            context,
            detail=f"{count} listings",
        ):
            sent.listings += 1
    return sent


def _send(
    kind: str,
    organisation: Organisation,
    month: datetime.date,
    template: str,
    context: dict[str, object],
    detail: str,
) -> bool:
    """Record the reminder, then e-mail it; False when it was sent already this month."""
    recipients = account_queries.focal_points_of(organisation)
    try:
        with transaction.atomic():
            Reminder.objects.create(
                kind=kind,
                organisation=organisation,
                month=month,
                recipients=len(recipients),
                detail=detail,
            )
    except IntegrityError:
        return False
    for person in recipients:
        mail.send(template, person.email, context, person.preferred_language)
    logger.info(
        "reminder sent kind=%s organisation=%s recipients=%d",
        kind,
        organisation.uuid,
        len(recipients),
    )
    return True
