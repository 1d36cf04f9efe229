"""Forms of the reports app: parsing and field checks; writes go through services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from carenet.core.widgets import DateInput
from carenet.geo.forms import PlaceField, PlacesField
from carenet.reports.models import Grant, PackFormat, Programme, Target

DATE = DateInput()


class PackForm(forms.Form):
    period = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    donor = forms.ChoiceField(label=_("Donor"), required=False)
    area = PlaceField(label=_("Area"), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=PackFormat.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from carenet.reporting import donors

        super().__init__(*args, **kwargs)
        donor = cast("forms.ChoiceField", self.fields["donor"])
        donor.choices = [("", _("All donors")), *donors.donor_choices()]


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "description", "starts_on", "organisation"]
        widgets = {"starts_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class TargetForm(forms.ModelForm):
    area_pcode = PlaceField(
        label=_("Area"),
        required=False,
        help_text=_("Its name or P-code; blank: the whole network."),
    )

    class Meta:
        model = Target
        fields = ["unit", "number", "due_on"]
        widgets = {"due_on": DATE}


class GrantForm(forms.ModelForm):
    area_pcodes = PlacesField(
        label=_("Areas"),
        required=False,
        help_text=_(
            "Names or P-codes separated by commas; blank: wherever the organisation works."
        ),
    )

    class Meta:
        model = Grant
        fields = ["donor", "amount", "currency", "starts_on", "ends_on", "programme", "reference"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise forms.ValidationError(_("Write the currency as its three letters, e.g. EUR."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data


class SubscriptionForm(forms.Form):
    fmt = forms.ChoiceField(label=_("Format"), choices=PackFormat.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
