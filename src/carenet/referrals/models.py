"""Clients, consent, referrals and the notifications that tell each side what changed.

A client's name, phone and date of birth are stored encrypted (`EncryptedTextField`); so are
every free text about a person (the reason for a referral, the receiver's feedback, the
reasons given for declining or cancelling). `__str__` of every model here returns codes only,
so that no personal value reaches a log line, an admin list or an error report.

Who may see what, and when consent allows sharing, is decided in `queries.py` and
`services.py`; the models only hold the data and single-row rules.
"""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carenet.core.crypto import EncryptedTextField
from carenet.core.models import TimeStampedModel, acted_by

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation

# No 0/O, 1/I/L: codes are read aloud over the phone and copied by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(prefix: str, *groups: int) -> str:
    """E.g. random_code("CN", 4, 2) -> "CN-7K3P-Q9"."""
    parts = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(n)) for n in groups]
    return "-".join([prefix, *parts])


def new_client_code() -> str:
    return random_code("CN", 4, 2)


def new_referral_code() -> str:
    return random_code("RF", 4, 4)


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class AgeBand(models.TextChoices):
    """Nests into the 4W bands (0-4, 5-17, 18-59, 60+)."""

    A0_4 = "0-4", _("0-4 years")
    A5_11 = "5-11", _("5-11 years")
    A12_17 = "12-17", _("12-17 years")
    A18_59 = "18-59", _("18-59 years")
    A60 = "60+", _("60 years or older")


# The age used to match services when only the band is known (see README).
AGE_FOR_MATCHING = {"0-4": 2, "5-11": 8, "12-17": 15, "18-59": 35, "60+": 70}


class Client(TimeStampedModel):
    """A person seeking help, known to other organisations only by a pseudonymous code."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by organisation"),
    )
    code = models.CharField(
        _("client code"), max_length=12, unique=True, editable=False, default=new_client_code
    )
    name = EncryptedTextField(_("name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    # ISO date (YYYY-MM-DD), encrypted like the other identifying fields.
    date_of_birth = EncryptedTextField(_("date of birth"), blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    age_band = models.CharField(_("age band"), max_length=6, choices=AgeBand.choices)
    languages = models.JSONField(_("languages"), default=list, blank=True)  # language codes
    area = models.ForeignKey(
        "geo.AdminArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    registered_by = acted_by()
    # Right to erasure: when the identifying fields were wiped (the code and counts stay).
    erased_at = models.DateTimeField(_("identifying details erased at"), null=True, blank=True)
    erased_by = acted_by()
    # The last day a `reporting` consent covers (FOREVER: until withdrawn); None: the person
    # is not counted. Kept by the consent services for the metrics rollup (`rollup.py`).
    reports_until = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="ref_client_org"),
            models.Index(fields=["reports_until"], name="ref_client_reports"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years from the date of birth, if it is known and readable."""
        try:
            born = datetime.date.fromisoformat(self.date_of_birth)
        except ValueError:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def age_for_matching(self) -> int | None:
        age = self.age_on(timezone.localdate())
        return age if age is not None else AGE_FOR_MATCHING.get(self.age_band)


class ConsentPurpose(models.TextChoices):
    SHARE_REFERRAL = "share_referral", _("Share my information for a referral")
    FOLLOW_UP = "follow_up", _("Be contacted for follow-up")
    REPORTING = "reporting", _("Be counted in reports")


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("A parent or guardian")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written")


class SharedField(models.TextChoices):
    """Identifying fields a sharing consent may release to a receiving organisation."""

    NAME = "name", pgettext_lazy("person", "Name")  # a person's name, not a thing's
    PHONE = "phone", _("Phone")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def valid(self, at: datetime.datetime | None = None) -> ConsentQuerySet:
        """Given, not withdrawn and not expired at `at` (default: now)."""
        at = at or timezone.now()
        today = timezone.localdate(at)
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            withdrawn_at__isnull=True,
            given_at__lte=at,
        )

    def covering(self, organisation: Organisation) -> ConsentQuerySet:
        return self.filter(organisations=organisation)


