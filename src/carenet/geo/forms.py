"""Form fields that name a place by P-code, checked against the loaded gazetteer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from carenet.geo import queries
from carenet.geo.models import AdminArea


class PCodeField(forms.CharField):
    """A P-code typed or picked (`/places/search` feeds pick-lists); cleans to the
    `AdminArea`, or fails with "Unknown P-code: …". `levels`/`country` narrow what fits."""

    default_error_messages = {
        "wrong_level": _("%(code)s is not at a level this field accepts."),
        "wrong_country": _("%(code)s is not in the expected country."),
    }

    def __init__(self, *, levels: tuple[int, ...] | None = None, country: str | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("Place (P-code)"))
        super().__init__(**kwargs)
        self.levels, self.country = levels, country

    def prepare_value(self, value: Any) -> Any:
        return value.pcode if isinstance(value, AdminArea) else value

    def clean(self, value: Any) -> AdminArea | None:  # type: ignore[override]
        code = super().clean(value)
        if not code:
            return None
        area = queries.area_by_pcode(code)
        if self.levels and area.level not in self.levels:
            raise forms.ValidationError(
                self.error_messages["wrong_level"], code="wrong_level",
                params={"code": area.pcode},
            )  # fmt: skip
        if self.country and area.country != self.country:
            raise forms.ValidationError(
                self.error_messages["wrong_country"], code="wrong_country",
                params={"code": area.pcode},
            )  # fmt: skip
        return area
