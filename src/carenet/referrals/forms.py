"""Forms of the referrals app: they parse input only; the services decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Organisation
from carenet.core.widgets import DateInput
from carenet.geo.forms import PlaceField
from carenet.referrals.labels import term_choices
from carenet.referrals.models import (
    AgeBand,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Outcome,
    Sex,
    SharedField,
    Status,
    Urgency,
)


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ClientForm(forms.Form):
    """The minimum a referral needs; identifying fields are optional and stored encrypted."""

    age_band = forms.ChoiceField(label=_("Age band"), choices=_blank(AgeBand.choices))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    languages = forms.MultipleChoiceField(
        label=_("Languages the person speaks"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    area = PlaceField(
        label=_("Hromada / gmina"),
        required=False,
        help_text=_(
            "Where the person lives now: a name or P-code, e.g. Irpinska or UA3208015. Used "
            "to suggest nearby services."
        ),
    )
    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=200,
        help_text=_("Only if the person agrees. Stored encrypted."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "languages", term_choices("language"))

    @staticmethod
    def initial_for(client: Any) -> dict[str, Any]:
        """The form's values for an existing client (the edit page)."""
        born = None
        if client.date_of_birth:
            try:
                born = datetime.date.fromisoformat(client.date_of_birth)
            except ValueError:
                born = None
        return {
            "age_band": client.age_band,
            "sex": client.sex,
            "languages": client.languages,
            "area": client.area.pcode if client.area else "",
            "name": client.name,
            "phone": client.phone,
            "date_of_birth": born,
        }

    def clean_date_of_birth(self) -> datetime.date | None:
        born = self.cleaned_data["date_of_birth"]
        if born and born > timezone.localdate():
            raise ValidationError(_("The date of birth is in the future."))
        return born


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("The person agrees to"), choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    given_by = forms.ChoiceField(
        label=_("Given by"),
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        initial=ConsentGiver.PERSON,
    )
    method = forms.ChoiceField(
        label=_("How"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        initial=ConsentMethod.VERBAL,
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations it covers"),
        required=False,
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each organisation that may receive the details below."),
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Identifying details that may be shared"),
        required=False,
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only these are shown to the organisations above. The code, age band, "
            "sex, languages and area always travel with a referral."
        ),
    )
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=DateInput(),
    )
    for_referral = forms.BooleanField(
        label=_("Only for this referral"),
        required=False,
        help_text=_(
            "Ticked: the consent covers this referral alone, and a later referral needs a new "
            "consent. Not ticked: it also covers later referrals to these organisations for "
            "the same purpose, until it expires or the person withdraws it."
        ),
    )

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = candidates if candidates is not None else Organisation.objects.none()
        field.label_from_instance = lambda o: f"{o.name} ({o.acronym})"  # type: ignore[method-assign,assignment]

    def chosen_values(self) -> set[str]:
        """The organisations ticked (their UUIDs), to show them ticked again."""
        return {str(v) for v in (self["organisations"].value() or [])}

    def chosen_organisations(self) -> list[Organisation]:
        return list(self.cleaned_data["organisations"])


class NeedForm(forms.Form):
    """What the person needs: the draft's fields, in the code lists' codes."""

    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    layer = forms.ChoiceField(label=_("Layer of care needed"), required=False)
    activity_codes = forms.MultipleChoiceField(
        label=_("Activities needed"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    intervention = forms.ChoiceField(label=_("Intervention (optional)"), required=False)
    target_group = forms.ChoiceField(label=_("Target group (optional)"), required=False)
    from_layer = forms.ChoiceField(label=_("Layer of care you refer from"), required=False)
    summary = forms.CharField(
        label=_("Reason for the referral"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the receiving service needs to know. Shared only with consent; stored encrypted."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layers = term_choices("pyramid-layer")
        _set_choices(self, "layer", _blank(layers))
        _set_choices(self, "from_layer", _blank(layers))
        _set_choices(self, "activity_codes", term_choices("iasc-4w"))
        _set_choices(self, "intervention", _blank(term_choices("intervention")))
        _set_choices(self, "target_group", _blank(term_choices("target-group")))


class ChooseServiceForm(forms.Form):
    service = forms.UUIDField(widget=forms.HiddenInput)
    site = forms.UUIDField(required=False, widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=_blank(Outcome.choices))
    feedback = forms.CharField(
        label=_("Feedback to the referrer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the referrer should know to continue supporting the person."),
    )
    override_reason = forms.CharField(
        label=_("Send without consent: reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when the person cannot consent and there is a serious risk. Recorded and audited."
        ),
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_blank(Status.choices, _("Any"))
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=_blank(Urgency.choices, _("Any"))
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    code = forms.CharField(label=_("Referral or client code"), required=False, max_length=12)
