"""`carenet load-community-reference [--update]`: readiness model, stages, offers, checklist."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carenet.community.loaders import load_reference


class Command(BaseCommand):
    help = (
        "Load the community app's reference data (Community Readiness Model editions, "
        "dimensions and stages, implementation stages, programmes, support-space offers and "
        "readiness checklist). Safe to run again: existing rows are kept unless --update."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Rewrite existing rows from the files (undoes edits made in the admin).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_reference(update=options["update"])
        for line in report.lines():
            self.stdout.write(line)