class Consent(TimeStampedModel):
    """What a person agreed to: one purpose, some organisations, for a time; revocable.

    A consent with `referral` set covers that referral only.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given_by = models.CharField(_("given by"), max_length=10, choices=ConsentGiver.choices)
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("organisations it covers"),
    )
    shared_fields = models.JSONField(
        _("identifying fields that may be shared"), default=list, blank=True
    )
    referral = models.ForeignKey(
        "Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("only for this referral"),
    )
    recorded_by = acted_by()
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = acted_by()

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["client", "purpose"], name="ref_consent_client")]

    def __str__(self) -> str:
        return f"consent {self.uuid} {self.purpose}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.client.organisation

    def is_valid(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return (
            self.withdrawn_at is None
            and self.given_at <= at
            and (self.valid_until is None or timezone.localdate(at) <= self.valid_until)
        )


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not attend")
    REVOKED = "revoked", _("Revoked")


# States in which the receiver has said how it ended: the referrer should see the outcome.
OUTCOME_STATES = frozenset({Status.DECLINED, Status.COMPLETED, Status.NO_SHOW})
CLOSED_STATES = OUTCOME_STATES | {Status.CANCELLED, Status.REVOKED}


class Outcome(models.TextChoices):
    SERVICE_COMPLETED = "service_completed", _("Service completed as planned")
    REFERRED_ON = "referred_on", _("Referred on to another service")
    STOPPED_EARLY = "stopped_early", _("The person stopped early")
    OTHER = "other", _("Other")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def sent(self) -> ReferralQuerySet:
        return self.filter(sent_at__isnull=False)

    def overdue(self, at: datetime.datetime | None = None) -> ReferralQuerySet:
        """Sent, not yet acknowledged, past the target response time."""
        return self.filter(status=Status.SENT, due_at__lt=at or timezone.now())


class Referral(TimeStampedModel):
    """A referral of a client from one organisation to a service of another."""

    code = models.CharField(
        _("referral code"), max_length=12, unique=True, editable=False, default=new_referral_code
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals")
    from_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referring organisation"),
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving organisation"),
    )
    service = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("service"),
    )
    site = models.ForeignKey(
        "directory.Site",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("site"),
    )
    created_by = acted_by()
    # Where the person is, copied from the client when the draft is made (for metrics).
    area = models.ForeignKey(
        "geo.AdminArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.DRAFT
    )
    # The need, in the code lists' codes.
    activity_codes = models.JSONField(_("activities needed"), default=list, blank=True)
    layer = models.CharField(_("layer of care needed"), max_length=40, blank=True)
    from_layer = models.CharField(_("layer of care referring from"), max_length=40, blank=True)
    intervention = models.CharField(_("intervention"), max_length=40, blank=True)
    target_group = models.CharField(_("target group"), max_length=40, blank=True)
    summary = EncryptedTextField(_("reason for referral"), blank=True)
    # The legal basis it was sent on: a consent, or an audited override.
    consent = models.ForeignKey(
        Consent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_overridden = models.BooleanField(default=False)
    override_reason = EncryptedTextField(blank=True)
    overridden_by = acted_by()
    status_reason = EncryptedTextField(_("reason"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    feedback = EncryptedTextField(_("feedback to the referrer"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The loop is closed when someone of the referring side has seen the outcome.
    loop_closed_at = models.DateTimeField(null=True, blank=True)
    loop_closed_by = acted_by()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_organisation", "-sent_at"], name="ref_inbox"),
            models.Index(fields=["to_organisation", "status", "-sent_at"], name="ref_inbox_status"),
            models.Index(fields=["from_organisation", "-created_at"], name="ref_outbox"),
            models.Index(fields=["status", "due_at"], name="ref_due"),
            # The days of a date range outside its whole months (`metrics`).
            models.Index(fields=["sent_at"], name="ref_sent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="ref_not_to_self",
            ),
            models.CheckConstraint(
                # Only a draft, or a draft cancelled before sending, was never sent.
                condition=Q(status__in=["draft", "cancelled"], sent_at__isnull=True)
                | Q(sent_at__isnull=False, to_organisation__isnull=False),
                name="ref_sent_has_receiver",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def audit_organisation(self) -> Organisation:
        return self.from_organisation

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == Status.SENT
            and self.due_at is not None
            and (self.due_at < timezone.now())
        )

    @property
    def has_outcome(self) -> bool:
        return self.status in OUTCOME_STATES

    @property
    def loop_closed(self) -> bool:
        return self.loop_closed_at is not None

    def can_transition(self, name: str) -> bool:
        """Whether the transition `name` may start from the current state (any actor)."""
        from carenet.referrals.workflow import TRANSITIONS

        transition = TRANSITIONS.get(name)
        return transition is not None and self.status in transition.sources


class Side(models.TextChoices):
    SENDER = "sender", _("Referring side")
    RECEIVER = "receiver", _("Receiving side")


class ReferralEvent(models.Model):
    """One step of a referral's history. Reasons and notes stay on the referral (encrypted)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = acted_by()
    side = models.CharField(max_length=10, choices=Side.choices)
    transition = models.CharField(max_length=20)
    from_status = models.CharField(max_length=15, choices=Status.choices)
    to_status = models.CharField(max_length=15, choices=Status.choices)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.transition}"


