"""`carenet backup OUTPUT`: a copy of the database without the keys (see core/backups.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.core import backups


class Command(BaseCommand):
    help = (
        "Back up the database to OUTPUT (pg_dump on PostgreSQL, the online backup on SQLite). "
        "SECRET_KEY and CARENET_FIELD_KEYS are not in it: keep them elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="A new file (never overwritten).")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        try:
            kind = backups.create(output, using=options["database"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        size = output.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(f"{kind} backup written to {output} ({size:,} bytes).")
        )
        self.stdout.write(
            "It holds no keys: without the current CARENET_FIELD_KEYS the encrypted personal "
            "fields cannot be restored. Uploaded files (CARENET_MEDIA_DIR) are not in it."
        )
