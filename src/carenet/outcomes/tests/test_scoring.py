"""Worked examples, computed by hand, for every instrument and every band edge.

These read the instrument files shipped in the repo (no database): what is tested is what
`carenet load-instruments` loads.
"""

from __future__ import annotations

import pytest

from carenet.outcomes import scoring
from carenet.outcomes.loaders import shipped_definition

# (instrument, answers, total, band, safety reasons). Each band's lowest and highest total
# appears once; the sums are written out so they can be checked by eye.
WORKED = [
    # PHQ-9: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe
    ("PHQ-9", [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, "minimal", ()),
    ("PHQ-9", [1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal", ()),  # 1+1+1+1
    ("PHQ-9", [1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild", ()),
    ("PHQ-9", [3, 3, 3, 0, 0, 0, 0, 0, 0], 9, "mild", ()),
    ("PHQ-9", [3, 3, 3, 1, 0, 0, 0, 0, 0], 10, "moderate", ()),
    ("PHQ-9", [2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate", ()),
    ("PHQ-9", [2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "moderately-severe", ()),
    ("PHQ-9", [3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "moderately-severe", ()),
    ("PHQ-9", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe", ()),
    ("PHQ-9", [3, 3, 3, 3, 3, 3, 3, 3, 3], 27, "severe", ("item9",)),
    ("PHQ-9", [0, 0, 0, 0, 0, 0, 0, 0, 1], 1, "minimal", ("item9",)),  # item 9 above 0
    # GAD-7: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe
    ("GAD-7", [0, 0, 0, 0, 0, 0, 0], 0, "minimal", ()),
    ("GAD-7", [2, 2, 0, 0, 0, 0, 0], 4, "minimal", ()),
    ("GAD-7", [2, 2, 1, 0, 0, 0, 0], 5, "mild", ()),
    ("GAD-7", [3, 3, 3, 0, 0, 0, 0], 9, "mild", ()),
    ("GAD-7", [3, 3, 3, 1, 0, 0, 0], 10, "moderate", ()),
    ("GAD-7", [2, 2, 2, 2, 2, 2, 2], 14, "moderate", ()),
    ("GAD-7", [3, 2, 2, 2, 2, 2, 2], 15, "severe", ()),
    ("GAD-7", [3, 3, 3, 3, 3, 3, 3], 21, "severe", ()),
    # PHQ-2 and GAD-2: 0-2 negative, 3-6 positive
    ("PHQ-2", [0, 0], 0, "negative", ()),
    ("PHQ-2", [1, 1], 2, "negative", ()),
    ("PHQ-2", [2, 1], 3, "positive", ()),
    ("PHQ-2", [3, 3], 6, "positive", ()),
    ("GAD-2", [0, 0], 0, "negative", ()),
    ("GAD-2", [0, 2], 2, "negative", ()),
    ("GAD-2", [3, 0], 3, "positive", ()),
    ("GAD-2", [3, 3], 6, "positive", ()),
    # WHO-5 (raw): 0-7 likely depression, 8-12 poor, 13-25 adequate; percent = raw × 4
    ("WHO-5", [0, 0, 0, 0, 0], 0, "likely-depression", ()),
    ("WHO-5", [2, 2, 1, 1, 1], 7, "likely-depression", ()),
    ("WHO-5", [2, 2, 2, 1, 1], 8, "poor", ()),
    ("WHO-5", [3, 3, 2, 2, 2], 12, "poor", ()),
    ("WHO-5", [3, 3, 3, 2, 2], 13, "adequate", ()),
    ("WHO-5", [5, 5, 5, 5, 5], 25, "adequate", ()),
    # K10 (ABS, items 1-5): 10-15 low, 16-21 moderate, 22-29 high, 30-50 very high (flag)
    ("K10", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 10, "low", ()),
    ("K10", [2, 2, 2, 2, 2, 1, 1, 1, 1, 1], 15, "low", ()),
    ("K10", [2, 2, 2, 2, 2, 2, 1, 1, 1, 1], 16, "moderate", ()),
    ("K10", [3, 3, 3, 2, 2, 2, 2, 2, 1, 1], 21, "moderate", ()),
    ("K10", [3, 3, 3, 3, 2, 2, 2, 2, 1, 1], 22, "high", ()),
    ("K10", [3, 3, 3, 3, 3, 3, 3, 3, 3, 2], 29, "high", ()),
    ("K10", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 30, "very-high", ("top-band",)),
    ("K10", [5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 50, "very-high", ("top-band",)),
    # K6 (items 0-4): 0-4 low, 5-12 moderate, 13-24 serious (no safety rule)
    ("K6", [0, 0, 0, 0, 0, 0], 0, "low", ()),
    ("K6", [1, 1, 1, 1, 0, 0], 4, "low", ()),
    ("K6", [1, 1, 1, 1, 1, 0], 5, "moderate", ()),
    ("K6", [2, 2, 2, 2, 2, 2], 12, "moderate", ()),
    ("K6", [3, 2, 2, 2, 2, 2], 13, "serious", ()),
    ("K6", [4, 4, 4, 4, 4, 4], 24, "serious", ()),
    # PCL-5 (20 items 0-4): 0-32 below the cut-point, 33-80 at or above (flag)
    ("PCL-5", [0] * 20, 0, "below-cut", ()),
    ("PCL-5", [2] * 16 + [0] * 4, 32, "below-cut", ()),
    ("PCL-5", [2] * 16 + [1] + [0] * 3, 33, "probable-ptsd", ("top-band",)),
    ("PCL-5", [4] * 20, 80, "probable-ptsd", ("top-band",)),
    # PSYCHLOPS: four questions 0-5, total 0-20, no bands
    ("PSYCHLOPS", [0, 0, 0, 0], 0, None, ()),
    ("PSYCHLOPS", [5, 4, 3, 2], 14, None, ()),
    ("PSYCHLOPS", [5, 5, 5, 5], 20, None, ()),
]


def _as_map(answers: list[int | None]) -> dict[int, int | None]:
    return dict(enumerate(answers, start=1))


@pytest.mark.parametrize(("code", "answers", "total", "band", "reasons"), WORKED)
def test_it_scores_the_worked_example(
    code: str, answers: list[int], total: int, band: str | None, reasons: tuple[str, ...]
) -> None:
    result = scoring.score(shipped_definition(code), _as_map(answers))
    assert result.complete
    assert result.total == total == sum(answers)
    assert (result.band.code if result.band else None) == band
    assert result.safety_reasons == reasons


def test_every_band_edge_of_every_instrument_is_in_the_worked_examples() -> None:
    edges = {(code, total) for code, _a, total, _b, _r in WORKED}
    for code in {w[0] for w in WORKED}:
        for band in shipped_definition(code).bands:
            assert (code, band.low) in edges, f"{code} {band.code} low edge"
            assert (code, band.high) in edges, f"{code} {band.code} high edge"


def test_who5_percentage_is_raw_times_four() -> None:
    result = scoring.score(shipped_definition("WHO-5"), _as_map([3, 3, 3, 2, 2]))
    assert (result.total, result.percent) == (13, 52)
    assert result.line() == "13 (52%) adequate"


def test_phq9_line_names_the_safety_item() -> None:
    result = scoring.score(shipped_definition("PHQ-9"), _as_map([3, 3, 0, 1, 2, 0, 1, 0, 1]))
    assert result.line() == "11 moderate SAFETY:item9"


def test_an_incomplete_questionnaire_is_not_scored_and_names_what_is_missing() -> None:
    result = scoring.score(shipped_definition("GAD-7"), _as_map([1, 1, None, 1, 1, 1]))
    assert not result.complete
    assert result.total is None and result.band is None
    assert result.missing == (3, 7)
    assert "3, 7" in result.line()


@pytest.mark.parametrize("bad", [4, -1, 9])
def test_an_answer_outside_the_options_is_refused(bad: int) -> None:
    with pytest.raises(scoring.InvalidAnswer, match="not one of the answers"):
        scoring.score(shipped_definition("PHQ-9"), _as_map([0, 0, 0, bad, 0, 0, 0, 0, 0]))


def test_k10_answers_start_at_one() -> None:
    with pytest.raises(scoring.InvalidAnswer):
        scoring.score(shipped_definition("K10"), _as_map([0] * 10))


def test_an_unknown_item_is_refused() -> None:
    with pytest.raises(scoring.InvalidAnswer, match="no item 3"):
        scoring.score(shipped_definition("PHQ-2"), {1: 0, 2: 0, 3: 0})


def test_a_whodas_total_is_entered_not_summed() -> None:
    definition = shipped_definition("WHODAS-12")
    assert scoring.score_total(definition, 12).total == 12
    assert scoring.score_total(definition, 60).line() == "60 -"
    with pytest.raises(scoring.InvalidAnswer):
        scoring.score_total(definition, 61)
    with pytest.raises(scoring.InvalidAnswer):
        scoring.score(definition, {1: 1})


def test_reverse_scored_items_are_turned_round() -> None:
    data = {
        "code": "T-2",
        "scoring": {"method": "sum", "range": [0, 6]},
        "options": [{"value": v} for v in range(4)],
        "items": [{"n": 1}, {"n": 2, "reverse": True}],
    }
    definition = scoring.Definition.from_data(data)
    assert scoring.score(definition, {1: 3, 2: 0}).total == 6  # 3 + (3 - 0)
    assert scoring.score(definition, {1: 0, 2: 3}).total == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scoring": {"method": "sum", "range": [0, 7]}}, "range"),
        (
            {"bands": [{"code": "a", "low": 0, "high": 2}, {"code": "b", "low": 4, "high": 6}]},
            "gap",
        ),
        ({"bands": [{"code": "a", "low": 1, "high": 6}]}, "cover"),
        ({"safety": {"items": [5], "above": 0}}, "safety item"),
        ({"scoring": {"method": "mean", "range": [0, 6]}}, "method"),
    ],
)
def test_an_inconsistent_definition_is_refused(change: dict, message: str) -> None:
    data = {
        "code": "T-2",
        "scoring": {"method": "sum", "range": [0, 6]},
        "options": [{"value": v} for v in range(4)],
        "items": [{"n": 1}, {"n": 2}],
        **change,
    }
    with pytest.raises(scoring.InvalidDefinition, match=message):
        scoring.Definition.from_data(data)


def test_parse_answers_keeps_blanks_as_unanswered() -> None:
    assert scoring.parse_answers("3, ,0,-") == {1: 3, 2: None, 3: 0, 4: None}
    with pytest.raises(scoring.InvalidAnswer, match="not a number"):
        scoring.parse_answers("3,x")
