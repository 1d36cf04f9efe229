"""Peer support groups with rotating facilitation, and the volunteers who run them.

A group's meetings keep anonymous head counts only. A volunteer's name and contact are
encrypted at rest and read only by their own organisation (`peer.volunteers`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from carenet.core.crypto import EncryptedTextField
from carenet.core.models import TimeStampedModel


class GroupKind(models.Model):
    """A kind of peer group (code list loaded from `peer/data/group_kinds.csv`)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_uk = models.CharField(_("label (Ukrainian)"), max_length=200, blank=True)
    label_pl = models.CharField(_("label (Polish)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("kind of peer group")
        verbose_name_plural = _("kinds of peer group")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = (get_language() or "en")[:2]
        return getattr(self, f"label_{lang}", "") or self.label_en


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("In screening")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left")
    DECLINED = "declined", _("Not taken on")


class Volunteer(TimeStampedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    full_name = EncryptedTextField(_("name"))
    contact = EncryptedTextField(_("phone or e-mail"), blank=True)
    # The volunteer's own account, if they have one (their trainings and certificates).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("account"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VolunteerStatus.choices, default=VolunteerStatus.APPLIED
    )
    invited = models.BooleanField(_("invited"), default=False)
    motivation = EncryptedTextField(_("why they want to volunteer"), blank=True)
    applied_on = models.DateField(_("applied on"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(left_on__gte=models.F("started_on")),
                name="volunteer_left_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"volunteer {self.uuid}"

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation

    def active_on(self, day: datetime.date) -> bool:
        """Whether the volunteer was serving on `day` (started, not yet left)."""
        return (
            self.started_on is not None
            and self.started_on <= day
            and (self.left_on is None or self.left_on > day)
        )


class ScreeningStep(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    REFERENCES = "references", _("References checked")
    BACKGROUND = "background", _("Background check")
    CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct signed")
    SAFEGUARDING = "safeguarding", _("Safeguarding briefing")


class Screening(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="screenings")
    step = models.CharField(_("step"), max_length=30, choices=ScreeningStep.choices)
    done_on = models.DateField(_("done on"))
    passed = models.BooleanField(_("passed"), default=True)

    class Meta:
        ordering = ["done_on"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "step"], name="uniq_screening_step")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}:{self.step}"


class PeerGroup(TimeStampedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.ForeignKey(
        GroupKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind")
    )
    host_site = models.ForeignKey(
        "directory.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("host site")
    )
    schedule = models.CharField(
        _("schedule"), max_length=200, help_text=_("For example: Tuesdays 18:00–19:30.")
    )
    ground_rules = models.TextField(_("ground rules"), blank=True)
    open_to_newcomers = models.BooleanField(
        _("open to newcomers"),
        default=True,
        help_text=_("Open groups are listed in the public service directory."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("supervising professional"),
    )
    supervision_cop = models.ForeignKey(
        "cop.CommunityOfPractice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("supervision in the Community of Practice"),
    )
    # The directory listing made for the group while it is open (kept, set inactive, when not).
    listing = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_organisation(self) -> models.Model:
        return self.organisation

    @property
    def listed(self) -> bool:
        return self.is_active and self.open_to_newcomers


class Facilitator(models.Model):
    """A volunteer who takes turns leading a group's meetings."""

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="facilitators")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    turn = models.PositiveSmallIntegerField(_("turn"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["turn", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "volunteer"], name="uniq_group_facilitator")
        ]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.volunteer_id}"


class GroupMeeting(TimeStampedModel):
    """One meeting, with who facilitates it and an anonymous head count (no names)."""

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    facilitator = models.ForeignKey(
        Facilitator,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    head_count = models.PositiveSmallIntegerField(
        _("people present"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    newcomers = models.PositiveSmallIntegerField(
        _("of whom new"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "date"], name="uniq_group_meeting_day"),
            models.CheckConstraint(
                condition=models.Q(newcomers__isnull=True)
                | models.Q(head_count__isnull=True)
                | models.Q(newcomers__lte=models.F("head_count")),
                name="meeting_newcomers_within_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}@{self.date}"

    @property
    def audit_organisation(self) -> models.Model:
        return self.group.organisation


class AssignmentRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Group facilitator")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    RECEPTION = "reception", _("Welcome and reception")
    CHILDREN = "children", _("Children's activities")
    OUTREACH = "outreach", _("Outreach")
    COORDINATION = "coordination", _("Volunteer coordination")


class Assignment(models.Model):
    """A volunteer's role at a site or in a group, for a period."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=30, choices=AssignmentRole.choices)
    site = models.ForeignKey(
        "directory.Site",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("site"),
    )
    group = models.ForeignKey(
        PeerGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("group"),
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(site__isnull=True, group__isnull=False)
                | models.Q(site__isnull=False, group__isnull=True),
                name="assignment_site_or_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}:{self.role}"


class HoursLog(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="hours")
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("16"))],
    )

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=16), name="hours_log_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}:{self.date}:{self.hours}"
