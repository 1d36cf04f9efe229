"""`carenet purge_imports [--days 7]`: delete the stored files of rejected 4W uploads.

Rejected files stay a week so that a focal point can still choose "import only the valid
rows"; run this daily (cron, or the scheduler of the task queue)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carenet.reporting import services


class Command(BaseCommand):
    help = "Delete stored files of rejected 4W uploads older than --days (default 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        removed = services.imports_purge(older_than=datetime.timedelta(days=options["days"]))
        self.stdout.write(f"{removed} files deleted.")
