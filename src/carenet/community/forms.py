"""Forms of the community app: they parse and check input; the services write."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Organisation
from carenet.community import queries
from carenet.community.models import (
    ActionStatus,
    ChecklistItem,
    CommunitySector,
    CrmDimension,
    EvidenceKind,
    Implementation,
    StageStatus,
)
from carenet.community.services import ChecklistInput, ScoreInput
from carenet.core import permissions
from carenet.core.widgets import DateInput
from carenet.geo.forms import PlaceField

if TYPE_CHECKING:
    from carenet.accounts.models import User
    from carenet.geo.models import AdminArea

DATE = DateInput()
NOTES = forms.Textarea(attrs={"rows": 3})
NOTES_MAX = 4000  # a page of text: notes are not documents (21,000 characters were accepted)


class CommunityField(PlaceField):
    """A community: a hromada or gmina (or a raion, powiat, settlement) by name or P-code,
    with geo's one place picker."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Community"))
        kwargs.setdefault(
            "help_text", _("Name or P-code of the hromada or gmina, e.g. Irpinska or UA3208015.")
        )
        super().__init__(levels=(2, 3, 4), **kwargs)

    def clean(self, value: Any) -> AdminArea:  # type: ignore[override]
        area = super().clean(value)
        if area is None:
            raise ValidationError(self.error_messages["required"], code="required")
        return area


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations by name and acronym ("Dnipro Association of Psychologists (DAOP0007)"),
    not the bare acronym."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.acronym})" if obj.acronym else str(obj.name)


class LeadOrganisationField(OrganisationChoiceField):
    """The lead organisation: one the user may record for; coordinators may leave it empty
    (the network's coordination)."""

    def __init__(self, user: User | Any, **kwargs: Any) -> None:
        coordinator = permissions.is_coordinator(user)
        super().__init__(
            queryset=queries.organisations_to_record_for(user),
            required=not coordinator,
            empty_label=_("— the network's coordination —") if coordinator else None,
            label=kwargs.pop("label", _("Lead organisation")),
            **kwargs,
        )


def _with_community(form: forms.Form, user: Any) -> None:
    """Refuse a community the user may not record for with the chosen organisation."""
    community = form.cleaned_data.get("community")
    if community is None or "organisation" in form.errors:
        return
    if not queries.may_record(user, form.cleaned_data.get("organisation"), community):
        form.add_error("community", gettext("You cannot record for this community."))


# --- readiness -----------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    community = CommunityField()
    issue = forms.CharField(
        label=_("Issue"),
        max_length=200,
        help_text=_(
            "What the community's readiness is assessed for, e.g. opening a "
            "psychosocial support space."
        ),
    )
    edition = forms.ModelChoiceField(
        queryset=queries.editions(), label=_("Model edition"), empty_label=None
    )
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=NOTES_MAX, widget=NOTES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation"] = LeadOrganisationField(user)
        self.order_fields(["community", "organisation"])
        default = queries.default_edition()
        if default is not None:
            self.fields["edition"].initial = default.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _with_community(self, self.user)
        return data


class AssessmentEditForm(forms.Form):
    issue = forms.CharField(label=_("Issue"), max_length=200)
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=NOTES_MAX, widget=NOTES)


class InterviewForm(forms.Form):
    sector = forms.ModelChoiceField(queryset=queries.sectors(), label=_("Informant's sector"))
    role = forms.CharField(
        label=_("Informant's role"),
        max_length=120,
        help_text=_("E.g. school director, head of the social services department. Never a name."),
    )
    interviewed_on = forms.DateField(label=_("Date of the interview"), required=False, widget=DATE)


