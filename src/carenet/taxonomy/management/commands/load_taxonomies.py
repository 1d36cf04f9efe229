"""`carenet load-taxonomies [--scheme CODE] [--data-dir DIR]`: load the shipped code lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from carenet.taxonomy.loaders import LoadCounts, TaxonomyFileError, load_all, load_scheme


class Command(BaseCommand):
    help = "Load the MHPSS code lists (pyramid, 4W codes, MSP, interventions, ...) from files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", help="load only this scheme code (its current version)")
        parser.add_argument("--data-dir", type=Path, help="read the files from this folder")

    def handle(self, *args: Any, scheme: str | None, data_dir: Path | None, **opts: Any) -> None:
        try:
            if scheme:
                report = {scheme: load_scheme(scheme, data_dir=data_dir)}
            else:
                report = load_all(data_dir)
        except TaxonomyFileError as exc:
            raise CommandError(str(exc)) from exc
        for key, counts in report.items():
            self.stdout.write(_line(key, counts))
        total = sum(c.total for c in report.values())
        self.stdout.write(self.style.SUCCESS(
            _("%(schemes)s schemes, %(terms)s terms loaded.")
            % {"schemes": len(report), "terms": total}
        ))  # fmt: skip


def _line(key: str, counts: LoadCounts) -> str:
    text = _(
        "%(scheme)s %(version)s: %(total)s terms (created %(created)s, updated %(updated)s, "
        "unchanged %(unchanged)s)"
    ) % {
        "scheme": key, "version": counts.version, "total": counts.total,
        "created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged,
    }  # fmt: skip
    if counts.not_in_file:
        text += _("; %(count)s not in the file, kept") % {"count": counts.not_in_file}
    return text
