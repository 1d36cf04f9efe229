from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation

from carenet.geo.forms import PCodeField
from carenet.geo.nav import items
from carenet.geo.text import fold


class PlaceForm(forms.Form):
    place = PCodeField(levels=(3,), country="UA")
    anywhere = PCodeField(required=False)


def test_a_pcode_field_cleans_to_the_area(gazetteer: Any) -> None:
    form = PlaceForm({"place": " ua0502001", "anywhere": ""})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"].name_en == "Ahronomichna"
    assert form.cleaned_data["anywhere"] is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("UA0502999", "Unknown P-code: UA0502999"),
        ("UA05", "UA05 is not at a level this field accepts."),
        ("PL0201011", "PL0201011 is not in the expected country."),
    ],
)
def test_a_pcode_field_refuses_what_does_not_fit(gazetteer: Any, value: str, message: str) -> None:
    form = PlaceForm({"place": value})

    assert not form.is_valid()
    assert form.errors["place"] == [message]


def test_a_pcode_field_speaks_ukrainian(gazetteer: Any) -> None:
    with translation.override("uk"):
        form = PlaceForm({"place": "UA0000000"})
        assert form.errors["place"] == ["Невідомий P-код: UA0000000"]


def test_a_pcode_field_checks_the_country(gazetteer: Any) -> None:
    class PolishForm(forms.Form):
        place = PCodeField(country="PL")

    assert PolishForm({"place": "UA05"}).errors["place"] == ["UA05 is not in the expected country."]


def test_fold_drops_case_diacritics_and_apostrophes() -> None:
    assert fold("  ŁÓDŹ  Kraków ") == "lodz krakow"
    apostrophes = [fold(f"Кам{a}янець") for a in ("\u2019", "'", "\u02bc")]
    assert apostrophes == ["камянець"] * 3
    assert fold("Київ") == fold("Киів")


def test_places_are_offered_to_signed_in_people(people: Any, rf: Any) -> None:
    request = rf.get("/")
    request.user = people.viewer

    entry = items(request)[0]
    assert entry.url == "/places/" and not entry.in_menu
