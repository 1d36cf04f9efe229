"""`carenet load-donors [--file PATH]`: load the donor code list and map 4W rows to it.

Loading the same file twice changes nothing; a new alias maps the rows spelt that way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.reporting import donors


class Command(BaseCommand):
    help = "Load the donor code list (with its aliases) and map every 4W row's donor to it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=donors.DONORS_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = donors.load(options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.created} donors added, {result.updated} updated, {result.mapped} rows mapped."
        )
