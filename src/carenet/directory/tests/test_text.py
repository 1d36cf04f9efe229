import pytest

from carenet.directory.text import codes, fold, words


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ЛЬВІВ", "Львів"),
        ("львiв", "Львів"),  # a Latin i typed on a Ukrainian keyboard
        ("lodz", "Łódź"),
        ("ZOLKIEWSKA", "Żółkiewska"),
        ("звязок", "Зв'язок"),
        ("звязок", "Звʼязок"),
        ("ганок", "ґанок"),
        ("самодопомога", "«Самодопомога Плюс»"),
    ],
)
def test_it_folds_case_diacritics_and_apostrophes_alike(typed: str, stored: str) -> None:
    assert fold(typed) in fold(stored) or fold(typed) == fold(stored)


def test_it_collapses_punctuation_and_drops_one_letter_words() -> None:
    assert fold("Kraków–Nowa  Huta!") == "krakow nowa huta"  # noqa: RUF001 - an en dash on purpose
    assert words("a CBT, w Łodzi") == ["cbt", "lodzi"]


def test_codes_are_delimited_so_a_prefix_never_matches() -> None:
    assert codes(["3.1", "3.10"]) == "|3.1|3.10|"
    assert "|3.1|" in codes(["3.1"]) and "|3.1|" not in codes(["3.10"])
    assert codes([]) == ""
