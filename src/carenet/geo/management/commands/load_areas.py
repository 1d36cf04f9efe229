"""`carenet load-areas ukraine|poland [--settlements]`: load a shipped gazetteer."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from carenet.geo.loaders import GazetteerFileError, LoadReport, load_poland, load_ukraine

COUNTRIES = {"ukraine": "ukraine", "ua": "ukraine", "poland": "poland", "pl": "poland"}
LEVEL_NAMES = {
    "ukraine": {1: "oblasts", 2: "raions", 3: "hromadas", 4: "settlements"},
    "poland": {1: "voivodeships", 2: "powiats", 3: "gminas"},
}


class Command(BaseCommand):
    help = "Load the administrative areas of Ukraine or Poland from the files shipped in geo/data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("country", help="ukraine or poland")
        parser.add_argument(
            "--settlements", action="store_true",
            help="Ukraine: also load the 29,705 settlements (level 4).",
        )  # fmt: skip

    def handle(self, *args: Any, country: str, settlements: bool, **options: Any) -> None:
        name = COUNTRIES.get(country.strip().lower())
        if name is None:
            raise CommandError(
                _("Unknown country %(country)s: choose ukraine or poland.") % {"country": country}
            )
        if settlements and name != "ukraine":
            raise CommandError(_("--settlements applies to Ukraine only."))
        try:
            report = load_ukraine(settlements=settlements) if name == "ukraine" else load_poland()
        except GazetteerFileError as exc:
            raise CommandError(str(exc)) from exc
        self._print(name, report)

    def _print(self, name: str, report: LoadReport) -> None:
        self.stdout.write(f"{report.country} {report.version}:")
        for level, counts in sorted(report.levels.items()):
            self.stdout.write(
                f"  {LEVEL_NAMES[name].get(level, level)}: {counts.total} "
                f"(created {counts.created}, updated {counts.updated}, "
                f"unchanged {counts.unchanged})"
            )
        if report.not_in_files:
            self.stdout.write(f"  not in the files (kept): {report.not_in_files}")
        self.stdout.write(self.style.SUCCESS(f"  done in {report.seconds:.2f} s"))
