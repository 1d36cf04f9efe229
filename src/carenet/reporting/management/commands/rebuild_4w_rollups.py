"""`carenet rebuild-4w-rollups [--period YYYY-MM]`: rebuild the rollups from the rows.

Imports and edits keep the rollups up to date on their own; this repairs them (or fills
them after an upgrade that changed their shape).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.reporting import months, rollups
from carenet.reporting.models import ActivityReport


class Command(BaseCommand):
    help = "Rebuild the 4W rollup tables from the activity rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="Only this month, YYYY-MM (default: every month).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["period"]:
            try:
                wanted = [months.parse_month(options["period"])]
            except months.BadMonth as exc:
                raise CommandError("--period must be written YYYY-MM.") from exc
        else:
            wanted = sorted(set(ActivityReport.objects.values_list("month", flat=True)))
        for month in wanted:
            rollups.rebuild_month(month)
        self.stdout.write(f"Rebuilt the rollups of {len(wanted)} months.")
