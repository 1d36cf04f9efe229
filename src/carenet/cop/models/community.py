"""A Community of Practice, its members and its meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Organisation
from carenet.core.models import TimeStampedModel


class Scope(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")


class Visibility(models.TextChoices):
    OPEN = "open", _("Open: anyone in the network may read and join")
    PRIVATE = "private", _("Private: members only")


class CommunityOfPractice(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    topic = models.CharField(_("topic"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    area = models.ForeignKey(
        "geo.AdminArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    host = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cops",
        verbose_name=_("host organisation"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community of practice")
        verbose_name_plural = _("communities of practice")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_organisation(self) -> Organisation:
        return self.host

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE


class CopRole(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    SUPERVISOR = "supervisor", _("Supervisor")
    MEMBER = "member", _("Member")


class CopMemberQuerySet(models.QuerySet["CopMember"]):
    def current(self) -> CopMemberQuerySet:
        return self.filter(left_on__isnull=True)


class CopMember(TimeStampedModel):
    """A person in a CoP, for one of their organisations, with their profession.

    Leaving keeps the row (`left_on`) so that retention can be measured.
    """

    cop = models.ForeignKey(CommunityOfPractice, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cop_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    profession = models.ForeignKey(
        "cop.Profession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("profession"),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=CopRole.choices, default=CopRole.MEMBER
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = CopMemberQuerySet.as_manager()

    class Meta:
        ordering = ["cop", "user__full_name", "user__email"]
        verbose_name = _("CoP member")
        verbose_name_plural = _("CoP members")
        constraints = [
            models.UniqueConstraint(fields=["cop", "user"], name="cop_uniq_member"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="cop_member_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["user", "left_on"])]

    def __str__(self) -> str:
        return f"{self.user_id}@cop{self.cop_id}:{self.role}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.cop.host

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class MeetingKind(models.TextChoices):
    PEER_LEARNING = "peer_learning", _("Peer learning")
    CASE_DISCUSSION = "case_discussion", _("Case discussion")
    GROUP_SUPERVISION = "group_supervision", _("Group supervision")
    TRAINING = "training", _("Training")
    WEBINAR = "webinar", _("Webinar")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(TimeStampedModel):
    cop = models.ForeignKey(CommunityOfPractice, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    place = models.CharField(_("place or online link"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, max_length=3000)
    minutes = models.TextField(_("short minutes"), blank=True, max_length=3000)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=720),
                name="cop_meeting_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_organisation(self) -> Organisation:
        return self.cop.host

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Attendance(models.Model):
    """Whether one member was present at one meeting (a row per member invited)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(CopMember, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="cop_uniq_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.meeting_id}:{self.present}"
