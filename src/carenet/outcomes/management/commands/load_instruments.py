"""`carenet load-instruments [--update]`: instruments, reliabilities, M&E groups."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.outcomes.loaders import InstrumentFileError, load_instruments


class Command(BaseCommand):
    help = (
        "Load the outcome instruments (items, options, bands, rules), their reliabilities and "
        "the IASC M&E outcome groups from outcomes/data. Safe to run again: existing rows are "
        "kept unless --update."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Rewrite existing rows from the files (undoes edits made in the admin).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_instruments(update=options["update"])
        except InstrumentFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