class Notification(TimeStampedModel):
    """An in-app message to one side of a referral: only the code, what changed and a link."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=30)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = acted_by()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "read_at", "-created_at"], name="ref_notification_inbox"
            )
        ]

    def __str__(self) -> str:
        return f"notification {self.event} {self.referral_id}"

    @property
    def event_label(self) -> str:
        from carenet.referrals.notify import event_label

        return event_label(self.event)

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation


class PathwayCell(models.Model):
    """One cell of the pathway metrics rollup: what one pathway counts in one scope and month.

    Kept up to date by `rollup.py`, called from the services on every step of a counted
    referral and every change of a `reporting` consent, so the metrics read a few rows
    instead of every referral. `scope` is "*" (the network), "country:<sender's country>",
    "region:<oblast / voivodeship P-code>" or "area:<AdminArea id>" (the person's own area);
    `grouping` is "organisation" (keys are organisation ids), "layer", "area" (the region's
    P-code) or "total" (empty keys); `month` is "" (all time) or the month the referrals were
    sent ("2026-03"). The two histograms count the hours from sending (`rollup.tenths`:
    value -> how many referrals).
    """

    scope = models.CharField(max_length=24)
    grouping = models.CharField(max_length=12)
    origin = models.CharField(max_length=40, blank=True)
    target = models.CharField(max_length=40, blank=True)
    month = models.CharField(max_length=7, blank=True, default="")
    sent = models.IntegerField(default=0)
    acknowledged = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    started = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    declined = models.IntegerField(default=0)
    no_show = models.IntegerField(default=0)
    outcomes = models.IntegerField(default=0)
    loops_closed = models.IntegerField(default=0)
    to_acknowledge = models.JSONField(default=dict, blank=True)
    to_start = models.JSONField(default=dict, blank=True)
    # The medians of the two histograms (tenths of an hour), kept with them so that a read
    # of one scope need not load the histograms; for the cells over all time only (a month's
    # cells are read summed).
    median_to_acknowledge = models.FloatField(null=True, blank=True)
    median_to_start = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "grouping", "origin", "target", "month"], name="ref_cell_key"
            )
        ]
        indexes = [
            models.Index(fields=["scope", "grouping", "month", "-sent"], name="ref_cell_top")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.month or '*'} {self.grouping} {self.origin}->{self.target}"
