"""`carenet load-feedback-reference [--update]`: load the feedback code lists (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carenet.feedback.reference import load_reference


class Command(BaseCommand):
    help = (
        "Load the satisfaction questions, complaint categories and themes from "
        "src/carenet/feedback/data/. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update", action="store_true", help="Rewrite existing rows from the files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference(update=options["update"])
        self.stdout.write(
            f"Feedback code lists: {counts['created']} created, {counts['updated']} updated."
        )
