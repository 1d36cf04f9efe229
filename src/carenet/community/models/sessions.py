"""Strategic sessions: who took part (counts by sector), the vision, plans and action items."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.core.models import TimeStampedModel, acted_by


class StrategicSession(TimeStampedModel):
    community = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("community"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("convening organisation"),
        help_text=_("Empty: convened by the network's coordination."),
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    vision = models.TextField(_("vision agreed"), blank=True)
    short_term_plan = models.TextField(_("short-term plan"), blank=True)
    long_term_plan = models.TextField(_("long-term plan"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = acted_by()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("strategic session")
        verbose_name_plural = _("strategic sessions")
        indexes = [models.Index(fields=["community", "held_on"])]

    def __str__(self) -> str:
        return self.title or f"{self.held_on}"

    @property
    def audit_organisation(self) -> models.Model | None:
        return self.organisation


class SessionParticipation(models.Model):
    """How many people of one sector took part (counts, not names)."""

    session = models.ForeignKey(
        StrategicSession, on_delete=models.CASCADE, related_name="participation"
    )
    sector = models.ForeignKey(
        "community.CommunitySector", on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveSmallIntegerField(_("participants"))

    class Meta:
        ordering = ["session", "sector__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sector"], name="uniq_participation_sector"),
        ]

    def __str__(self) -> str:
        return f"{self.sector_id}: {self.count}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def overdue(today: datetime.date) -> models.Q:
    """Action items still open and due before `today`."""
    return models.Q(status__in=OPEN_STATUSES, due_on__lt=today)


class ActionItem(TimeStampedModel):
    session = models.ForeignKey(
        StrategicSession, on_delete=models.CASCADE, related_name="action_items"
    )
    description = models.CharField(_("action"), max_length=300)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner organisation"),
    )
    owner_other = models.CharField(
        _("other owner"),
        max_length=200,
        blank=True,
        help_text=_("A body that is not a member organisation, e.g. the hromada council."),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    status_note = models.CharField(_("note on the status"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.description

    @property
    def audit_organisation(self) -> models.Model | None:
        return self.session.organisation

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on is not None and self.due_on < today

    @property
    def owner_label(self) -> str:
        if self.owner_organisation_id:
            return str(self.owner_organisation)
        return self.owner_other
