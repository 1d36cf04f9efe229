"""The readiness scoring rules, against worked examples computed by hand (see README.md)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from carenet.community import scoring

D2006 = [
    scoring.Dimension(c, letter, c)
    for letter, c in zip(
        "ABCDEF",
        [
            "efforts",
            "knowledge-of-efforts",
            "leadership",
            "climate",
            "knowledge-of-issue",
            "resources",
        ],
        strict=True,
    )
]
D2014 = [
    scoring.Dimension(c, letter, c)
    for letter, c in zip(
        "ABCDE",
        ["knowledge-of-efforts", "leadership", "climate", "knowledge-of-issue", "resources"],
        strict=True,
    )
]


def result(dimensions: list[scoring.Dimension], rows: list[list[str]]) -> scoring.ReadinessResult:
    """rows: one list per interview, one consensus score per dimension ("" = missing)."""
    interviews = list(range(len(rows)))
    consensus = {
        (i, d.code): Decimal(v)
        for i, row in enumerate(rows)
        for d, v in zip(dimensions, row, strict=True)
        if v
    }
    return scoring.compute(dimensions, interviews, consensus)


def test_it_scores_the_worked_example_of_the_readme() -> None:
    # Example 1: three interviews, 2006 edition.
    r = result(
        D2006,
        [
            ["4", "3", "5", "4.5", "3", "6"],
            ["5", "3.5", "5", "4", "3", "5"],
            ["4.5", "2", "6", "4", "4", "5.5"],
        ],
    )
    assert [d.score for d in r.dimensions] == [
        Fraction(9, 2),
        Fraction(17, 6),
        Fraction(16, 3),
        Fraction(25, 6),
        Fraction(10, 3),
        Fraction(11, 2),
    ]
    assert [d.stage for d in r.dimensions] == [4, 2, 5, 4, 3, 5]
    assert r.overall == Fraction(77, 18)  # 4.2777...
    assert r.stage == 4
    assert r.overall_shown == Decimal("4.27")  # cut, not rounded to 4.28
    assert r.complete


def test_it_never_rounds_up_4_83_to_stage_5() -> None:
    r = result(D2006, [["5", "4", "5", "4", "4.5", "6"], ["5", "5", "6", "4", "5.5", "4"]])
    assert [d.shown for d in r.dimensions] == [
        Decimal(x) for x in ("5", "4.5", "5.5", "4", "5", "5")
    ]
    assert r.overall == Fraction(29, 6)
    assert r.overall_shown == Decimal("4.83")
    assert r.stage == 4


def test_it_keeps_4_99_in_stage_4() -> None:
    # five interviews, all 5 except three consensus scores of 4.9: 149.7 / 30 = 4.99
    rows = [["5"] * 6 for _ in range(5)]
    rows[0][0] = rows[1][2] = rows[4][5] = "4.9"
    r = result(D2006, rows)
    assert r.overall == Fraction("4.99")
    assert r.overall_shown == Decimal("4.99")
    assert r.stage == 4


def test_it_puts_exactly_5_in_stage_5() -> None:
    r = result(D2006, [["5"] * 6, ["4", "6", "5", "5", "5", "5"]])
    assert r.overall == 5
    assert r.stage == 5
    assert r.overall_shown == Decimal("5.00")


def test_exact_arithmetic_when_floats_would_drop_a_stage() -> None:
    # 7.3 + 4.1 + 3.6 = 15 exactly; in floats the mean is 4.999999999999999.
    assert int((7.3 + 4.1 + 3.6) / 3) == 4
    r = result(
        D2006,
        [
            ["7.3", "1", "1", "1", "1", "1"],
            ["4.1", "1", "1", "1", "1", "1"],
            ["3.6", "1", "1", "1", "1", "1"],
        ],
    )
    assert r.dimensions[0].score == 5
    assert r.dimensions[0].stage == 5


def test_the_2014_edition_averages_five_dimensions() -> None:
    r = result(D2014, [["3", "4", "5", "6", "7"]])
    assert len(r.dimensions) == 5
    assert r.overall == 5
    assert r.stage == 5


def test_the_top_of_the_scale_is_stage_9_and_the_bottom_stage_1() -> None:
    assert result(D2006, [["9"] * 6]).stage == 9
    assert result(D2006, [["1"] * 6]).stage == 1
    assert scoring.stage_of(Fraction(1999, 1000)) == 1


def test_a_dimension_averages_only_the_interviews_that_scored_it() -> None:
    r = result(D2006, [["4", "4", "4", "4", "4", "4"], ["6", "", "4", "4", "4", "4"]])
    assert r.dimensions[0].score == 5
    assert r.dimensions[1].score == 4
    assert r.dimensions[1].interviews_scored == 1
    assert not r.complete
    assert r.stage == 4  # (5 + 4 + 4 + 4 + 4 + 4) / 6 = 4.1666...


def test_there_is_no_overall_until_every_dimension_has_a_score() -> None:
    r = result(D2006, [["4", "4", "4", "4", "4", ""]])
    assert r.overall is None
    assert r.stage is None
    assert result(D2006, []).overall is None


def test_the_lowest_dimension_comes_first() -> None:
    r = result(D2006, [["6", "2", "5", "2", "7", "3"]])
    assert [d.letter for d in r.lowest_first()] == ["B", "D", "F", "C", "A", "E"]


@pytest.mark.parametrize("value", [0, 10, -1, 4.5, "5", True])
def test_a_scorer_score_outside_the_whole_numbers_1_to_9_is_refused(value: object) -> None:
    with pytest.raises(scoring.ScoreError):
        scoring.check_scorer_score(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["0.9", "9.1", "10", "4.55", "NaN", "-5"])
def test_a_consensus_outside_1_to_9_or_with_two_decimals_is_refused(value: str) -> None:
    with pytest.raises(scoring.ScoreError):
        scoring.check_consensus(Decimal(value))


@pytest.mark.parametrize("value", ["1", "4.5", "9.0", "6.3"])
def test_a_consensus_with_one_decimal_is_accepted(value: str) -> None:
    assert scoring.check_consensus(Decimal(value)) == Decimal(value)
