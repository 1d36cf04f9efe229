"""The one date input of the project.

`<input type="date">` sends its value as ISO (2026-11-23) and shows only an ISO value, in
the browser's own calendar and the user's language; so the value is always written as ISO,
whatever the language's date formats say.
"""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """`<input type="date">` with an ISO value; use it for every date field."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