class ScoresForm(forms.Form):
    """An interview's scores: per dimension, each scorer's whole-number score (1-9) and the
    consensus (1-9, one decimal allowed). When both scorers gave the same score and no
    consensus is entered, that score is the consensus."""

    sector = forms.ModelChoiceField(queryset=queries.sectors(), label=_("Informant's sector"))
    role = forms.CharField(label=_("Informant's role"), max_length=120)

    def __init__(self, *args: Any, dimensions: list[CrmDimension], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for d in dimensions:
            for n in (1, 2):
                self.fields[f"s{n}_{d.letter}"] = forms.IntegerField(
                    label=_("Scorer %(n)s") % {"n": n},
                    min_value=1,
                    max_value=9,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
            self.fields[f"c_{d.letter}"] = forms.DecimalField(
                label=_("Consensus"),
                min_value=Decimal(1),
                max_value=Decimal(9),
                max_digits=2,
                decimal_places=1,
                required=False,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )

    def groups(self) -> list[tuple[CrmDimension, list[forms.BoundField]]]:
        return [
            (d, [self[f"s1_{d.letter}"], self[f"s2_{d.letter}"], self[f"c_{d.letter}"]])
            for d in self.dimensions
        ]

    def scores(self) -> dict[str, ScoreInput]:
        data = self.cleaned_data
        result = {}
        for d in self.dimensions:
            s1, s2 = data.get(f"s1_{d.letter}"), data.get(f"s2_{d.letter}")
            consensus = data.get(f"c_{d.letter}")
            if consensus is None and s1 is not None and s1 == s2:
                consensus = Decimal(s1)
            result[d.code] = ScoreInput(s1, s2, consensus)
        return result


# --- strategic sessions --------------------------------------------------------------------


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    vision = forms.CharField(
        label=_("Vision agreed"), required=False, max_length=NOTES_MAX, widget=NOTES
    )
    short_term_plan = forms.CharField(
        label=_("Short-term plan"), required=False, max_length=NOTES_MAX, widget=NOTES
    )
    long_term_plan = forms.CharField(
        label=_("Long-term plan"), required=False, max_length=NOTES_MAX, widget=NOTES
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=NOTES_MAX, widget=NOTES)

    def __init__(self, *args: Any, user: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.new = user, new
        if new:
            self.fields["community"] = CommunityField()
            self.fields["organisation"] = LeadOrganisationField(
                user, label=_("Convening organisation")
            )
            self.order_fields(["community", "organisation"])
        self.sectors: list[CommunitySector] = list(queries.sectors())
        for sector in self.sectors:
            self.fields[f"p_{sector.code}"] = forms.IntegerField(
                label=sector.label,
                min_value=0,
                max_value=10_000,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def participation_fields(self) -> list[forms.BoundField]:
        return [self[f"p_{s.code}"] for s in self.sectors]

    def participation(self) -> dict[CommunitySector, int]:
        return {s: self.cleaned_data.get(f"p_{s.code}") or 0 for s in self.sectors}

    def session_fields(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k]
            for k in ("held_on", "title", "vision", "short_term_plan", "long_term_plan", "notes")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.new:
            _with_community(self, self.user)
        return data


class ActionItemForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        label=_("Owner organisation"),
        required=False,
    )
    owner_other = forms.CharField(
        label=_("Or another owner"),
        max_length=200,
        required=False,
        help_text=_("A body that is not a member organisation, e.g. the hromada council."),
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner_organisation") and not data.get("owner_other", "").strip():
            raise ValidationError(gettext("Name the organisation or body that owns the action."))
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


# --- implementation tracker ----------------------------------------------------------------


class ImplementationForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=queries.programmes(), label=_("Programme"))
    community = CommunityField()
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=NOTES_MAX, widget=NOTES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation"] = LeadOrganisationField(user)
        self.order_fields(["programme", "community", "organisation"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _with_community(self, self.user)
        return data


class StageForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=StageStatus.choices, widget=forms.RadioSelect
    )
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DATE)
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DATE)
    responsible_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        label=_("Responsible organisation"),
        required=False,
    )
    blocked_reason = forms.CharField(label=_("What blocks it"), max_length=300, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=NOTES_MAX, widget=NOTES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == StageStatus.BLOCKED and not data.get("blocked_reason"):
            self.add_error("blocked_reason", gettext("Say what blocks this stage."))
        started, completed = data.get("started_on"), data.get("completed_on")
        if started and completed and completed < started:
            self.add_error(
                "completed_on", gettext("A stage cannot be completed before it started.")
            )
        return data


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of evidence"),
        choices=EvidenceKind.choices,
        widget=forms.RadioSelect,
        initial=EvidenceKind.LINK,
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTES_MAX, widget=NOTES)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, image, Word, Excel, OpenDocument or text; at most 10 MB."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = str(data.get("kind") or "")
        fields: dict[str, str] = {
            EvidenceKind.LINK.value: "url",
            EvidenceKind.NOTE.value: "note",
            EvidenceKind.FILE.value: "file",
        }
        needed = fields.get(kind)
        if needed and not data.get(needed):
            self.add_error(needed, gettext("This field is required for this kind of evidence."))
        return data


# --- support spaces ------------------------------------------------------------------------


class SpaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    offers = forms.ModelMultipleChoiceField(
        queryset=queries.offers(),
        label=_("What it offers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opened_on = forms.DateField(label=_("Opened on"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=NOTES_MAX, widget=NOTES)

    def __init__(self, *args: Any, user: Any, space: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if space is None:
            self.fields["community"] = CommunityField()
            self.fields["organisation"] = OrganisationChoiceField(
                queryset=queries.organisations_to_record_for(user),
                label=_("Organisation running it"),
            )
            self.order_fields(["name", "community", "organisation"])
        else:
            self.fields["site"] = forms.ModelChoiceField(
                queryset=queries.linkable_sites(user, space.community),
                label=_("Site in the service directory"),
                required=False,
            )
            self.fields["implementation"] = forms.ModelChoiceField(
                queryset=Implementation.objects.filter(
                    pk__in=queries.implementations_for(user)
                    .filter(community=space.community)
                    .values("pk")
                ),
                label=_("Programme in this community"),
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "community" in self.fields:
            _with_community(self, self.user)
        return data

    def space_fields(self) -> dict[str, Any]:
        names = ("name", "opened_on", "notes", "site", "implementation")
        return {k: self.cleaned_data[k] for k in names if k in self.cleaned_data}


class ChecklistForm(forms.Form):
    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"done_{item.code}"] = forms.BooleanField(
                label=item.label, required=False, help_text=item.help
            )
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("Note"), max_length=300, required=False
            )

    def rows(self) -> list[tuple[ChecklistItem, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"done_{i.code}"], self[f"note_{i.code}"]) for i in self.items]

    def answers(self) -> dict[ChecklistItem, ChecklistInput]:
        return {
            i: ChecklistInput(
                bool(self.cleaned_data.get(f"done_{i.code}")),
                self.cleaned_data.get(f"note_{i.code}") or "",
            )
            for i in self.items
        }
