"""`carenet load-peer-reference [--update]`: load the kinds of peer group (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carenet.peer.reference import load_reference


class Command(BaseCommand):
    help = "Load the kinds of peer group from src/carenet/peer/data/. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update", action="store_true", help="Rewrite existing rows from the file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference(update=options["update"])
        self.stdout.write(
            f"Peer group kinds: {counts['created']} created, {counts['updated']} updated."
        )
