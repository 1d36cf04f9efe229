"""`carenet export-4w --period YYYY-MM --format xlsx|csv|hxl [--org ACRONYM] [--output FILE]`.

Writes every organisation's rows of the month (or one organisation's), with the HXL hashtags
of the browser exports; the file re-imports with `import-4w`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from carenet.accounts import queries as accounts
from carenet.reporting import exports, months
from carenet.reporting.models import ActivityReport


class Command(BaseCommand):
    help = "Export a month's 4W rows as XLSX, CSV or HXL-tagged CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--format", choices=exports.FORMATS, default="xlsx")
        parser.add_argument("--org", help="Only this organisation (acronym).")
        parser.add_argument(
            "--output", type=Path, help="File to write (default: stdout for CSV and HXL)."
        )
        parser.add_argument(
            "--language",
            default="en",
            choices=["en", "uk", "pl"],
            help="Language of the column titles.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = months.parse_month(options["period"])
        except months.BadMonth as exc:
            raise CommandError("--period must be written YYYY-MM.") from exc
        rows = ActivityReport.objects.filter(month=month)
        org = None
        if options["org"]:
            org = accounts.organisation_by_acronym(options["org"])
            if org is None:
                raise CommandError(f"No organisation with the acronym {options['org']!r}.")
            rows = rows.filter(organisation=org)
        fmt = options["format"]
        output = Path(options["output"]) if options["output"] else None
        if fmt == "xlsx" and output is None:
            raise CommandError("--output is required for XLSX.")
        with translation.override(options["language"]):
            if output is None:
                buffer = io.BytesIO()
                exports.export_rows(
                    actor=None, rows=rows, fmt=fmt, out=buffer, organisation=org, month=month
                )
                self.stdout.write(buffer.getvalue().decode("utf-8"), ending="")
                return
            with output.open("wb") as out:
                exports.export_rows(
                    actor=None, rows=rows, fmt=fmt, out=out, organisation=org, month=month
                )
        self.stderr.write(f"{rows.count()} rows written to {output}")
