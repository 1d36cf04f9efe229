"""The network itself: applications to join, the TWG and its sub-groups, their meetings,
decisions and action points, reminders sent, and advocacy goals with milestones."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Country, Organisation, OrganisationKind
from carenet.core.models import TimeStampedModel, acted_by

# --- joining ------------------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class Application(TimeStampedModel):
    """An organisation's request to join the network, made through the public form."""

    name = models.CharField(_("name of the organisation"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    sectors = models.ManyToManyField(
        "taxonomy.Term", blank=True, related_name="+", verbose_name=_("sectors")
    )
    areas = models.ManyToManyField(
        "geo.AdminArea", blank=True, related_name="+", verbose_name=_("areas of work")
    )
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail address"))
    description = models.TextField(_("what the organisation does"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    decided_by = acted_by()
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application to join")
        verbose_name_plural = _("applications to join")

    def __str__(self) -> str:
        return self.name


# --- the TWG, its sub-groups, meetings, decisions, action points -------------------------------


class GroupKind(models.TextChoices):
    TWG = "twg", _("Technical working group")
    SUBGROUP = "subgroup", _("Sub-group")
    TASK_FORCE = "task_force", _("Task force")


class NetworkGroup(TimeStampedModel):
    """The coordination group (TWG) or one of its sub-groups (e.g. a referral sub-group)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=GroupKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subgroups",
        verbose_name=_("part of"),
    )
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("network group")
        verbose_name_plural = _("network groups")

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class NetworkMeeting(TimeStampedModel):
    group = models.ForeignKey(
        NetworkGroup, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("group")
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place or online link"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), max_length=5000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    attending = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("organisations present")
    )
    created_by = acted_by()

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class Decision(TimeStampedModel):
    """A decision of a group, logged at a meeting; public ones show on the key decisions page."""

    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField(_("decision"), max_length=2000)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public key decisions page.")
    )
    created_by = acted_by()

    class Meta:
        ordering = ["-meeting__held_on", "created_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionPointQuerySet(models.QuerySet["ActionPoint"]):
    def open(self) -> ActionPointQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date | None = None) -> ActionPointQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ActionPoint(TimeStampedModel):
    """Something a meeting asked an organisation or a person to do, by a date."""

    meeting = models.ForeignKey(
        NetworkMeeting, on_delete=models.PROTECT, related_name="action_points"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_points"
    )
    title = models.CharField(_("action"), max_length=300)
    owner_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation responsible"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person responsible"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ActionPointQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "title"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_organisation__isnull=False)
                | models.Q(owner_user__isnull=False),
                name="action_point_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < timezone.localdate()


# --- reminders ---------------------------------------------------------------------------------


class ReminderKind(models.TextChoices):
    REPORT_4W = "4w", _("4W report not submitted")
    LISTINGS = "listings", _("Listings not confirmed")


class Reminder(TimeStampedModel):
    """One reminder e-mailed to one organisation's focal points; one per kind and month."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organisation", "month"], name="one_reminder_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.organisation_id} {self.month}"


# --- advocacy and policy --------------------------------------------------------------------


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    STALLED = "stalled", _("Stalled")
    DROPPED = "dropped", _("Dropped")


class AdvocacyGoal(TimeStampedModel):
    """An advocacy or policy goal in an area (MHPSS in a regional plan, a budget line)."""

    title = models.CharField(_("goal"), max_length=300)
    area = models.ForeignKey(
        "geo.AdminArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    description = models.TextField(_("description"), max_length=3000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    lead = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lead organisation"),
    )
    created_by = acted_by()

    class Meta:
        ordering = ["status", "title"]
        verbose_name = _("advocacy goal")
        verbose_name_plural = _("advocacy goals")

    def __str__(self) -> str:
        return self.title


class Milestone(TimeStampedModel):
    goal = models.ForeignKey(AdvocacyGoal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence (link)"), blank=True, max_length=500)
    evidence_note = models.CharField(_("evidence (note)"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title
