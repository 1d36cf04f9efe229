"""Forms of the CoP app: parsing and field-level checks; rules live in the services."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Organisation, User
from carenet.accounts.queries import memberships_of
from carenet.cop.models import (
    AssessmentContext,
    CommunityOfPractice,
    CompetencyFramework,
    CopMember,
    CopRole,
    Curriculum,
    Meeting,
    Profession,
    Scope,
    Sharing,
    SupervisionKind,
    SupervisionTheme,
    Visibility,
    WellbeingMeasure,
)
from carenet.cop.privacy import check_no_identifiers
from carenet.cop.services.content import RESOURCE_TYPES, resource_max_bytes
from carenet.core.widgets import DateInput
from carenet.geo.forms import PlaceField

IDENTIFIER_WARNING = _(
    "Themes only: never names, initials, dates of birth, addresses, phone "
    "numbers or anything else that could identify a client."
)
RESOURCE_LANGUAGES = [
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("pl", _("Polish")),
    ("other", _("Other language")),
]


def person_label(user: User) -> str:
    return user.full_name or user.email


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


def _choices_of(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _multi_of(form: forms.BaseForm, name: str) -> forms.MultipleChoiceField:
    return cast(forms.MultipleChoiceField, form.fields[name])


def _professions() -> Any:
    return Profession.objects.filter(is_active=True)


class CopForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    topic = forms.CharField(label=_("Topic"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    area = PlaceField(
        label=_("Area (optional)"),
        required=False,
        help_text=_("For a local or regional CoP: a name or P-code, e.g. Irpinska or UA3208015."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.OPEN,
    )


class CopCreateForm(CopForm):
    profession = forms.ModelChoiceField(
        label=_("Your profession"), queryset=Profession.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices_of(self, "profession").queryset = _professions()


class CopEditForm(CopForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)


class MemberInviteForm(forms.Form):
    """Invite someone into the CoP by e-mail, whether or not they have an account: the form
    never looks the address up, so it tells nobody whether an account has it."""

    email = forms.EmailField(label=_("E-mail address of the person"))


class JoinForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("I take part for"), queryset=Organisation.objects.none()
    )
    profession = forms.ModelChoiceField(
        label=_("My profession"), queryset=Profession.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [m.organisation_id for m in memberships_of(user)]
        _choices_of(self, "organisation").queryset = Organisation.objects.filter(pk__in=ids)
        _choices_of(self, "profession").queryset = _professions()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CopRole.choices)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = Meeting
        fields = ["kind", "title", "starts_at", "duration_minutes", "place", "agenda"]
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"agenda": IDENTIFIER_WARNING}

    def clean_duration_minutes(self) -> int:
        value = self.cleaned_data["duration_minutes"]
        if not 5 <= value <= 720:
            raise ValidationError(_("Between 5 and 720 minutes."))
        return value


class MeetingEditForm(MeetingForm):
    class Meta(MeetingForm.Meta):
        fields = [*MeetingForm.Meta.fields, "minutes", "status"]
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"agenda": IDENTIFIER_WARNING, "minutes": IDENTIFIER_WARNING}


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(
        label=_("Short minutes"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=IDENTIFIER_WARNING,
    )

    def __init__(self, *args: Any, members: list[CopMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _multi_of(self, "present").choices = [
            (str(m.pk), f"{person_label(m.user)} · {m.organisation.acronym}") for m in members
        ]

    def clean_minutes(self) -> str:
        text = self.cleaned_data["minutes"]
        check_no_identifiers(text)
        return text

    def present_ids(self) -> list[int]:
        return [int(v) for v in self.cleaned_data["present"]]


class SupervisionLogForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=SupervisionKind.choices,
        widget=forms.RadioSelect,
        initial=SupervisionKind.INDIVIDUAL,
    )
    supervisees = PeopleChoiceField(
        label=_("Supervisees"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0.25, max_value=12, decimal_places=2, max_digits=4
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        required=False,
        queryset=SupervisionTheme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Short note on themes (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=IDENTIFIER_WARNING,
    )

    def __init__(self, *args: Any, cop: CommunityOfPractice, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = CopMember.objects.current().filter(cop=cop).exclude(user=actor)
        _choices_of(self, "supervisees").queryset = User.objects.filter(
            pk__in=members.values("user_id")
        ).order_by("full_name", "email")
        _choices_of(self, "themes").queryset = SupervisionTheme.objects.filter(is_active=True)
        self.fields["held_on"].initial = timezone.localdate()

    def clean_note(self) -> str:
        text = self.cleaned_data["note"]
        check_no_identifiers(text)
        return text


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(label=_("Document"), required=False)
    url = forms.URLField(
        label=_("or a link"), required=False, max_length=500, assume_scheme="https"
    )
    language = forms.ChoiceField(label=_("Language"), choices=RESOURCE_LANGUAGES)
    tags = forms.CharField(label=_("Tags (separated by commas)"), required=False, max_length=300)
    sharing = forms.ChoiceField(
        label=_("Share"), choices=Sharing.choices, widget=forms.RadioSelect, initial=Sharing.COP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s; at most %(mb)s MB.") % {
            "types": ", ".join(sorted(RESOURCE_TYPES)),
            "mb": resource_max_bytes() // (1024 * 1024),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise ValidationError(_("Give either a document or a link."), code="file_or_link")
        return data


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=40)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *RESOURCE_LANGUAGES]
    )


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=IDENTIFIER_WARNING,
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=IDENTIFIER_WARNING,
    )


class TrainingForm(forms.Form):
    curriculum = forms.ModelChoiceField(label=_("Curriculum"), queryset=Curriculum.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    cop = forms.ModelChoiceField(
        label=_("Community of Practice (optional)"),
        required=False,
        queryset=CommunityOfPractice.objects.none(),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0.5, max_value=500, decimal_places=1, max_digits=5
    )
    place = forms.CharField(label=_("Place or online link"), required=False, max_length=300)

    def __init__(self, *args: Any, curricula: Any, cops: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices_of(self, "curriculum").queryset = curricula
        _choices_of(self, "cop").queryset = cops

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day is before the first day."))
        return data


class PersonInviteForm(forms.Form):
    """Invite a participant or trainer by e-mail (an account is made when they accept)."""

    email = forms.EmailField(label=_("E-mail address"))


class ScoresForm(forms.Form):
    pre_score = forms.DecimalField(
        label=_("Pre-test score (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        max_digits=5,
    )
    post_score = forms.DecimalField(
        label=_("Post-test score (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        max_digits=5,
    )
    completed = forms.BooleanField(label=_("Completed the training"), required=False)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=40, min_length=16)


LEVEL_CHOICES = [("", _("Not assessed")), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]


class AssessmentForm(forms.Form):
    practitioner = PersonChoiceField(label=_("Practitioner"), queryset=User.objects.none())
    assessed_on = forms.DateField(label=_("Date"), widget=DateInput())
    context = forms.ChoiceField(
        label=_("Context"),
        choices=[c for c in AssessmentContext.choices if c[0] != AssessmentContext.SELF],
    )

    def __init__(
        self, *args: Any, framework: CompetencyFramework, people: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.framework = framework
        _choices_of(self, "practitioner").queryset = people
        self.fields["assessed_on"].initial = timezone.localdate()
        for item in framework.items.all():
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.name,
                help_text=item.description,
                required=False,
                choices=LEVEL_CHOICES,
                widget=forms.RadioSelect,
            )

    def item_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("item_")]

    def clean_assessed_on(self) -> datetime.date:
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return day

    def levels(self) -> dict[int, int]:
        return {
            int(name[5:]): int(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("item_") and value
        }


class CheckInForm(forms.Form):
    in_aggregates = forms.BooleanField(
        label=_("Count this check-in, anonymously, in the well-being figures of my CoPs"),
        required=False,
        initial=False,  # sharing, even anonymously, is the person's choice: never pre-ticked
    )

    def __init__(self, *args: Any, measure: WellbeingMeasure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["in_aggregates"].help_text = _(
            "Facilitators only ever see how many members checked in and their average, and "
            "nothing when fewer than %(n)s did."
        ) % {"n": settings.CARENET_MIN_CELL}
        options = [(str(o.value), f"{o.label} ({o.value})") for o in measure.options.all()]
        items = {}
        for item in measure.items.all():
            items[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=options,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields = {**items, **self.fields}

    def item_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("item_")]

    def answers(self) -> dict[int, int]:
        return {
            int(name[5:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_")
        }
