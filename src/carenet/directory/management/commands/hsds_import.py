"""`carenet hsds_import FILE`: load an HSDS 3.0 data package (.zip) or JSON document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.directory.hsds import exchange as hsds_exchange
from carenet.directory.hsds.loader import unused_fields


class Command(BaseCommand):
    help = "Import an HSDS 3.0 tabular data package (.zip) or JSON file into the directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            tables = hsds_exchange.read_file(path.name, path.read_bytes())
            for table, names in unused_fields(tables).items():
                self.stdout.write(f"not kept: {table}: {', '.join(names)}")
            report = hsds_exchange.import_tables(tables)
        except hsds_exchange.ImportFailed as exc:
            for error in exc.errors[:200]:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing was imported: {len(exc.errors)} error(s).") from exc
        for kind, counts in (("created", report.created), ("updated", report.updated)):
            for table, n in sorted(counts.items()):
                self.stdout.write(f"{table}: {n} {kind}")
        if not any(report.created.values()) and not any(report.updated.values()):
            raise CommandError(_nothing_imported(tables, report))


def _nothing_imported(tables: hsds_exchange.Tables, report: hsds_exchange.ImportReport) -> str:
    """Why a file that was read wrote nothing: it must not pass for a successful import."""
    found = {table: len(rows) for table, rows in tables.items() if rows}
    if not found:
        return (
            "Nothing was imported: the file holds no HSDS records (no organization, service "
            "or location). Give a data package with its CSV files, or a JSON service, "
            "organization or list of them."
        )
    skipped = ", ".join(f"{t}: {n}" for t, n in sorted(report.skipped.items()) if n)
    rows = ", ".join(f"{t}: {n}" for t, n in sorted(found.items()))
    return (
        f"Nothing was imported: the file has rows ({rows}) but none of them could be "
        f"written{' (skipped ' + skipped + ')' if skipped else ''}."
    )
