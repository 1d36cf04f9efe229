"""Forms of the directory: the public search, and the listings focal points edit."""

from __future__ import annotations

import re
from functools import partial
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.directory import reference
from carenet.directory.models import Service, ServiceStatus, Sex, Site
from carenet.directory.queries import Filters
from carenet.directory.services import SERVICE_FIELDS, SERVICE_M2M, SITE_FIELDS
from carenet.directory.text import fold
from carenet.geo.forms import PlaceField
from carenet.geo.models import AdminArea
from carenet.geo.queries import (
    UnknownPCode,
    area_by_pcode,
    areas_by_pcodes,
    search_areas,
)
from carenet.taxonomy.models import Term

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SCHEDULE_LINE = re.compile(
    r"^(?P<d1>[A-Z]{2})(?:\s*-\s*(?P<d2>[A-Z]{2}))?\s+"
    r"(?P<opens>\d{1,2}:\d{2})\s*-\s*(?P<closes>\d{1,2}:\d{2})$"
)


def term_choices(scheme: str) -> list[tuple[str, str]]:
    """(code, label) of a scheme's active terms in the active language, "" first."""
    return reference.term_list(scheme).choices


class TermChoiceField(forms.ChoiceField):
    """A term of one scheme, chosen and submitted by its code; cleans to the code."""

    def __init__(self, scheme: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=partial(term_choices, scheme), **kwargs)
        self.scheme = scheme

    def valid_value(self, value: Any) -> bool:
        return str(value) in reference.term_list(self.scheme).codes


