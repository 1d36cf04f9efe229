"""Jacobson-Truax reliable change and clinically significant change, computed by hand.

PHQ-9 (reliability.csv): r = 0.89, SD = 6.5.
  S_diff = √2 × 6.5 × √0.11 = 1.41421 × 6.5 × 0.33166 = 3.0489; threshold 1.96 × 3.0489 = 5.98.
WHO-5: r = 0.84, SD = 5.0.
  S_diff = √2 × 5 × √0.16 = 1.41421 × 5 × 0.4 = 2.8284; threshold 5.54.
"""

from __future__ import annotations

import pytest

from carenet.outcomes import scoring
from carenet.outcomes.loaders import shipped_definition


@pytest.mark.parametrize(
    ("code", "pre", "post", "rci", "reliable", "recovered"),
    [
        # PHQ-9 18 -> 9: -9 / 3.0489 = -2.95, better; case (>= 10) to non-case: recovered
        ("PHQ-9", 18, 9, -2.95, scoring.IMPROVED, True),
        # 18 -> 12: -6 / 3.0489 = -1.97, reliable (just), but still a case: not recovered
        ("PHQ-9", 18, 12, -1.97, scoring.IMPROVED, False),
        # 12 -> 8: -4 / 3.0489 = -1.31: no reliable change, so not recovered though under 10
        ("PHQ-9", 12, 8, -1.31, scoring.NO_CHANGE, False),
        # 5 -> 12: +7 / 3.0489 = 2.30, worse; not a case at the start: recovery does not apply
        ("PHQ-9", 5, 12, 2.30, scoring.DETERIORATED, None),
        # WHO-5 8 -> 16: +8 / 2.8284 = 2.83; higher is better; under 13 to 13 or more
        ("WHO-5", 8, 16, 2.83, scoring.IMPROVED, True),
        # WHO-5 10 -> 14: +4 / 2.8284 = 1.41: no reliable change
        ("WHO-5", 10, 14, 1.41, scoring.NO_CHANGE, False),
        # WHO-5 20 -> 12: -8 / 2.8284 = -2.83: reliable deterioration
        ("WHO-5", 20, 12, -2.83, scoring.DETERIORATED, None),
    ],
)
def test_it_computes_reliable_and_clinically_significant_change(
    code: str, pre: int, post: int, rci: float, reliable: str, recovered: bool | None
) -> None:
    result = scoring.change(shipped_definition(code), pre, post)
    assert result.change == post - pre
    assert result.rci == rci
    assert result.reliable == reliable
    assert result.recovered is recovered


def test_the_reliable_change_threshold_in_points() -> None:
    assert scoring.change(shipped_definition("PHQ-9"), 10, 10).threshold == 5.98
    assert scoring.change(shipped_definition("WHO-5"), 10, 10).threshold == 5.54


def test_without_a_reliability_there_is_change_but_no_index() -> None:
    result = scoring.change(shipped_definition("PHQ-2"), 5, 1)
    assert (result.change, result.rci, result.reliable, result.recovered) == (-4, None, None, None)


def test_psychlops_has_no_cut_off_so_no_recovery() -> None:
    result = scoring.change(shipped_definition("PSYCHLOPS"), 16, 6)
    assert result.reliable == scoring.IMPROVED
    assert result.recovered is None
