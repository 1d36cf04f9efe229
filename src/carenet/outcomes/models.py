"""Service delivery and outcomes: instruments as data, delivery records, attendance,
administrations of instruments, per-person change and safety flags.

A participant's answers are stored encrypted (`EncryptedTextField`); totals, bands and change
are stored in the clear so that suppressed aggregates can be computed in the database. Rows
copy their organisation, site, area (and its oblast), intervention and month from their
delivery record, so that every read filters and groups on this app's own columns and never
through another app's relations.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carenet.core.crypto import EncryptedTextField
from carenet.core.models import TimeStampedModel, acted_by

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation
    from carenet.outcomes.scoring import Definition


def _pick(obj: Any, prefix: str) -> str:
    lang = (get_language() or "en")[:2]
    return getattr(obj, f"{prefix}_{lang}", "") or getattr(obj, f"{prefix}_en")


class MEGroup(models.Model):
    """The goal and impact-indicator groups of the IASC Common M&E Framework for MHPSS."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_uk = models.CharField(_("label (Ukrainian)"), max_length=200, blank=True)
    label_pl = models.CharField(_("label (Polish)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Wording checked against the framework; otherwise marked unverified."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("M&E outcome group")
        verbose_name_plural = _("M&E outcome groups")

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        return _pick(self, "label")


class Licence(models.TextChoices):
    ITEMS = "items", _("Items may ship")
    UNMODIFIED = "unmodified", _("Items ship unmodified, credited")
    ATTRIBUTION = "attribution", _("Scored answers only, with attribution")
    SCORES_ONLY = "scores_only", _("Totals only, no items")


class Instrument(models.Model):
    """An outcome instrument: items, options, bands and rules as data (`definition`)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200, blank=True)
    name_pl = models.CharField(_("name (Polish)"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    licence = models.CharField(_("licence"), max_length=12, choices=Licence.choices)
    licence_note = models.TextField(_("licence note"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    me_group = models.ForeignKey(
        MEGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instruments",
        verbose_name=_("M&E outcome group"),
    )
    # items, options, bands, safety rule, cut-off, scoring convention: see data/instruments
    definition = models.JSONField(_("definition"), default=dict)
    reliability = models.FloatField(_("reliability"), null=True, blank=True)
    reliability_kind = models.CharField(_("kind of reliability"), max_length=40, blank=True)
    sd = models.FloatField(_("standard deviation for reliable change"), null=True, blank=True)
    reliability_source = models.TextField(_("source of reliability and SD"), blank=True)
    reliability_verified = models.BooleanField(_("reliability verified"), default=False)
    verified = models.BooleanField(_("verified"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return _pick(self, "name")

    def scoring(self) -> Definition:
        from carenet.outcomes.scoring import Definition

        return Definition.from_data(
            self.definition, {"reliability": self.reliability, "sd": self.sd}
        )

    @property
    def entered_total(self) -> bool:
        return (self.definition.get("scoring") or {}).get("method") == "entered_total"


class DeliveryKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual sessions")
    GROUP = "group", _("Group cycle")
    HEADCOUNT = "headcount", _("Anonymous head count (drop-in, awareness event)")


class Delivery(TimeStampedModel):
    """A delivery record: individual sessions, a group cycle or an anonymous activity, at a
    directory site."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "directory.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    # copied from the site when the record is made
    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    intervention = models.ForeignKey(
        "taxonomy.Term",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("intervention"),
    )
    activity_code = models.CharField(_("4W activity code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=DeliveryKind.choices)
    programme = models.CharField(_("programme"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"), default=1)
    facilitators = models.ManyToManyField(
        "accounts.User", blank=True, related_name="+", verbose_name=_("facilitators")
    )
    # anonymous head counts (no identity kept), by sex and age as the 4W asks
    count_f_0_17 = models.PositiveIntegerField(_("girls 0-17"), default=0)
    count_m_0_17 = models.PositiveIntegerField(_("boys 0-17"), default=0)
    count_f_18_59 = models.PositiveIntegerField(_("women 18-59"), default=0)
    count_m_18_59 = models.PositiveIntegerField(_("men 18-59"), default=0)
    count_f_60 = models.PositiveIntegerField(_("women 60+"), default=0)
    count_m_60 = models.PositiveIntegerField(_("men 60+"), default=0)
    created_by = acted_by()
    # kept by the services (`services._recount`) so that dashboards read one row per record
    # instead of joining participants and sessions: at 250,000 participants the joins took
    # 450 ms of the network dashboard's 700 ms (benchmarks/outcomes.py)
    participants_count = models.PositiveIntegerField(default=0, editable=False)
    completed_count = models.PositiveIntegerField(default=0, editable=False)
    ended_count = models.PositiveIntegerField(default=0, editable=False)
    sessions_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("delivery record")
        verbose_name_plural = _("delivery records")
        indexes = [models.Index(fields=["organisation", "started_on"], name="out_delivery_org")]

    def __str__(self) -> str:
        return f"{self.activity_code} {self.started_on:%Y-%m-%d}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation

    @property
    def headcount(self) -> int:
        return sum(getattr(self, f) for f in HEADCOUNT_FIELDS)


HEADCOUNT_FIELDS = (
    "count_f_0_17",
    "count_m_0_17",
    "count_f_18_59",
    "count_m_18_59",
    "count_f_60",
    "count_m_60",
)


class Session(models.Model):
    """One session of a delivery record (session n of a cycle)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session number"))
    held_on = models.DateField(_("held on"))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="out_session_number")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}"


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", _("Taking part")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")


class Participant(TimeStampedModel):
    """A pseudonymous client taking part in a delivery record."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="participants")
    client = models.ForeignKey("referrals.Client", on_delete=models.PROTECT, related_name="+")
    client_code = models.CharField(_("client code"), max_length=12)
    client_uuid = models.UUIDField()
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # copied from the client when enrolled: the 4W counts people by sex and age
    sex = models.CharField(_("sex"), max_length=10)
    age_band = models.CharField(_("age band"), max_length=6)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.ACTIVE,
    )
    dropped_out_on = models.DateField(_("dropped out on"), null=True, blank=True)

    class Meta:
        ordering = ["client_code"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "client"], name="out_participant_once")
        ]

    def __str__(self) -> str:
        return self.client_code

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="out_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.participant_id}"


class Timepoint(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    DURING = "during", _("During")
    END = "end", _("End")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Administration(TimeStampedModel):
    """One questionnaire given to one participant at one time point."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="administrations"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    timepoint = models.CharField(_("time point"), max_length=10, choices=Timepoint.choices)
    taken_on = models.DateField(_("taken on"))
    # {"1": 3, "2": null, ...} as JSON, encrypted; a total entered from elsewhere is {"total": n}
    answers = EncryptedTextField(_("answers"), blank=True)
    complete = models.BooleanField(_("complete"), default=False)
    missing_items = models.JSONField(_("missing items"), default=list, blank=True)
    total = models.SmallIntegerField(_("total"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=30, blank=True)
    flagged = models.BooleanField(_("safety flag raised"), default=False)
    entered_by = acted_by()
    # copied from the delivery record and participant, for aggregates without joins
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    site = models.ForeignKey("directory.Site", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    intervention = models.ForeignKey(
        "taxonomy.Term", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    month = models.DateField()

    class Meta:
        ordering = ["taken_on", "id"]
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")
        indexes = [
            models.Index(fields=["organisation", "month"], name="out_adm_org_month"),
            models.Index(fields=["area", "month"], name="out_adm_area_month"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.timepoint} {self.taken_on:%Y-%m-%d}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation

    def answer_map(self) -> dict[str, Any]:
        return json.loads(self.answers) if self.answers else {}


class Outcome(models.Model):
    """Pre/post change of one participant on one instrument, kept by the services when an
    administration is saved (the first complete baseline against the latest complete end or
    follow-up)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    pre = models.SmallIntegerField()
    post = models.SmallIntegerField()
    change = models.SmallIntegerField()
    rci = models.FloatField(null=True)
    reliable = models.CharField(max_length=12, blank=True)  # improved | no_change | deteriorated
    recovered = models.BooleanField(null=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    site = models.ForeignKey("directory.Site", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.PROTECT, related_name="+")
    intervention = models.ForeignKey(
        "taxonomy.Term", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    programme = models.CharField(max_length=120, blank=True)
    month = models.DateField()  # of the post administration

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "instrument"], name="out_outcome_once")
        ]
        indexes = [
            models.Index(fields=["organisation", "month"], name="out_outc_org_month"),
            models.Index(fields=["area", "month"], name="out_outc_area_month"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.change:+d}"


class OutcomeMonth(models.Model):
    """The outcomes summed by month and by everything a dashboard filters on, kept by
    `services.outcome_refresh` in the same transaction as the outcome it counts.

    The network dashboard reads these few thousand rows instead of every participant's
    outcome: at 1,000,000 administrations (250,000 PHQ-9 outcomes) the whole network's p95
    went from 248 ms to 92 ms, with DuckDB on the raw rows at 109 ms in the same run
    (benchmarks/outcomes.py, PostgreSQL, load average 7).
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    site = models.ForeignKey(
        "directory.Site", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    area = models.ForeignKey(
        "geo.AdminArea", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    intervention = models.ForeignKey(
        "taxonomy.Term", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    programme = models.CharField(max_length=120, blank=True)
    month = models.DateField()
    outcomes = models.IntegerField(default=0)
    improved = models.IntegerField(default=0)
    change_sum = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "instrument",
                    "organisation",
                    "site",
                    "area",
                    "intervention",
                    "programme",
                    "month",
                ],
                name="out_month_key",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "month"], name="out_month_org"),
            models.Index(fields=["area", "month"], name="out_month_area"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.month:%Y-%m} {self.outcomes}"


class SafetyFlag(TimeStampedModel):
    """Raised when an administration meets its instrument's safety rule; cleared by a
    practitioner of the organisation. Raising and clearing are audited."""

    administration = models.OneToOneField(
        Administration, on_delete=models.CASCADE, related_name="safety_flag"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    client_uuid = models.UUIDField()
    client_code = models.CharField(max_length=12)
    reasons = models.JSONField(default=list)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = acted_by()
    clearing_note = EncryptedTextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "cleared_at"], name="out_flag_open")]

    def __str__(self) -> str:
        return f"flag {self.client_code}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class SafetyProtocol(models.Model):
    """What to do when a safety flag is raised: an organisation's protocol, or one site's."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(
        "directory.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text_en = models.TextField(_("protocol (English)"))
    text_uk = models.TextField(_("protocol (Ukrainian)"), blank=True)
    text_pl = models.TextField(_("protocol (Polish)"), blank=True)

    class Meta:
        verbose_name = _("safety protocol")
        verbose_name_plural = _("safety protocols")

    def __str__(self) -> str:
        return f"protocol {self.organisation_id}/{self.site_id or '-'}"

    @property
    def text(self) -> str:
        return _pick(self, "text")
