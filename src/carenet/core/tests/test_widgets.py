"""The one date input: `<input type="date">` with an ISO value in every language."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import translation

from carenet.core.widgets import DateInput


class _Form(forms.Form):
    day = forms.DateField(widget=DateInput(attrs={"min": "2026-01-01"}))


def test_it_renders_a_date_input_with_an_iso_value_in_every_language() -> None:
    for language in ("en", "uk", "pl"):
        with translation.override(language):
            html = str(_Form(initial={"day": datetime.date(2026, 11, 3)})["day"])
        assert 'type="date"' in html
        assert 'value="2026-11-03"' in html
        assert 'min="2026-01-01"' in html


def test_it_reads_back_what_the_browser_sends() -> None:
    with translation.override("uk"):
        form = _Form({"day": "2026-11-03"})
        assert form.is_valid()
    assert form.cleaned_data["day"] == datetime.date(2026, 11, 3)


def test_a_malformed_date_is_a_form_error_not_a_crash() -> None:
    form = _Form({"day": "2026-13-45"})
    assert not form.is_valid() and "day" in form.errors
