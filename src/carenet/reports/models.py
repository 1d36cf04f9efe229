"""Programmes with targets, organisations' grants, and who receives the monthly report pack.

A target's progress is never typed: it is counted from CareNet's own records (support spaces,
trainings, 4W rows, delivery records) by `progress.py`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.core.models import TimeStampedModel


class Programme(TimeStampedModel):
    """A programme of the network (support spaces, Resilience Centres, mhGAP trainings…)."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    # the organisation that runs it; blank for a programme of the whole network
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name


class Unit(models.TextChoices):
    """What a target counts, and so which records its progress is counted from."""

    SPACES_OPENED = "spaces_opened", _("support spaces opened")
    PEOPLE_TRAINED = "people_trained", _("people trained")
    PEOPLE_REACHED = "people_reached", _("people reached")
    SESSIONS_DELIVERED = "sessions_delivered", _("sessions delivered")


class Target(TimeStampedModel):
    """`number` of `unit` in `area` (and below; blank: everywhere) by `due_on`, counted from
    the programme's start."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    unit = models.CharField(_("unit"), max_length=24, choices=Unit.choices)
    number = models.PositiveIntegerField(_("number"))
    area = models.ForeignKey(
        "geo.AdminArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    due_on = models.DateField(_("by"))

    class Meta:
        ordering = ["due_on", "unit"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gt=0), name="reports_target_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.unit} by {self.due_on}"


class Grant(TimeStampedModel):
    """Money a donor gives an organisation for a period, some areas and maybe a programme."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    donor = models.ForeignKey(
        "reporting.Donor", on_delete=models.PROTECT, related_name="+", verbose_name=_("donor")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. EUR."))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    areas = models.ManyToManyField(
        "geo.AdminArea", blank=True, related_name="+", verbose_name=_("areas")
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grants",
        verbose_name=_("programme"),
    )
    reference = models.CharField(_("grant reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="reports_grant_dates"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="reports_grant_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.donor_id} {self.amount} {self.currency}"

    @property
    def audit_organisation(self) -> Any:
        return self.organisation


class PackFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class Subscription(TimeStampedModel):
    """A person who receives the month's report pack by e-mail (`carenet send-report-packs`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fmt = models.CharField(_("format"), max_length=4, choices=PackFormat.choices, default="pdf")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    donor = models.ForeignKey(
        "reporting.Donor",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("only this donor"),
    )
    area = models.ForeignKey(
        "geo.AdminArea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("only this area"),
    )
    last_sent_month = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("report pack subscription")
        verbose_name_plural = _("report pack subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.fmt} {self.language}"
