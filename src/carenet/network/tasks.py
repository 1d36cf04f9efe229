"""Background work of the network app."""

from __future__ import annotations

from django_tasks import task

from carenet.network import reminders


@task()
def send_monthly_reminders() -> dict[str, int]:
    """The monthly reminders (scheduled by cron through `carenet send-reminders`)."""
    sent = reminders.send_monthly()
    return {"4w": sent.report_4w, "listings": sent.listings}