class TermsField(forms.ModelMultipleChoiceField):
    def __init__(self, scheme: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(Term.objects.of(scheme), to_field_name="code", **kwargs)

    def label_from_instance(self, obj: Term) -> str:  # type: ignore[override]
        return obj.label


def resolve_place(text: str) -> tuple[AdminArea | None, list[AdminArea]]:
    """A place typed by a person: a P-code, or a name in any language. Returns the area when
    one fits, else the candidates to choose from."""
    text = (text or "").strip()
    if not text:
        return None, []
    area = reference.area(text)
    if area is not None:
        return area, []
    found = search_areas(text, limit=8)
    if len(found) == 1:
        return found[0], []
    # "Kyiv" is the city (level 1) before its district and hromada of the same name.
    wanted = fold(text)
    exact = [a for a in found if wanted in {fold(a.name_en), fold(a.name_uk), fold(a.name_pl)}]
    if exact and sum(a.level == exact[0].level for a in exact) == 1:
        return exact[0], []
    return None, found


class SearchForm(forms.Form):
    """The public search. Every field is optional; a bad value is ignored with a message."""

    q = forms.CharField(
        label=_("What are you looking for?"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    place = forms.CharField(
        label=_("Place (name or P-code)"),
        required=False,
        max_length=100,
        help_text=_("A region, district, community or town."),
    )
    activity = TermChoiceField("iasc-4w", label=_("Activity"))
    layer = TermChoiceField("pyramid-layer", label=_("Level of support"))
    intervention = TermChoiceField("intervention", label=_("Programme"))
    language = TermChoiceField("language", label=_("Language"))
    target_group = TermChoiceField("target-group", label=_("For whom"))
    delivery_mode = TermChoiceField("delivery-mode", label=_("How"))
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    free = forms.BooleanField(label=_("Free services only"), required=False)
    near = forms.BooleanField(
        label=_("Nearest first"),
        required=False,
        help_text=_("From your location, or else from the chosen place."),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=50, widget=forms.HiddenInput)

    place_choices: list[AdminArea]
    area: AdminArea | None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.area, self.place_choices = resolve_place(data.get("place") or "")
        if data.get("place") and self.area is None and not self.place_choices:
            self.add_error("place", _("No place with this name or P-code was found."))
        return data

    # The fields inside "More filters": it opens when one of them is set, and stays closed
    # otherwise, so that on a phone the results are not below a long panel of filters.
    MORE_FILTERS = (
        "layer", "activity", "intervention", "language", "target_group", "delivery_mode",
        "age", "free",
    )  # fmt: skip

    def uses_more_filters(self) -> bool:
        if not self.is_bound:
            return False
        data = getattr(self, "cleaned_data", {})
        return any(
            data.get(name) not in (None, "", False) or name in self.errors
            for name in self.MORE_FILTERS
        )

    def is_empty(self) -> bool:
        """Nothing asked yet (the first visit): no search runs."""
        return self.point() is None and not any(
            v not in (None, "", False)
            for k, v in self.cleaned_data.items()
            if k not in ("page", "lat", "lon", "near")
        )

    def point(self) -> tuple[float, float] | None:
        data = self.cleaned_data
        if not data.get("near"):
            return None
        if data.get("lat") is not None and data.get("lon") is not None:
            return data["lat"], data["lon"]
        if self.area is not None:
            return self.area.reference_point
        return None

    def uses_place_as_origin(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("near") and self.area is not None and data.get("lat") is None)

    def filters(self) -> Filters:
        data = self.cleaned_data
        code = lambda name: data.get(name) or None  # noqa: E731
        return Filters(
            text=data.get("q") or "",
            # "Nearest first" from a chosen place: the place is where distances start,
            # not a boundary (services just across it are near too).
            area=None if self.uses_place_as_origin() else self.area,
            origin=self.area if self.uses_place_as_origin() else None,
            activity_codes=(data["activity"],) if data.get("activity") else (),
            layer=code("layer"),
            intervention=code("intervention"),
            language=code("language"),
            target_group=code("target_group"),
            delivery_mode=code("delivery_mode"),
            age=data.get("age"),
            free_only=bool(data.get("free")),
            near=self.point(),
        )


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [f for f in SITE_FIELDS if f != "area"]
        widgets = {
            "directions": forms.Textarea(attrs={"rows": 2}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }

    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    pcode = forms.CharField(
        label=_("Area P-code"),
        max_length=20,
        help_text=_("The hromada / gmina (or settlement) P-code."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["pcode"].initial = self.instance.area.pcode

    def clean_pcode(self) -> AdminArea:
        try:
            return area_by_pcode(self.cleaned_data["pcode"])
        except UnknownPCode as exc:
            raise ValidationError(exc.messages) from exc

    def site_data(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["area"] = self.cleaned_data["pcode"]
        return data


def parse_schedule(text: str) -> list[dict[str, str]]:
    """ "MO-FR 09:00-17:00" lines into [{"day": "MO", "opens": "09:00", ...}, ...]."""
    entries = []
    for n, raw in enumerate(text.strip().splitlines(), start=1):
        line = raw.strip().upper()
        if not line:
            continue
        m = _SCHEDULE_LINE.match(line)
        if not m or m["d1"] not in DAYS or (m["d2"] and m["d2"] not in DAYS):
            raise ValidationError(_("Line %(n)s: write e.g. “MO-FR 09:00-17:00”."), params={"n": n})
        first = DAYS.index(m["d1"])
        last = DAYS.index(m["d2"]) if m["d2"] else first
        opens, closes = (f"{int(t[:-3]):02d}{t[-3:]}" for t in (m["opens"], m["closes"]))
        if last < first or closes <= opens or closes > "24:00":
            raise ValidationError(
                _("Line %(n)s: the days or hours are out of order."), params={"n": n}
            )
        entries += [{"day": d, "opens": opens, "closes": closes} for d in DAYS[first : last + 1]]
    return entries


def format_schedule(entries: list[dict[str, str]]) -> str:
    return "\n".join(f"{e['day']} {e['opens']}-{e['closes']}" for e in entries)


class ServiceForm(forms.ModelForm):
    """A service listing of one organisation; its sites are chosen among that organisation's
    sites only, so a forged site id of another organisation is rejected as an invalid choice."""

    class Meta:
        model = Service
        fields = [f for f in SERVICE_FIELDS if f not in ("schedule", "last_verified")]
        field_classes = {"url": partial(forms.URLField, assume_scheme="https")}
        widgets = {
            f"description_{lang}": forms.Textarea(attrs={"rows": 3}) for lang in ("en", "uk", "pl")
        } | {
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "how_to_apply": forms.Textarea(attrs={"rows": 2}),
        }

    activities = TermsField("iasc-4w", label=_("IASC 4W activities"))
    interventions = TermsField(
        "intervention", label=_("Named interventions"), widget=forms.CheckboxSelectMultiple
    )
    target_groups = TermsField(
        "target-group", label=_("Target groups"), widget=forms.CheckboxSelectMultiple
    )
    languages = TermsField("language", label=_("Languages"), widget=forms.CheckboxSelectMultiple)
    delivery_modes = TermsField(
        "delivery-mode", label=_("Delivery modes"), widget=forms.CheckboxSelectMultiple
    )
    site_choices = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(),
        required=False,
        to_field_name="uuid",
        label=_("Delivered at"),
        widget=forms.CheckboxSelectMultiple,
    )
    service_areas = forms.CharField(
        label=_("Areas covered remotely (P-codes)"),
        required=False,
        max_length=2000,
        help_text=_("For phone, online or mobile services: P-codes separated by spaces."),
    )
    schedule_text = forms.CharField(
        label=_("Weekly hours"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line per day or range of days, e.g. “MO-FR 09:00-17:00”."),
    )
    verified = forms.BooleanField(
        label=_("I confirm this listing is correct today"), required=False
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layer = cast(forms.ModelChoiceField, self.fields["layer"])
        layer.queryset = Term.objects.of("pyramid-layer")
        layer.to_field_name = "code"
        layer.label_from_instance = lambda t: t.label  # type: ignore[assignment, method-assign]
        sites = cast(forms.ModelMultipleChoiceField, self.fields["site_choices"])
        sites.queryset = Site.objects.filter(organisation=organisation)
        self.fields["status"].initial = ServiceStatus.ACTIVE
        self.fields["sex"].initial = Sex.ANY
        if self.instance.pk:
            for name in SERVICE_M2M:
                self.fields[name].initial = list(getattr(self.instance, name).all())
            self.fields["site_choices"].initial = list(self.instance.sites.all())
            self.fields["service_areas"].initial = " ".join(
                self.instance.areas.values_list("area__pcode", flat=True)
            )
            self.fields["schedule_text"].initial = format_schedule(self.instance.schedule)

    def clean_service_areas(self) -> list[AdminArea]:
        codes = self.cleaned_data["service_areas"].replace(",", " ").split()
        found = areas_by_pcodes(codes)
        unknown = [c for c in codes if c.strip().upper() not in found]
        if unknown:
            raise ValidationError(
                _("Unknown P-codes: %(codes)s"), params={"codes": ", ".join(unknown[:10])}
            )
        return list(found.values())

    def clean_schedule_text(self) -> list[dict[str, str]]:
        return parse_schedule(self.cleaned_data["schedule_text"])

    def service_data(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["schedule"] = self.cleaned_data["schedule_text"]
        if self.cleaned_data.get("verified"):
            data["last_verified"] = timezone.localdate()
        return data

    def m2m(self) -> dict[str, list[Term]]:
        return {name: list(self.cleaned_data[name]) for name in SERVICE_M2M}

    def sites(self) -> list[Site]:
        return list(self.cleaned_data["site_choices"])

    def areas(self) -> list[AdminArea]:
        return self.cleaned_data["service_areas"]


class DraftPublishForm(forms.Form):
    """Publishing a draft an import kept for review: the place it serves, when the import
    could not place it (a name or P-code, through the one place picker)."""

    area = PlaceField(
        label=_("Where the service is offered"),
        required=False,
        error_messages={"required": _("Choose the place where the service is offered.")},
        help_text=_(
            "A hromada, raion, oblast, gmina or voivodeship: its name or P-code, for example "
            "Irpinska or UA3208015. The service is listed for this area."
        ),
    )

    def __init__(self, *args: Any, placed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a draft with no site and no service area cannot be published without a place
        self.fields["area"].required = not placed
        if placed:
            self.fields["area"].label = _("Also offered in (optional)")
