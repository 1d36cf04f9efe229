"""Forms of the network app: parsing and field checks; the rules live in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Organisation, OrganisationKind, Role, User
from carenet.core import uploads
from carenet.core.widgets import DateInput
from carenet.geo.forms import PlaceField, PlacesField
from carenet.network.models import (
    ActionStatus,
    Decision,
    GoalStatus,
    GroupKind,
    MeetingStatus,
    NetworkGroup,
)
from carenet.taxonomy.models import Term

DATE = DateInput()


def _sectors() -> Any:
    return Term.objects.of("sector").order_by("code")


def _active_organisations() -> Any:
    return Organisation.objects.filter(is_active=True).order_by("name")


def organisation_label(organisation: Organisation) -> str:
    """ "Dnipro Association of Psychologists (DAOP0007)": an acronym alone is a code few
    people recognise."""
    if organisation.acronym:
        return f"{organisation.name} ({organisation.acronym})"
    return str(organisation.name)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


class OrganisationsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return organisation_label(obj)


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=30)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("UA", _("Ukraine")), ("PL", _("Poland"))]
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas = PlacesField(label=_("Areas of work"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(
        label=_("Contact e-mail address"),
        help_text=_("If the organisation is approved, this person is invited as its admin."),
    )
    description = forms.CharField(
        label=_("What the organisation does"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["sectors"]).queryset = _sectors()


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant is told it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RosterFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *OrganisationKind.choices]
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    area = PlaceField(label=_("Area"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["sector"]).choices = [
            ("", _("Any sector")),
            *[(t.code, t.label) for t in _sectors()],
        ]

    def clean_area(self) -> str:
        """The roster filters by P-code."""
        area = self.cleaned_data["area"]
        return area.pcode if area else ""


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


BULK_MAX_BYTES = 1024 * 1024  # 500 people fit in a few kilobytes
BULK_TYPES = ("xlsx", "csv", "ods", "xls")


class BulkInviteForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("First row: email, role. Roles: org_admin, focal_point, practitioner, viewer."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        uploads.check_upload(
            upload,
            allowed=BULK_TYPES,
            max_bytes=BULK_MAX_BYTES,
            encodings=("utf-8", "cp1251"),  # as the reader reads a CSV file
        )
        return upload


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Part of"), required=False, queryset=NetworkGroup.objects.none()
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = groups


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place or online link"), required=False, max_length=300)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RecordForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MeetingStatus.choices)
    attending = OrganisationsChoiceField(
        label=_("Organisations present"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField, self.fields["attending"]
        ).queryset = _active_organisations()


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(
        label=_("Public: show it on the key decisions page"), required=False
    )


class PersonByEmailField(forms.EmailField):
    """A person of the network named by e-mail (for coordinators assigning action points)."""

    def clean(self, value: Any) -> User | None:  # type: ignore[override]
        email = super().clean(value)
        if not email:
            return None
        from carenet.accounts.queries import active_person_by_email

        user = active_person_by_email(email)
        if user is None:
            raise ValidationError(_("No active person of the network has this address."))
        return user


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    owner_organisation = OrganisationChoiceField(
        label=_("Organisation responsible"),
        required=False,
        queryset=Organisation.objects.none(),
    )
    owner_user = PersonByEmailField(
        label=_("or person responsible (e-mail address)"), required=False
    )
    decision = forms.ModelChoiceField(
        label=_("Follows from the decision"), required=False, queryset=Decision.objects.none()
    )

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["owner_organisation"]
        ).queryset = _active_organisations()
        cast(forms.ModelChoiceField, self.fields["decision"]).queryset = meeting.decisions.all()


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=300)
    area = PlaceField(label=_("Area"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE)
    lead = OrganisationChoiceField(
        label=_("Lead organisation"), required=False, queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = _active_organisations()


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = forms.DateField(label=_("Planned for"), required=False, widget=DATE)
    reached_on = forms.DateField(label=_("Reached on"), required=False, widget=DATE)
    evidence_url = forms.URLField(
        label=_("Evidence (link)"), required=False, max_length=500, assume_scheme="https"
    )
    evidence_note = forms.CharField(label=_("Evidence (note)"), required=False, max_length=500)
