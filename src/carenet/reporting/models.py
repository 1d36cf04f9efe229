"""4W activity reports, their monthly review, imports and the rollups dashboards read.

One `ActivityReport` row = one organisation's activity (IASC 4W code) in one place (P-code)
in one month. Rows belong to a `ReportingPeriod` (organisation x month) whose status moves
draft → submitted → validated, or back to returned with a coordinator's comment. A locked
`ReportingMonth` freezes every period of that month.

`ActivityRollup` and `AreaRollup` are derived tables, rebuilt incrementally by
`rollups.refresh` whenever rows change; dashboards read them, never the raw rows.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.core.models import TimeStampedModel, acted_by


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATED = "validated", _("Validated")
    RETURNED = "returned", _("Returned for changes")


# status -> statuses it may move to (the workflow's one source of truth)
TRANSITIONS: dict[str, frozenset[str]] = {
    PeriodStatus.DRAFT: frozenset({PeriodStatus.SUBMITTED}),
    PeriodStatus.RETURNED: frozenset({PeriodStatus.SUBMITTED}),
    PeriodStatus.SUBMITTED: frozenset({PeriodStatus.VALIDATED, PeriodStatus.RETURNED}),
    PeriodStatus.VALIDATED: frozenset({PeriodStatus.RETURNED}),
}
EDITABLE = frozenset({PeriodStatus.DRAFT, PeriodStatus.RETURNED})


class ReportingMonth(models.Model):
    """One calendar month of the network: locked by a coordinator when closed.

    Its row is also the lock that serialises rollup refreshes of the month."""

    month = models.DateField(_("month"), unique=True)
    locked = models.BooleanField(_("locked"), default=False)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = acted_by()
    rollup_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("reporting month")
        verbose_name_plural = _("reporting months")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}{' locked' if self.locked else ''}"


class ReportingPeriod(TimeStampedModel):
    """An organisation's report for one month, and where it stands in the review."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="reporting_periods"
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=12, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    review_comment = models.TextField(_("coordinator's comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = acted_by()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = acted_by()

    class Meta:
        ordering = ["-month", "organisation__acronym"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="uniq_report_period")
        ]
        indexes = [models.Index(fields=["month", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m} {self.status}"

    @property
    def audit_organisation(self) -> Any:
        return self.organisation

    def can_transition(self, to: str) -> bool:
        return to in TRANSITIONS.get(self.status, frozenset())

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


# The disaggregation of people reached: (field, sex, age band).
REACHED_PARTS: tuple[str, ...] = (
    "reached_f_0_17",
    "reached_m_0_17",
    "reached_f_18_59",
    "reached_m_18_59",
    "reached_f_60",
    "reached_m_60",
)
COUNT_FIELDS: tuple[str, ...] = (*REACHED_PARTS, "reached_total", "sessions", "trained")


class ActivityReport(TimeStampedModel):
    """One row of a 4W report."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="rows")
    # Foreign keys without an index of their own: the composite indexes below serve the
    # queries, and every index slows a 100,000-row import down.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(_("month"))
    # sha1 of the row's identity (organisation, month, activity, place, site, partner, donor,
    # target group): the same row in two files has the same key, so re-imports are idempotent.
    row_key = models.CharField(max_length=40, unique=True)
    content_hash = models.CharField(max_length=40)
    activity = models.ForeignKey(
        "taxonomy.Term",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("activity"),
        db_index=False,
    )
    layer = models.PositiveSmallIntegerField(_("pyramid layer"), null=True, blank=True)
    area = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("place"),
        db_index=False,
    )
    # the place's ancestors at levels 1-3 (itself at its own level): rollups group on them
    adm1 = models.ForeignKey(
        "geo.AdminArea", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    adm2 = models.ForeignKey(
        "geo.AdminArea", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    adm3 = models.ForeignKey(
        "geo.AdminArea", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    site_uuid = models.UUIDField(_("site"), null=True, blank=True)
    implementing_partner = models.CharField(_("implementing partner"), max_length=200, blank=True)
    donor = models.CharField(_("donor"), max_length=200, blank=True)
    # the donor of the code list the text above names (by its code, name or an alias);
    # None when the text is empty or names no listed donor (see donors.py)
    funder = models.ForeignKey(
        "Donor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("donor (code list)"),
        db_index=False,
    )
    target_group = models.ForeignKey(
        "taxonomy.Term",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target group"),
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=12, choices=ActivityStatus.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reached_f_0_17 = models.PositiveIntegerField(_("girls 0-17"), null=True, blank=True)
    reached_m_0_17 = models.PositiveIntegerField(_("boys 0-17"), null=True, blank=True)
    reached_f_18_59 = models.PositiveIntegerField(_("women 18-59"), null=True, blank=True)
    reached_m_18_59 = models.PositiveIntegerField(_("men 18-59"), null=True, blank=True)
    reached_f_60 = models.PositiveIntegerField(_("women 60+"), null=True, blank=True)
    reached_m_60 = models.PositiveIntegerField(_("men 60+"), null=True, blank=True)
    reached_total = models.PositiveIntegerField(_("people reached"), default=0)
    sessions = models.PositiveIntegerField(_("sessions held"), default=0)
    trained = models.PositiveIntegerField(_("staff or volunteers trained"), default=0)
    comments = models.TextField(_("comments"), blank=True)
    import_job = models.ForeignKey(
        "ImportJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["activity__sort_order", "activity__code", "area__pcode"]
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        indexes = [
            models.Index(fields=["organisation", "month"]),
            models.Index(fields=["month", "area"]),
            models.Index(fields=["funder", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m} {self.activity_id}@{self.area_id}"

    @property
    def audit_organisation(self) -> Any:
        return self.organisation


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Waiting for confirmation")  # uploaded, shown, not yet imported
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Checking")
    FAILED = "failed", _("Has errors")
    DONE = "done", _("Imported")
    CRASHED = "crashed", _("Could not be read")


class ImportJob(TimeStampedModel):
    """One uploaded file and what became of it; the progress bar polls this row."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"), null=True, blank=True)
    created_by = acted_by()
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64)
    valid_only = models.BooleanField(_("import only the valid rows"), default=False)
    update_existing = models.BooleanField(_("replace rows that already exist"), default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    # up to MAX_STORED_ERRORS errors: {"line", "column", "code", "params"}; rendered in the
    # reader's language when shown
    errors = models.JSONField(default=list, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    MAX_STORED_ERRORS = 2000

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"import {self.uuid} {self.status}"

    @property
    def audit_organisation(self) -> Any:
        return self.organisation

    @property
    def finished(self) -> bool:
        return self.status in {ImportStatus.FAILED, ImportStatus.DONE, ImportStatus.CRASHED}

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.finished else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class Donor(models.Model):
    """A donor of the code list (`data/donors.csv`, `carenet load-donors`).

    `aliases` holds, one a line, the other ways reports spell it ("ECHO", "DG ECHO",
    "European Commission (ECHO)"): a 4W row's free-text donor is mapped to the donor whose
    code, name or alias it matches, ignoring case and spacing (`donors.donor_for`)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    aliases = models.TextField(_("other spellings"), blank=True, help_text=_("One a line."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return self.name

    def spellings(self) -> list[str]:
        return [self.code, self.name, *filter(None, (a.strip() for a in self.aliases.splitlines()))]


class NeedsFigure(TimeStampedModel):
    """People in need in one area, as an assessment counted them on a date.

    Figures are kept, never overwritten by a newer one: the gap page of a month reads the
    latest figure dated up to that month's end (`needs.latest_by_area`). `population_group`
    is a target-group code; blank means everyone in the area (the figure the gap page uses)."""

    area = models.ForeignKey(
        "geo.AdminArea", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    as_of = models.DateField(_("date"))
    population_group = models.CharField(_("population group"), max_length=40, blank=True)
    people_in_need = models.PositiveIntegerField(_("people in need"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    uploaded_by = acted_by()

    class Meta:
        ordering = ["area", "population_group", "-as_of"]
        verbose_name = _("needs figure")
        verbose_name_plural = _("needs figures")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "population_group", "as_of"], name="uniq_needs_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.as_of} {self.population_group}: {self.people_in_need}"


class ActivityRollup(models.Model):
    """Sums of rows per month x area (levels 1-3) x activity x organisation."""

    month = models.DateField()
    area = models.ForeignKey(
        "geo.AdminArea", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    activity = models.ForeignKey(
        "taxonomy.Term", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    layer = models.PositiveSmallIntegerField(null=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    row_count = models.PositiveIntegerField(default=0)
    reached_total = models.BigIntegerField(default=0)
    reached_f_0_17 = models.BigIntegerField(default=0)
    reached_m_0_17 = models.BigIntegerField(default=0)
    reached_f_18_59 = models.BigIntegerField(default=0)
    reached_m_18_59 = models.BigIntegerField(default=0)
    reached_f_60 = models.BigIntegerField(default=0)
    reached_m_60 = models.BigIntegerField(default=0)
    sessions = models.BigIntegerField(default=0)
    trained = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "area", "activity", "organisation"], name="uniq_activity_rollup"
            )
        ]
        indexes = [
            models.Index(fields=["month", "level", "activity"]),
            models.Index(fields=["organisation", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_id} {self.activity_id} {self.organisation_id}"


class AreaRollup(models.Model):
    """What one area had in one month, across organisations: the gap page reads only this.

    Plain columns, no JSON, so that reading every hromada of a country stays cheap:
    per layer 1-4 the organisations, activity codes and people reached; the sectors of the
    organisations present ("health, protection"); `activity_orgs`, how many
    organisations did each activity code there ("8.1=2;7.1=1"); and the same three figures
    for the rows reported at the area's own P-code (`direct_*`, levels 1-2)."""

    month = models.DateField()
    area = models.ForeignKey(
        "geo.AdminArea", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    organisations = models.PositiveIntegerField(default=0)
    activities = models.PositiveIntegerField(default=0)
    reached_total = models.BigIntegerField(default=0)
    l1_orgs = models.PositiveIntegerField(default=0)
    l1_activities = models.PositiveIntegerField(default=0)
    l1_reached = models.BigIntegerField(default=0)
    l2_orgs = models.PositiveIntegerField(default=0)
    l2_activities = models.PositiveIntegerField(default=0)
    l2_reached = models.BigIntegerField(default=0)
    l3_orgs = models.PositiveIntegerField(default=0)
    l3_activities = models.PositiveIntegerField(default=0)
    l3_reached = models.BigIntegerField(default=0)
    l4_orgs = models.PositiveIntegerField(default=0)
    l4_activities = models.PositiveIntegerField(default=0)
    l4_reached = models.BigIntegerField(default=0)
    sectors = models.TextField(blank=True)
    sector_count = models.PositiveSmallIntegerField(default=0)
    activity_orgs = models.TextField(blank=True)
    max_orgs_per_activity = models.PositiveIntegerField(default=0)
    # Rows reported at this area's own P-code, not at a smaller area within it (oblasts,
    # raions, voivodeships and powiats only): the pages of the levels below list them as
    # "reported at a higher level" instead of spreading them over areas they may not reach.
    direct_orgs = models.PositiveIntegerField(default=0)
    direct_reached = models.BigIntegerField(default=0)
    direct_activity_orgs = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "area"], name="uniq_area_rollup")]
        indexes = [models.Index(fields=["month", "level"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_id}"

    def activity_org_counts(self) -> dict[str, int]:
        return parse_activity_orgs(self.activity_orgs)

    def direct_activity_org_counts(self) -> dict[str, int]:
        return parse_activity_orgs(self.direct_activity_orgs)


def parse_activity_orgs(text: str) -> dict[str, int]:
    """ "8.1=2;7.1=1" -> {"8.1": 2, "7.1": 1}."""
    out = {}
    for part in filter(None, (text or "").split(";")):
        code, _sep, n = part.partition("=")
        out[code] = int(n)
    return out
