"""The one place picker: a form field that takes a place's name or its P-code.

    area = PlaceField(levels=(3,), country="UA", required=False)

"Irpinska", "ірпінська", "UA3208015" all clean to the same `AdminArea`. When a name fits
several places the form answers "Which place do you mean?" with the candidates as radio
buttons (no JavaScript needed); with JavaScript, htmx lists the candidates while the person
types (`geo:pick`, the same fragment). The picked P-code comes back as `<name>__choice`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from carenet.geo import queries
from carenet.geo.models import AdminArea
from carenet.geo.text import fold

CHOICE_SUFFIX = "__choice"
CANDIDATES = 8
_PCODE = re.compile(r"^\s*(UA|PL)\d*\s*$", re.IGNORECASE)


def choices_html(
    name: str, places: Sequence[AdminArea], chosen: str = "", text: str = ""
) -> SafeString:
    """The "Which place do you mean?" radio buttons (also the htmx fragment)."""
    return mark_safe(  # noqa: S308 - a template that escapes
        render_to_string(
            "geo/_place_choices.html",
            {"name": name + CHOICE_SUFFIX, "places": places, "chosen": chosen, "text": text},
        )
    )


class PlaceInput(forms.TextInput):
    """A text input that asks `geo:pick` for candidates as one types (htmx), with room
    for the candidates under it."""

    def __init__(self, *, levels: Sequence[int] | None = None, country: str | None = None,
                 attrs: dict[str, Any] | None = None) -> None:  # fmt: skip
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.levels, self.country = levels, country
        self.candidates: list[AdminArea] = []

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> Any:
        chosen = data.get(name + CHOICE_SUFFIX)
        return chosen or data.get(name)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:  # fmt: skip
        attrs = dict(attrs or {})
        box = f"{attrs.get('id') or name}-places"
        query = {"name": name}
        if self.levels:
            query["levels"] = ",".join(str(n) for n in self.levels)
        if self.country:
            query["country"] = self.country
        params = "&".join(f"{k}={v}" for k, v in query.items())
        attrs.update(
            {
                "hx-get": f"{reverse('geo:pick')}?{params}",
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{box}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "aria-controls": box,
            }
        )
        field = super().render(name, value, attrs, renderer)
        text = value.pcode if isinstance(value, AdminArea) else str(value or "")
        listed = choices_html(name, self.candidates, text=text) if self.candidates else ""
        return mark_safe(  # noqa: S308 - both parts escape their values
            f'{field}<div id="{box}" class="place-choices" aria-live="polite">{listed}</div>'
        )


class PlaceField(forms.CharField):
    """A place typed by name or P-code; cleans to the `AdminArea`. `levels`/`country`
    narrow what fits (and what is suggested)."""

    default_error_messages = {
        "unknown_pcode": _("Unknown P-code: %(code)s"),
        "unknown_name": _("No place is called “%(value)s”. Type another spelling or a P-code."),
        "ambiguous": _("Several places are called “%(value)s”: choose one below."),
        "wrong_level": _("%(code)s is not at a level this field accepts."),
        "wrong_country": _("%(code)s is not in the expected country."),
    }

    def __init__(self, *, levels: tuple[int, ...] | None = None, country: str | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("label", _("Place"))
        kwargs.setdefault("help_text", _("Its name or P-code, for example Irpinska or UA3208015."))
        kwargs.setdefault("widget", PlaceInput(levels=levels, country=country))
        super().__init__(**kwargs)
        self.levels, self.country = levels, country

    def prepare_value(self, value: Any) -> Any:
        return value.pcode if isinstance(value, AdminArea) else value

    def clean(self, value: Any) -> AdminArea | None:  # type: ignore[override]
        if isinstance(value, AdminArea):
            return self._fits(value)
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return self._fits(queries.area_by_pcode(text))
        except queries.UnknownPCode:
            if _PCODE.match(text):
                raise forms.ValidationError(
                    self.error_messages["unknown_pcode"], code="unknown_pcode",
                    params={"code": text.upper()},
                ) from None  # fmt: skip
        return self._by_name(text)

    def _by_name(self, text: str) -> AdminArea:
        found = queries.search_areas(text, CANDIDATES, country=self.country, levels=self.levels)
        folded = fold(text)
        same = [a for a in found if folded in {fold(a.name_en), fold(a.name_uk), fold(a.name_pl)}]
        if len(same) == 1 or len(found) == 1:
            return (same or found)[0]
        if not found:
            raise forms.ValidationError(
                self.error_messages["unknown_name"], code="unknown_name", params={"value": text}
            )
        if isinstance(self.widget, PlaceInput):
            self.widget.candidates = found
        raise forms.ValidationError(
            self.error_messages["ambiguous"], code="ambiguous", params={"value": text}
        )

    def _fits(self, area: AdminArea) -> AdminArea:
        if self.levels and area.level not in self.levels:
            raise forms.ValidationError(
                self.error_messages["wrong_level"], code="wrong_level",
                params={"code": area.pcode},
            )  # fmt: skip
        if self.country and area.country != self.country.upper():
            raise forms.ValidationError(
                self.error_messages["wrong_country"], code="wrong_country",
                params={"code": area.pcode},
            )  # fmt: skip
        return area


class PlacesField(forms.CharField):
    """Several places, by name or P-code, separated by commas (P-codes also by spaces), each
    read by `PlaceField`; cleans to the list of `AdminArea`s, in the order given, once each.
    A name that fits several places names the candidates with their P-codes."""

    default_error_messages = {
        "ambiguous": _("Several places are called “%(value)s”: write one of %(candidates)s."),
    }

    def __init__(self, *, levels: tuple[int, ...] | None = None, country: str | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("label", _("Places"))
        kwargs.setdefault(
            "help_text",
            _("Names or P-codes separated by commas, for example Irpinska, UA4606025."),
        )
        super().__init__(**kwargs)
        self.one = PlaceField(levels=levels, country=country)

    def clean(self, value: Any) -> list[AdminArea]:  # type: ignore[override]
        text = super().clean(value) or ""
        found: list[AdminArea] = []
        errors: list[forms.ValidationError] = []
        for item in _items(text):
            try:
                area = self._one(item)
            except forms.ValidationError as exc:
                errors.append(exc)
                continue
            if area not in found:
                found.append(area)
        if errors:
            raise forms.ValidationError(errors)
        return found

    def _one(self, item: str) -> AdminArea:
        try:
            return self.one.clean(item)  # type: ignore[return-value]  # required: never None
        except forms.ValidationError as exc:
            widget = self.one.widget
            if exc.code != "ambiguous" or not isinstance(widget, PlaceInput):
                raise
            candidates = ", ".join(f"{a.name} ({a.pcode})" for a in widget.candidates)
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous",
                params={"value": item, "candidates": candidates},
            ) from None  # fmt: skip


def _items(text: str) -> list[str]:
    """ "Irpinska, UA32 UA46" -> ["Irpinska", "UA32", "UA46"]: commas part names (which may
    hold spaces); spaces part P-codes only."""
    items: list[str] = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if all(_PCODE.match(w) for w in words):
            items += words
        else:
            items.append(" ".join(words))
    return items


# The name older forms import: the same picker.
PCodeField = PlaceField
