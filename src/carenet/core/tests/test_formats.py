"""Dates: day first in English (23 Nov 2026, 23/11/2026); Ukrainian and Polish as Django has
them; date inputs accept ISO, as a browser's date picker sends it, and day first."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import get_format

DAY = dt.date(2026, 11, 23)
MOMENT = dt.datetime(2026, 11, 23, 14, 30, tzinfo=ZoneInfo("Europe/Kyiv"))


def _render(source: str, language: str) -> str:
    with translation.override(language):
        return Template(source).render(Context({"day": DAY, "moment": MOMENT}))


def test_english_dates_are_day_first():
    assert _render('{{ day|date:"DATE_FORMAT" }}', "en") == "23 Nov 2026"
    assert _render('{{ day|date:"SHORT_DATE_FORMAT" }}', "en") == "23/11/2026"
    assert _render("{{ day }}", "en") == "23 Nov 2026"
    assert _render('{{ moment|date:"DATETIME_FORMAT" }}', "en") == "23 Nov 2026, 14:30"
    assert _render('{{ moment|date:"SHORT_DATETIME_FORMAT" }}', "en") == "23/11/2026 14:30"
    assert _render('{{ moment|time:"TIME_FORMAT" }}', "en") == "14:30"
    assert "11/23" not in _render('{{ day|date:"SHORT_DATE_FORMAT" }} {{ day }}', "en")


@pytest.mark.parametrize(("language", "short"), [("uk", "23.11.2026"), ("pl", "23-11-2026")])
def test_ukrainian_and_polish_keep_djangos_formats(language, short):
    assert _render('{{ day|date:"SHORT_DATE_FORMAT" }}', language) == short
    djangos = import_module(f"django.conf.locale.{language}.formats")
    for name in ("DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"):
        assert get_format(name, language) == getattr(djangos, name)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-23", DAY),  # what <input type="date"> sends
        ("23/11/2026", DAY),
        ("23/11/26", DAY),
        ("23 Nov 2026", DAY),
        ("02/03/2026", dt.date(2026, 3, 2)),  # 2 March, not 3 February
    ],
)
def test_english_date_input_accepts_iso_and_day_first(typed, expected):
    with translation.override("en"):
        assert forms.DateField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["11/23/2026", "2026-13-01", "31/02/2026", "23-11-2026x"])
def test_english_date_input_refuses_month_first_and_nonsense(typed):
    with translation.override("en"), pytest.raises(forms.ValidationError):
        forms.DateField().clean(typed)


@pytest.mark.parametrize("language", ["en", "uk", "pl"])
def test_iso_dates_parse_in_every_language(language):
    with translation.override(language):
        assert forms.DateField().clean("2026-11-23") == DAY
        assert forms.DateTimeField().clean("2026-11-23T14:30") == MOMENT


@pytest.mark.parametrize("language", ["en", "uk", "pl"])
def test_date_pickers_show_their_value_in_iso(language):
    # A DateInput without a format of its own shows its value in the first input format;
    # a browser's date picker understands only ISO (and stays empty otherwise).
    with translation.override(language):
        html = forms.DateInput(attrs={"type": "date"}).render("day", DAY)
        local = forms.DateTimeInput(attrs={"type": "datetime-local"}).render("at", MOMENT)
    assert 'value="2026-11-23"' in html
    assert 'value="2026-11-23 14:30:00"' in local  # a space or a T: both are valid


@pytest.mark.parametrize(
    ("language", "typed"), [("uk", "23.11.2026"), ("pl", "23.11.2026"), ("pl", "23.11.26")]
)
def test_ukrainian_and_polish_date_input_still_accepts_day_first(language, typed):
    with translation.override(language):
        assert forms.DateField().clean(typed) == DAY
