"""`carenet import-4w FILE --org ACRONYM [--valid-only] [--period YYYY-MM]`.

The browser import's checks and errors, for information managers who script their month.
The column mapping is printed first (every header and the column it is read as, and the
headers that are not read); `--columns` prints only that. Exit status 1 when the file was
rejected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from carenet.accounts import queries as accounts
from carenet.reporting import months, readers, services
from carenet.reporting.models import ImportJob, ImportStatus
from carenet.reporting.validation import column_label, message


class Command(BaseCommand):
    help = "Check and import a 4W file (XLSX, ODS, CSV or HXL CSV) for one organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="The organisation's acronym.")
        parser.add_argument(
            "--period",
            help="The reporting month, YYYY-MM (default: the month of the first row's start date).",
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Import the valid rows even if other rows have errors.",
        )
        parser.add_argument(
            "--update-existing",
            action="store_true",
            help="Replace rows that already exist with the file's figures.",
        )
        parser.add_argument(
            "--columns",
            action="store_true",
            help="Only show how the file's columns are read; import nothing.",
        )
        parser.add_argument(
            "--language",
            default="en",
            choices=["en", "uk", "pl"],
            help="Language of the error messages.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        org = accounts.organisation_by_acronym(options["org"])
        if org is None:
            raise CommandError(f"No organisation with the acronym {options['org']!r}.")
        month = None
        if options["period"]:
            try:
                month = months.parse_month(options["period"])
            except months.BadMonth as exc:
                raise CommandError("--period must be written YYYY-MM.") from exc
        with translation.override(options["language"]):
            self._mapping(path)
        if options["columns"]:
            return
        with path.open("rb") as upload:
            job = services.import_start(
                actor=None,
                organisation=org,
                month=month,
                upload=upload,
                file_name=path.name,
                valid_only=options["valid_only"],
                update_existing=options["update_existing"],
                background=False,
            )
        with translation.override(options["language"]):
            self._report(job)
        if job.status != ImportStatus.DONE:
            raise CommandError(f"{job.error_count} errors: nothing was imported.")

    def _mapping(self, path: Path) -> None:
        try:
            table = readers.open_table(path)
        except readers.UnreadableFile:
            return  # the import says why
        self.stdout.write("Columns:")
        for header, key in table.headers:
            read_as = column_label(key) if key else "NOT READ"
            self.stdout.write(f"  {header or '(blank)'} -> {read_as}")
        unread = [h for h, key in table.headers if key is None]
        if unread:
            self.stdout.write(f"{len(unread)} columns not read: {', '.join(unread)}")

    def _report(self, job: Any) -> None:
        for error in job.errors:
            where = f"row {error['line']}" if error["line"] else "file"
            column = column_label(error.get("column", ""))
            self.stderr.write(f"{where}{', ' + column if column else ''}: {message(error)}")
        if job.error_count > len(job.errors):
            self.stderr.write(
                f"... and {job.error_count - len(job.errors)} more errors: only the first "
                f"{ImportJob.MAX_STORED_ERRORS} are kept. Fix these and import again."
            )
        if job.status == ImportStatus.DONE:
            self.stdout.write(
                f"{job.organisation.acronym} {months.key(job.month)}: {job.created} new, "
                f"{job.updated} changed, {job.unchanged} unchanged, {job.skipped} left out."
            )
