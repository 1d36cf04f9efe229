"""`carenet report-pack --period 2026-11 [--donor CODE] [--area PCODE] --format pdf|xlsx
--output FILE [--language uk] [--user EMAIL]`: write a month's report pack.

The pack holds what `--user` may see (default: the first active superuser, i.e. the whole
network); every count of people under five is suppressed as in the web pack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.reports import pack, services


class Command(BaseCommand):
    help = "Write a month's report pack (PDF or XLSX) for donors and government."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--donor", default="", help="Only this donor's rows (its code).")
        parser.add_argument("--area", default="", help="Only this area (its P-code).")
        parser.add_argument("--format", dest="fmt", choices=pack.FORMATS, default="pdf")
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument(
            "--language", default="en", choices=[code for code, _name in settings.LANGUAGES]
        )
        parser.add_argument("--user", default="", help="Build it as this user (e-mail).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            request = services.parse_request(
                period=options["period"], donor=options["donor"], area=options["area"]
            )
            user = services.command_user(options["user"])
        except services.BadRequest as exc:
            raise CommandError(str(exc)) from exc
        data = services.pack_file(
            user=user,
            request=request,
            fmt=options["fmt"],
            language=options["language"],
        )
        options["output"].write_bytes(data)
        self.stdout.write(f"{options['output']}: {len(data)} bytes")
