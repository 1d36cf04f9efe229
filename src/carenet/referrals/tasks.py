"""Background work of referrals (django-tasks: in-process by default, a queue when set up)."""

from __future__ import annotations

from django_tasks import task

from carenet.referrals import notify
from carenet.referrals.models import Notification


@task()
def send_notification_email(notification_id: int) -> int:
    """E-mail one notification to the people of its organisation who handle referrals."""
    notification = (
        Notification.objects.select_related("referral", "organisation")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return 0
    return notify.send_email(notification)
