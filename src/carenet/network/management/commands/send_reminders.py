"""`carenet send_reminders`: queue this month's reminders (run it daily or monthly from cron;
each reminder goes once per organisation and month)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from carenet.network.tasks import send_monthly_reminders


class Command(BaseCommand):
    help = "Queue the monthly 4W and stale-listing reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_monthly_reminders.enqueue()
        self.stdout.write(f"reminders queued: {result.id}")
