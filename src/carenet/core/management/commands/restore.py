"""`carenet restore INPUT`: replace the database with a backup made by `carenet backup`.

Refuses a backup whose encrypted fields the current CARENET_FIELD_KEYS cannot read, before
anything is changed. Stop the web servers and workers first; run `carenet migrate` after
restoring a backup made by an older CareNet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.core import backups


class Command(BaseCommand):
    help = "Replace the database with a backup made by `carenet backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        if options["interactive"]:
            answer = input(
                f"Every table of the {options['database']!r} database will be replaced by "
                f"{source}. Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            checked = backups.restore(source, using=options["database"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {source} ({checked} encrypted values read with the current keys). "
                "Run `carenet migrate` if the backup came from an older CareNet."
            )
        )
