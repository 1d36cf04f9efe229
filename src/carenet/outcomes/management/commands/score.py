"""`carenet score PHQ-9 --answers 3,3,0,...`: one line, `total band [flag]`.

Reads the instrument from the database when it is loaded (the rules in force), otherwise
from the shipped file, so a scoring rule can be checked without the web.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from carenet.outcomes import scoring
from carenet.outcomes.loaders import InstrumentFileError, shipped_definition
from carenet.outcomes.models import Instrument


class Command(BaseCommand):
    help = "Score one set of answers: prints `total band [flag]`, or which items are missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instrument", help="Instrument code, e.g. PHQ-9")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--answers", help="Item answers in order, e.g. 3,3,0,1,2,0,1,0,1")
        group.add_argument("--total", type=int, help="A total scored elsewhere (WHODAS-12)")

    def handle(self, *args: Any, **options: Any) -> None:
        definition = _definition(options["instrument"])
        try:
            if options["total"] is not None:
                result = scoring.score_total(definition, options["total"])
            else:
                answers = scoring.parse_answers(options["answers"])
                if len(answers) > len(definition.items):
                    raise scoring.InvalidAnswer(
                        f"{definition.code} has {len(definition.items)} items, "
                        f"{len(answers)} answers given"
                    )
                result = scoring.score(definition, answers)
        except scoring.InvalidAnswer as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.line())


def _definition(code: str) -> scoring.Definition:
    try:
        found = Instrument.objects.filter(code__iexact=code).first()
    except DatabaseError:
        found = None
    if found is not None:
        return found.scoring()
    try:
        return shipped_definition(code)
    except InstrumentFileError as exc:
        raise CommandError(str(exc)) from exc
