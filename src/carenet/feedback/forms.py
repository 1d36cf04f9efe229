"""Forms of the public feedback and complaint pages and of the people who respond."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carenet.core.antispam import PublicForm, plain
from carenet.feedback.models import (
    CONTACT_LIMIT,
    TEXT_LIMIT,
    ComplaintCategory,
    ComplaintStatus,
    SatisfactionQuestion,
    Theme,
)

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class FeedbackForm(PublicForm):
    text = forms.CharField(
        label=_("Anything you would like to tell us?"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Please do not write your name or anyone else's."),
    )
    contact = forms.CharField(
        label=_("Would you like a reply? Leave a phone number or e-mail (optional)"),
        required=False,
        max_length=CONTACT_LIMIT,
        help_text=_(
            "Only the organisation that runs this place sees it. Leave it empty to stay anonymous."
        ),
    )

    field_order = ["text", "contact", "website", "token"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(SatisfactionQuestion.objects.filter(is_active=True))
        for question in reversed(self.questions):
            self.fields = {
                f"q_{question.code}": forms.ChoiceField(
                    label=question.label,
                    choices=SCORES,
                    required=False,
                    widget=forms.RadioSelect(attrs={"class": "scale"}),
                ),
                **self.fields,
            }

    def clean_text(self) -> str:
        return plain(self.cleaned_data.get("text", ""))

    def clean_contact(self) -> str:
        return plain(self.cleaned_data.get("contact", ""))

    def scores(self) -> dict[str, int]:
        return {
            q.code: int(self.cleaned_data[f"q_{q.code}"])
            for q in self.questions
            if self.cleaned_data.get(f"q_{q.code}")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("text") and not self.scores():
            raise ValidationError(
                _("Please answer at least one question or write a few words."), code="empty"
            )
        return data


class ComplaintForm(PublicForm):
    category = forms.ModelChoiceField(
        label=_("What is your complaint about?"),
        queryset=ComplaintCategory.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    text = forms.CharField(
        label=_("What happened?"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    identity_shared = forms.BooleanField(
        label=_("The organisation may know who I am and contact me."),
        required=False,
    )
    contact = forms.CharField(
        label=_("Your phone number or e-mail (only if you ticked the box above)"),
        required=False,
        max_length=CONTACT_LIMIT,
        help_text=_(
            "You do not have to say who you are: after sending, you get a private link to "
            "follow your complaint and read the answer."
        ),
    )

    field_order = ["category", "text", "identity_shared", "contact", "website", "token"]

    def clean_text(self) -> str:
        text = plain(self.cleaned_data.get("text", ""))
        if not text:
            raise ValidationError(_("Please describe your complaint."), code="required")
        return text

    def clean_contact(self) -> str:
        return plain(self.cleaned_data.get("contact", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact") and not data.get("identity_shared"):
            self.add_error(
                "contact",
                ValidationError(
                    _(
                        "To leave a contact, tick the box that lets the organisation know "
                        "who you are, or leave it empty."
                    ),
                    code="identity",
                ),
            )
        return data


class FollowUpForm(forms.Form):
    code = forms.CharField(label=_("Your complaint's private code"), max_length=40)


class RespondForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    response = forms.CharField(
        label=_("Reply or note (sent to the contact left, if any)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    you_said = forms.CharField(
        label=_("Public note: you said"),
        required=False,
        max_length=500,
        help_text=_("A short summary without any detail that could identify a person."),
    )
    we_did = forms.CharField(label=_("Public note: we did"), required=False, max_length=500)

    def clean_response(self) -> str:
        return plain(self.cleaned_data.get("response", ""))

    def clean_you_said(self) -> str:
        return plain(self.cleaned_data.get("you_said", ""))

    def clean_we_did(self) -> str:
        return plain(self.cleaned_data.get("we_did", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("you_said")) != bool(data.get("we_did")):
            raise ValidationError(
                _("Fill in both parts of the public note, or neither."), code="note"
            )
        return data


class ComplaintStepForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=ComplaintStatus.choices)
    response = forms.CharField(
        label=_("Response to the person"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the person's private follow-up page."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [c for c in ComplaintStatus.choices if c[0] in allowed]  # type: ignore[attr-defined]

    def clean_response(self) -> str:
        return plain(self.cleaned_data.get("response", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to") == ComplaintStatus.RESPONDED and not data.get("response"):
            self.add_error("response", _("Write the response before marking it responded."))
        return data


class SubjectForm(forms.Form):
    subject_user: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Staff member the complaint is about"),
        queryset=None,  # type: ignore[arg-type]  # set per organisation
        required=False,
        help_text=_("They will no longer see this complaint."),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject_user"].queryset = people  # type: ignore[attr-defined]


class PolicyForm(forms.Form):
    acknowledge_days = forms.IntegerField(
        label=_("Acknowledge within (days)"), min_value=1, max_value=60
    )
    respond_days = forms.IntegerField(label=_("Respond within (days)"), min_value=1, max_value=180)
    safeguarding_focal_point: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Safeguarding focal point"),
        queryset=None,  # type: ignore[arg-type]  # set per organisation
        required=False,
        help_text=_("The only person who sees complaints of abuse, exploitation or misconduct."),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["safeguarding_focal_point"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("respond_days") or 0) < (data.get("acknowledge_days") or 0):
            self.add_error(
                "respond_days", _("The response cannot be due before the acknowledgement.")
            )
        return data
