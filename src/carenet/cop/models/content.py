"""What a CoP produces: supervision logs, a resource library and discussion threads."""

from __future__ import annotations

import uuid as uuid_lib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Organisation
from carenet.cop.models.community import CommunityOfPractice, Meeting
from carenet.core.models import TimeStampedModel


class SupervisionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual supervision")
    GROUP = "group", _("Group supervision")


class SupervisionLog(TimeStampedModel):
    """Hours and themes of one supervision session. Never client identities: there is no
    field for them, and the short note is checked for obvious identifiers."""

    cop = models.ForeignKey(
        CommunityOfPractice, on_delete=models.CASCADE, related_name="supervision_logs"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SupervisionKind.choices)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supervision_given",
        verbose_name=_("supervisor"),
    )
    supervisees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="supervision_received",
        verbose_name=_("supervisees"),
    )
    held_on = models.DateField(_("date"), db_index=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0.25), MaxValueValidator(12)],
    )
    themes = models.ManyToManyField("cop.SupervisionTheme", blank=True, verbose_name=_("themes"))
    note = models.CharField(_("short note on themes"), max_length=500, blank=True)
    meeting = models.OneToOneField(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="supervision_log"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("supervision log")
        verbose_name_plural = _("supervision logs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=12), name="cop_supervision_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"supervision {self.uuid}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.cop.host


class ResourceKind(models.TextChoices):
    FILE = "file", _("Document")
    LINK = "link", _("Link")


class Sharing(models.TextChoices):
    COP = "cop", _("Within this CoP")
    EVERYONE = "everyone", _("With everyone in the network")


def resource_path(instance: Resource, filename: str) -> str:
    """Stored under a random name: the original name is kept in a field, never in the path."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cop/resources/{uuid_lib.uuid4().hex}.{suffix}"


class ResourceQuerySet(models.QuerySet["Resource"]):
    def search(self, text: str) -> ResourceQuerySet:
        qs = self
        for word in text.split()[:8]:
            qs = qs.filter(
                models.Q(title__icontains=word)
                | models.Q(description__icontains=word)
                | models.Q(tags__icontains=word)
            )
        return qs

    def tagged(self, tag: str) -> ResourceQuerySet:
        return self.filter(tags__contains=f",{tag},")


class Resource(TimeStampedModel):
    cop = models.ForeignKey(CommunityOfPractice, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("kind"), max_length=5, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=resource_path, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    language = models.CharField(_("language"), max_length=8)
    # stored as ",tag-one,tag-two," so that one tag is matched exactly
    tags = models.CharField(_("tags"), max_length=400, blank=True)
    sharing = models.CharField(
        _("shared"), max_length=10, choices=Sharing.choices, default=Sharing.COP
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title

    @property
    def audit_organisation(self) -> Organisation:
        return self.cop.host

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class Thread(TimeStampedModel):
    cop = models.ForeignKey(CommunityOfPractice, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_post_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_post_at"]
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")

    def __str__(self) -> str:
        return self.title

    @property
    def audit_organisation(self) -> Organisation:
        return self.cop.host


class Post(TimeStampedModel):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=4000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"post {self.uuid}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.thread.cop.host
