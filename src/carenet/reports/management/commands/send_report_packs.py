"""`carenet send-report-packs [--period YYYY-MM]`: e-mail the month's pack to every
subscriber (run monthly from cron, e.g. `0 6 5 * *`, after the 4W deadline).

Each pack is queued as a django-tasks task and built with the subscriber's own reach; a
subscriber who already received the month is skipped, so running it twice sends nothing
twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.reporting import months
from carenet.reports import services


class Command(BaseCommand):
    help = "E-mail the month's report pack to its subscribers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", default="", help="YYYY-MM (default: last month).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                months.parse_month(options["period"])
                if options["period"]
                else months.current_reporting_month()
            )
        except months.BadMonth as exc:
            raise CommandError("--period must be written YYYY-MM.") from exc
        queued = services.queue_monthly_packs(month)
        self.stdout.write(f"{queued} report packs queued for {months.key(month)}.")
