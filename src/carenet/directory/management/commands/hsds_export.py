"""`carenet hsds_export FILE`: write the public directory as HSDS 3.0 (.zip or .json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from carenet.directory.hsds import exchange as hsds_exchange


class Command(BaseCommand):
    help = "Export the public directory as an HSDS 3.0 data package (.zip) or JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if path.suffix.lower() == ".zip":
            path.write_bytes(hsds_exchange.export_zip())
        else:
            path.write_text(json.dumps(hsds_exchange.export_json(), ensure_ascii=False, indent=1))
        self.stdout.write(f"Wrote {path}")
