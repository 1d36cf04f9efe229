"""Plain POST forms with stable URLs (an offline mode will post these same forms)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.core.widgets import DateInput
from carenet.outcomes.models import HEADCOUNT_FIELDS, DeliveryKind, Instrument, Timepoint
from carenet.taxonomy import queries as taxonomy

DATE = DateInput()


class DeliveryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DeliveryKind.choices)
    intervention = forms.ChoiceField(label=_("Intervention"))
    site = forms.ChoiceField(label=_("Site"))
    activity_code = forms.ChoiceField(
        label=_("4W activity code"),
        required=False,
        help_text=_("Leave blank to use the intervention's usual code."),
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    programme = forms.CharField(label=_("Programme (optional)"), max_length=120, required=False)
    started_on = forms.DateField(label=_("Started on"), widget=DATE, initial=timezone.localdate)
    planned_sessions = forms.IntegerField(
        label=_("Planned sessions"), min_value=1, max_value=100, initial=5
    )
    count_f_0_17 = forms.IntegerField(label=_("Girls 0-17"), min_value=0, required=False)
    count_m_0_17 = forms.IntegerField(label=_("Boys 0-17"), min_value=0, required=False)
    count_f_18_59 = forms.IntegerField(label=_("Women 18-59"), min_value=0, required=False)
    count_m_18_59 = forms.IntegerField(label=_("Men 18-59"), min_value=0, required=False)
    count_f_60 = forms.IntegerField(label=_("Women 60+"), min_value=0, required=False)
    count_m_60 = forms.IntegerField(label=_("Men 60+"), min_value=0, required=False)

    def __init__(self, *args: Any, sites: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intervention"].choices = taxonomy.choices("intervention")  # type: ignore[attr-defined]
        self.fields["site"].choices = sites  # type: ignore[attr-defined]
        self.fields["activity_code"].choices = [("", "—"), *taxonomy.choices(taxonomy.FOUR_W)]  # type: ignore[attr-defined]

    def headcount(self) -> dict[str, int]:
        return {k: self.cleaned_data.get(k) or 0 for k in HEADCOUNT_FIELDS}


class ParticipantForm(forms.Form):
    client_code = forms.CharField(
        label=_("Client code"),
        max_length=12,
        help_text=_("The code of a client your organisation registered, e.g. CN-7K3P-Q9."),
    )


class AttendanceForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE, initial=timezone.localdate)
    duration_minutes = forms.IntegerField(
        label=_("Minutes (optional)"), min_value=1, max_value=600, required=False
    )
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, participants: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(p.uuid), p.client_code) for p in participants]  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE, initial=timezone.localdate)


class DropOutForm(forms.Form):
    on = forms.DateField(label=_("Dropped out on"), widget=DATE, initial=timezone.localdate)


class QuestionnaireForm(forms.Form):
    """One radio group per item; blank items are allowed (the questionnaire is then kept as
    incomplete). An answer outside the options is refused by the scoring module, whose
    message the view shows."""

    timepoint = forms.ChoiceField(label=_("Time point"), choices=Timepoint.choices)
    taken_on = forms.DateField(label=_("Taken on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        definition = instrument.definition
        lang = _lang()
        if instrument.entered_total:
            low, high = definition["scoring"]["range"]
            self.fields["total"] = forms.IntegerField(
                label=_("Total (scored elsewhere, %(low)s-%(high)s)") % {"low": low, "high": high}
            )
            return
        options = [
            (str(o["value"]), f"{o['value']} — {_text(o.get('label') or {}, lang)}")
            for o in definition.get("options") or []
        ]
        for item in definition.get("items") or []:
            # a plain text field: any posted value reaches the scoring module, which refuses
            # an answer outside the options with the instrument's own message
            self.fields[f"item_{item['n']}"] = forms.CharField(
                label=f"{item['n']}. {_text(item.get('text') or {}, lang)}",
                required=False,
                max_length=4,
                widget=forms.RadioSelect(choices=options),
            )

    def answers(self) -> dict[int, int | None]:
        """Item number -> value; raises ValueError for a value that is not a number."""
        out: dict[int, int | None] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("item_"):
                out[int(name[5:])] = None if value in ("", None) else int(value)
        return out


class ClearFlagForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted. Say what was done, not the person's words."),
    )


class ReportForm(forms.Form):
    month = forms.DateField(
        label=_("Month (any day in it)"),
        widget=DATE,
        initial=lambda: timezone.localdate().replace(day=1),
    )

    def clean_month(self) -> datetime.date:
        return self.cleaned_data["month"].replace(day=1)


def _lang() -> str:
    from django.utils.translation import get_language

    return (get_language() or "en")[:2]


def _text(labels: dict[str, str], lang: str) -> str:
    return labels.get(lang) or labels.get("en") or ""


def dashboard_filters(data: Any) -> Any:
    """The dashboard's filters from a query string; anything unreadable is ignored."""
    from carenet.outcomes.queries import Filters

    def number(name: str) -> int | None:
        value = str(data.get(name, "")).strip()
        return int(value) if value.isdigit() else None

    def day(name: str) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(str(data.get(name, "")).strip())
        except ValueError:
            return None

    pcode = "".join(c for c in str(data.get("area", "")).upper() if c.isalnum())[:20]
    area_path = ""
    if pcode:
        from carenet.geo import queries as geo_queries

        try:
            area_path = geo_queries.area_by_pcode(pcode).path
        except geo_queries.UnknownPCode:  # matches nothing
            area_path = f"{pcode}/-unknown"
    return Filters(
        organisation=number("organisation"),
        site=number("site"),
        programme=str(data.get("programme", "")).strip()[:120],
        area_path=area_path,
        intervention=number("intervention"),
        instrument=str(data.get("instrument", "") or "PHQ-9").strip()[:20],
        since=day("since"),
        until=day("until"),
    )


class ProtocolForm(forms.Form):
    """One safety protocol: the organisation's (site left empty) or one site's."""

    site = forms.ChoiceField(label=_("Applies to"), required=False)
    text_en = forms.CharField(
        label=_("Protocol (English)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        required=False,
    )
    text_uk = forms.CharField(
        label=_("Protocol (Ukrainian)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        required=False,
    )
    text_pl = forms.CharField(
        label=_("Protocol (Polish)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        required=False,
    )

    def __init__(self, *args: Any, sites: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", _("The whole organisation")), *sites]  # type: ignore[attr-defined]
