"""Forms of the 4W app. A row's rules live in `validation`, shared with imports: the row
form only collects cells; the service checks them and its errors land on the fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from carenet.core.widgets import DateInput
from carenet.geo.forms import PlaceField
from carenet.reporting.columns import BY_KEY
from carenet.reporting.models import REACHED_PARTS, ActivityReport, ActivityStatus

UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _terms(scheme: str) -> list[tuple[str, str]]:
    from carenet.taxonomy import queries as taxonomy

    return [(t.code, f"{t.code} — {t.label}") for t in taxonomy.terms(scheme)]


class _RowPlaceField(PlaceField):
    """The place picker, leaving an unknown P-code to the shared row rules (which word it
    as the upload does)."""

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            if getattr(error, "code", "") == "unknown_pcode":
                return str(value).strip()
            raise


class RowForm(forms.Form):
    """One 4W row, field names = column keys (so row errors map onto fields)."""

    activity = forms.ChoiceField(label=BY_KEY["activity"].label)
    pcode = _RowPlaceField(
        label=_("Place"),
        help_text=_(
            "The lowest level you know: hromada or gmina, or a settlement. Its name or "
            "P-code, e.g. Irpinska or UA3208015."
        ),
    )
    site = forms.ChoiceField(label=_("Site"), required=False)
    partner = forms.CharField(label=BY_KEY["partner"].label, required=False, max_length=200)
    # picked from the donor code list (donors.py); a row's older free text stays choosable
    donor = forms.ChoiceField(label=BY_KEY["donor"].label, required=False)
    target_group = forms.ChoiceField(label=BY_KEY["target_group"].label, required=False)
    status = forms.ChoiceField(label=BY_KEY["status"].label, choices=ActivityStatus.choices)
    start_date = forms.DateField(label=BY_KEY["start_date"].label, widget=DateInput)
    end_date = forms.DateField(label=BY_KEY["end_date"].label, widget=DateInput, required=False)
    reached_f_0_17 = forms.IntegerField(label=BY_KEY["reached_f_0_17"].label, required=False)
    reached_m_0_17 = forms.IntegerField(label=BY_KEY["reached_m_0_17"].label, required=False)
    reached_f_18_59 = forms.IntegerField(label=BY_KEY["reached_f_18_59"].label, required=False)
    reached_m_18_59 = forms.IntegerField(label=BY_KEY["reached_m_18_59"].label, required=False)
    reached_f_60 = forms.IntegerField(label=BY_KEY["reached_f_60"].label, required=False)
    reached_m_60 = forms.IntegerField(label=BY_KEY["reached_m_60"].label, required=False)
    reached_total = forms.IntegerField(
        label=BY_KEY["reached_total"].label,
        required=False,
        help_text=_("Leave empty to add up the parts."),
    )
    sessions = forms.IntegerField(label=BY_KEY["sessions"].label, required=False)
    trained = forms.IntegerField(label=BY_KEY["trained"].label, required=False)
    comments = forms.CharField(
        label=BY_KEY["comments"].label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(
        self, *args: Any, sites: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice = cast("dict[str, forms.ChoiceField]", self.fields)
        choice["activity"].choices = [("", "—"), *_terms("iasc-4w")]
        choice["target_group"].choices = [("", "—"), *_terms("target-group")]
        choice["donor"].choices = _donor_choices(self.initial.get("donor", ""))
        choice["site"].choices = [("", _("No particular site")), *(sites or [])]
        if not sites:
            self.fields["site"].widget = forms.HiddenInput()

    def clean_pcode(self) -> str:
        """The shared row rules read a P-code, as from a file."""
        area = self.cleaned_data.get("pcode")
        return str(getattr(area, "pcode", area) or "")

    def cells(self) -> dict[str, Any]:
        """The cleaned values as the import's cells; numbers may be None or negative: the
        shared rules decide."""
        data = dict(self.cleaned_data)
        return {k: v for k, v in data.items() if v not in ("",)}

    @staticmethod
    def initial_from(row: ActivityReport) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "activity": row.activity.code,
            "pcode": row.area.pcode,
            "site": str(row.site_uuid or ""),
            "partner": row.implementing_partner,
            "donor": row.donor,
            "target_group": row.target_group.code if row.target_group else "",
            "status": row.status,
            "start_date": row.start_date,
            "end_date": row.end_date,
            "reached_total": row.reached_total,
            "sessions": row.sessions,
            "trained": row.trained,
            "comments": row.comments,
        }
        for name in REACHED_PARTS:
            initial[name] = getattr(row, name)
        return initial


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "The template filled in (XLSX or ODS), or a CSV file, with or without HXL hashtags."
        ),
    )
    valid_only = forms.BooleanField(
        label=_("Import only the valid rows if some rows have errors"), required=False
    )
    update_existing = forms.BooleanField(
        label=_("Replace rows that already exist with the file's figures"), required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("Upload an XLSX, ODS or CSV file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class NeedsForm(forms.Form):
    file = forms.FileField(
        label=_("Needs figures"),
        help_text=_(
            "A CSV or XLSX file with a P-code column (“pcode” or an HXL #adm…+code) "
            "and a people-in-need column (“people_in_need” or #inneed)."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("E.g. the assessment the figures come from."),
    )
    as_of = forms.DateField(
        label=_("Date of the figures"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "For rows without a date column (“date”); blank: today. Earlier figures are kept: "
            "the gap page of a month uses the latest figure dated up to its end."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("Upload an XLSX, ODS or CSV file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def _donor_choices(current: str) -> list[tuple[str, str]]:
    """The listed donors by name, and a row's current text when the list does not hold it."""
    from carenet.reporting import donors

    names = [(name, name) for _code, name in donors.donor_choices()]
    listed = {donors.normalise(n) for n, _label in names}
    if current and donors.normalise(current) not in listed:
        names.insert(0, (current, current))
    return [("", "—"), *names]
