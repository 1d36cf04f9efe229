"""Forms of the peer groups and volunteers pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.core.antispam import PublicForm, plain
from carenet.core.widgets import DateInput
from carenet.peer.models import AssignmentRole, GroupKind, PeerGroup, ScreeningStep, VolunteerStatus


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


class GroupForm(forms.ModelForm):
    class Meta:
        model = PeerGroup
        fields = [
            "name",
            "kind",
            "host_site",
            "schedule",
            "ground_rules",
            "open_to_newcomers",
            "is_active",
            "supervisor",
            "supervision_cop",
        ]
        widgets = {"ground_rules": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, sites: Any, people: Any, cops: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = GroupKind.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["host_site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["supervisor"].queryset = people  # type: ignore[attr-defined]
        self.fields["supervision_cop"].queryset = cops  # type: ignore[attr-defined]

    def clean_ground_rules(self) -> str:
        return plain(self.cleaned_data.get("ground_rules", ""))


class FacilitatorForm(forms.Form):
    volunteer: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Volunteer"),
        queryset=None,  # type: ignore[arg-type]  # set per organisation
    )

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["volunteer"].label_from_instance = lambda v: v.full_name  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    start = _date(_("First meeting"))
    count = forms.IntegerField(label=_("Number of meetings"), min_value=1, max_value=52, initial=4)
    every_days = forms.IntegerField(label=_("Every (days)"), min_value=1, max_value=60, initial=7)


class MeetingForm(forms.Form):
    head_count = forms.IntegerField(label=_("People present"), min_value=0, max_value=500)
    newcomers = forms.IntegerField(
        label=_("Of whom new"), min_value=0, max_value=500, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("newcomers") or 0) > (data.get("head_count") or 0):
            self.add_error("newcomers", _("There cannot be more newcomers than people present."))
        return data


class ApplyForm(PublicForm):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=200)
    motivation = forms.CharField(
        label=_("Why would you like to volunteer? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    field_order = ["full_name", "contact", "motivation", "website", "token"]

    def clean_full_name(self) -> str:
        return plain(self.cleaned_data.get("full_name", ""))

    def clean_contact(self) -> str:
        return plain(self.cleaned_data.get("contact", ""))

    def clean_motivation(self) -> str:
        return plain(self.cleaned_data.get("motivation", ""))


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=200, required=False)
    applied_on = _date(_("Applied or invited on"), required=False)

    def clean_full_name(self) -> str:
        return plain(self.cleaned_data.get("full_name", ""))

    def clean_contact(self) -> str:
        return plain(self.cleaned_data.get("contact", ""))


class ScreeningForm(forms.Form):
    step = forms.ChoiceField(label=_("Screening step"), choices=ScreeningStep.choices)
    done_on = _date(_("Done on"), initial=timezone.localdate)
    passed = forms.BooleanField(label=_("Passed"), required=False, initial=True)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=VolunteerStatus.choices)
    on = _date(_("From"), initial=timezone.localdate)


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices)
    site: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("At a site"),
        queryset=None,
        required=False,  # type: ignore[arg-type]
    )
    group: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Or in a group"),
        queryset=None,
        required=False,  # type: ignore[arg-type]
    )
    started_on = _date(_("From"), initial=timezone.localdate)

    def __init__(self, *args: Any, sites: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("site")) == bool(data.get("group")):
            raise forms.ValidationError(_("Choose a site or a group, not both."))
        return data


class HoursForm(forms.Form):
    date = _date(_("Date"), initial=timezone.localdate)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.5"), max_value=Decimal("16"), decimal_places=1
    )
