"""`carenet load-cop-reference [--update]`: load the CoP reference data (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carenet.cop.reference import load_reference


class Command(BaseCommand):
    help = (
        "Load curricula, competency frameworks, professions, supervision themes and the "
        "WHO-5 well-being measure from src/carenet/cop/data/. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Rewrite existing rows from the files (undoes admin edits).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference(update=options["update"])
        self.stdout.write(
            f"CoP reference data: {counts['created']} created, {counts['updated']} updated."
        )
