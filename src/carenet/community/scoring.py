"""Community Readiness Model scoring, exactly as the handbook prescribes.

1. Each interview is scored on each dimension by two scorers independently (whole numbers on
   the anchored 1-9 scale); they agree a consensus score (one decimal place allowed).
2. Dimension score = the mean, over the interviews, of the consensus scores.
3. Overall score = the mean of the dimension scores (six in the 2006 edition, five in 2014).
4. Stage = the whole-number part of the score, never rounded up: 4.83 -> stage 4.

Arithmetic is exact (`Fraction`): a float mean can land a hair below a whole number
(e.g. 4.9999999 instead of 5) and truncation would then drop a whole stage. Scores are shown
truncated, not rounded, to two decimals, so the number on screen never suggests a higher stage
than the one reported. Worked examples in README.md; tests in tests/test_scoring.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

STAGE_MIN = 1
STAGE_MAX = 9


class ScoreError(ValueError):
    """A score outside the anchored scale, or with more precision than the scale allows."""


def check_scorer_score(value: int) -> int:
    """A scorer's score: a whole number from 1 to 9."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScoreError(f"A scorer's score is a whole number, not {value!r}.")
    if not STAGE_MIN <= value <= STAGE_MAX:
        raise ScoreError(f"A scorer's score is between 1 and 9, not {value}.")
    return value


def check_consensus(value: Decimal) -> Decimal:
    """A consensus score: from 1 to 9 with at most one decimal place (e.g. 4.5)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ScoreError(f"A consensus score is a decimal number, not {value!r}.")
    if not STAGE_MIN <= value <= STAGE_MAX:
        raise ScoreError(f"A consensus score is between 1 and 9, not {value}.")
    if value != value.quantize(Decimal("0.1"), rounding=ROUND_DOWN):
        raise ScoreError(f"A consensus score has at most one decimal place, not {value}.")
    return value


def mean(values: Iterable[Fraction | Decimal | int]) -> Fraction | None:
    """The exact mean, or None for no values."""
    items = [Fraction(v) for v in values]
    if not items:
        return None
    return sum(items, Fraction(0)) / len(items)


def stage_of(score: Fraction | Decimal) -> int:
    """The stage of a score: its whole-number part, never rounded up (4.99 -> 4)."""
    stage = math.floor(Fraction(score))
    if not STAGE_MIN <= stage <= STAGE_MAX:
        raise ScoreError(f"A readiness score lies between 1 and 9, not {score}.")
    return stage


def shown(score: Fraction) -> Decimal:
    """The score for display: truncated (not rounded) to two decimals, 4.996 -> 4.99."""
    hundredths = math.floor(score * 100)
    return (Decimal(hundredths) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class DimensionResult:
    code: str
    letter: str
    name: str
    score: Fraction | None  # None: no interview has a consensus score yet
    interviews_scored: int

    @property
    def stage(self) -> int | None:
        return stage_of(self.score) if self.score is not None else None

    @property
    def shown(self) -> Decimal | None:
        return shown(self.score) if self.score is not None else None


@dataclass(frozen=True)
class ReadinessResult:
    dimensions: list[DimensionResult]
    interviews: int

    @property
    def complete(self) -> bool:
        """Every interview has a consensus score on every dimension."""
        return self.interviews > 0 and all(
            d.interviews_scored == self.interviews for d in self.dimensions
        )

    @property
    def overall(self) -> Fraction | None:
        """Mean of the dimension scores; None until every dimension has a score."""
        scores = [d.score for d in self.dimensions]
        if not scores or any(s is None for s in scores):
            return None
        return mean(s for s in scores if s is not None)

    @property
    def stage(self) -> int | None:
        overall = self.overall
        return stage_of(overall) if overall is not None else None

    @property
    def overall_shown(self) -> Decimal | None:
        overall = self.overall
        return shown(overall) if overall is not None else None

    def lowest_first(self) -> list[DimensionResult]:
        """Scored dimensions from the least ready up: strategy work starts with the lowest."""
        scored = [d for d in self.dimensions if d.score is not None]
        return sorted(scored, key=lambda d: (d.score, d.letter))


@dataclass(frozen=True)
class Dimension:
    code: str
    letter: str
    name: str


def compute(
    dimensions: Sequence[Dimension],
    interviews: Sequence[object],
    consensus: Mapping[tuple[object, str], Decimal | None],
) -> ReadinessResult:
    """Score an assessment.

    `consensus[(interview, dimension code)]` is the consensus score of that interview on that
    dimension (missing or None: not scored yet). Each dimension's score is the mean over the
    interviews that have a consensus score on it.
    """
    results = []
    for dim in dimensions:
        values = [consensus.get((i, dim.code)) for i in interviews]
        given = [check_consensus(v) for v in values if v is not None]
        results.append(DimensionResult(dim.code, dim.letter, dim.name, mean(given), len(given)))
    return ReadinessResult(results, len(interviews))
