"""Background work of the reports app (django-tasks: in-process by default, a queue when set)."""

from __future__ import annotations

import logging

from django_tasks import task

from carenet.reporting import months
from carenet.reports.models import Subscription

log = logging.getLogger(__name__)


@task()
def send_pack(subscription_uuid: str, month_key: str) -> str:
    """Build one subscriber's pack for the month and e-mail it."""
    from carenet.reports import services

    sub = (
        Subscription.objects.filter(uuid=subscription_uuid)
        .select_related("user", "donor", "area")
        .first()
    )
    if sub is None or not sub.user.is_active:
        return "missing"
    services.send_pack(sub, months.parse_month(month_key))
    log.info("report pack %s sent to subscription %s", month_key, subscription_uuid)
    return "sent"
