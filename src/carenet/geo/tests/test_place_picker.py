"""The one place picker: a name or a P-code, "Which place do you mean?", htmx suggestions;
and map classes that give "nothing" a class of its own."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from carenet.geo.forms import PlaceField
from carenet.geo.maps import quantile_classes

pytestmark = pytest.mark.django_db


class Form(forms.Form):
    place = PlaceField(levels=(3,), country="UA")


@pytest.mark.parametrize("typed", ["Irpinska", "ірпінська", " ua3208015 ", "Ірпінська"])
def test_a_name_or_a_pcode_cleans_to_the_area(gazetteer: Any, typed: str) -> None:
    form = Form({"place": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"].pcode == "UA3208015"


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "Which place do you mean?"), ("uk", "Яке місце ви маєте на увазі?")],
)
def test_a_name_of_several_places_asks_which_one(
    gazetteer: Any, language: str, question: str
) -> None:
    with translation.override(language):
        form = Form({"place": "Mykolaivska"})
        assert not form.is_valid()
        assert form.errors["place"][0].startswith(
            "Several places" if language == "en" else "Кілька місць"
        )
        html = str(form["place"])
    assert question in html
    assert 'type="radio" name="place__choice" value="UA1202009"' in html
    picked = Form({"place": "Mykolaivska", "place__choice": "UA1202009"})
    assert picked.is_valid(), picked.errors
    assert picked.cleaned_data["place"].pcode == "UA1202009"


def test_what_does_not_fit_is_refused(gazetteer: Any) -> None:
    for typed, message in [
        ("UA3208999", "Unknown P-code: UA3208999"),
        ("Nowhereska", "No place is called “Nowhereska”"),
        ("UA32", "UA32 is not at a level this field accepts."),
        ("PL1465011", "is not in the expected country"),  # a gmina of Warsaw's powiat
    ]:
        form = Form({"place": typed})
        assert not form.is_valid()
        assert message in form.errors["place"][0], (typed, form.errors)
    forged = Form({"place": "Irpinska", "place__choice": "UA9999999"})
    assert not forged.is_valid()


def test_the_field_carries_an_htmx_autocomplete(gazetteer: Any) -> None:
    html = str(Form()["place"])
    assert 'hx-get="/places/pick?name=place&amp;levels=3&amp;country=UA"' in html
    assert 'hx-trigger="input changed delay:300ms"' in html


def test_the_suggestions_fragment(gazetteer: Any) -> None:
    url = reverse("geo:pick")
    page = Client().get(url, {"name": "area", "area": "Horodot", "levels": "3"}).content.decode()
    assert page.count('name="area__choice"') >= 5
    assert 'value="UA4606007"' in page
    uk = (
        Client()
        .get(url, {"name": "area", "area": "Nowhereska"}, HTTP_ACCEPT_LANGUAGE="uk")
        .content.decode()
    )
    assert "Жодне місце не відповідає" in uk
    assert Client().get(url, {"name": "<script>", "<script>": "Irp"}).content == b""
    assert Client().post(url).status_code == 405


def test_nothing_has_a_class_of_its_own_on_the_maps() -> None:
    """An oblast map where most oblasts have nothing had two classes, "0" and "3-6.9"."""
    values = [0.0] * 16 + [3.0, 3.5, 4.0, 4.4, 5.0, 5.5, 6.0, 6.5, 6.9]
    classes = quantile_classes(values)
    assert (classes[0].low, classes[0].high) == (0.0, 0.0)
    assert len(classes) == 5 and classes[1].low == 3.0 and classes[-1].high == 6.9
    assert len(quantile_classes([1.0, 2.0, 3.0, 4.0, 5.0])) == 5  # no zero: as before
