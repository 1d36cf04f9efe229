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
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse the file on any problem: a record that cannot be placed in Ukraine or "
            "Poland, a field or table CareNet does not keep. By default such records are kept "
            "as drafts for review (not public) and every unused field is reported.",
        )
        parser.add_argument(
            "--country",
            choices=["UA", "PL"],
            default="UA",
            help="Country for new organisations with no UA or PL address (default UA).",
        )

    def handle(
        self, *args: Any, path: Path, strict: bool = False, country: str = "UA", **options: Any
    ) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            tables = hsds_exchange.read_file(path.name, path.read_bytes())
            unused = unused_fields(tables)
            for table, names in unused.items():
                self.stdout.write(f"not kept: {table}: {', '.join(names)}")
            if strict and unused:
                raise CommandError(
                    f"Nothing was imported (--strict): {len(unused)} table(s) have fields "
                    "CareNet does not keep (listed above)."
                )
            report = hsds_exchange.import_tables(tables, strict=strict, country=country)
        except hsds_exchange.ImportFailed as exc:
            for error in exc.errors[:200]:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing was imported: {len(exc.errors)} error(s).") from exc
        for problem in report.problems:
            self.stdout.write(f"not used: {problem}")
        for kind, counts in (
            ("created", report.created),
            ("updated", report.updated),
            ("kept as drafts for review", report.review),
        ):
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
