"""Forms of the reports app: parsing and field checks; writes go through services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from carenet.reports.models import Grant, PackFormat, Programme, Target

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PackForm(forms.Form):
    period = forms.CharField(
        label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    donor = forms.ChoiceField(label=_("Donor"), required=False)
    area = forms.CharField(label=_("Area P-code"), required=False, max_length=20)
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
    area_pcode = forms.CharField(
        label=_("Area P-code"),
        required=False,
        max_length=20,
        help_text=_("Blank: the whole network."),
    )

    class Meta:
        model = Target
        fields = ["unit", "number", "due_on"]
        widgets = {"due_on": DATE}

    def clean_area_pcode(self) -> Any:
        from carenet.geo.models import AdminArea

        pcode = self.cleaned_data["area_pcode"].strip().upper()
        if not pcode:
            return None
        area = AdminArea.objects.filter(pcode=pcode).first()
        if area is None:
            raise forms.ValidationError(_("Unknown P-code “%(value)s”.") % {"value": pcode})
        return area


class GrantForm(forms.ModelForm):
    area_pcodes = forms.CharField(
        label=_("Areas (P-codes)"),
        required=False,
        help_text=_("Separated by spaces or commas; blank: wherever the organisation works."),
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

    def clean_area_pcodes(self) -> list[Any]:
        from carenet.geo.models import AdminArea

        wanted = {p.upper() for p in self.cleaned_data["area_pcodes"].replace(",", " ").split()}
        found = list(AdminArea.objects.filter(pcode__in=wanted))
        unknown = wanted - {a.pcode for a in found}
        if unknown:
            raise forms.ValidationError(
                _("Unknown P-code “%(value)s”.") % {"value": ", ".join(sorted(unknown))}
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data


class SubscriptionForm(forms.Form):
    fmt = forms.ChoiceField(label=_("Format"), choices=PackFormat.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
