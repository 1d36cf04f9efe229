"""The implementation tracker: a programme in a community, stage by stage, with evidence."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.core.models import TimeStampedModel, acted_by


class Implementation(TimeStampedModel):
    """One programme being implemented in one community."""

    programme = models.ForeignKey(
        "community.Programme",
        on_delete=models.PROTECT,
        related_name="implementations",
        verbose_name=_("programme"),
    )
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
        verbose_name=_("lead organisation"),
        help_text=_("Empty: followed by the network's coordination."),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    # When a stage or its evidence last changed (written by the services): "stuck" when the
    # implementation is unfinished and this is older than CARENET_COMMUNITY_STUCK_DAYS.
    last_change_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["community__pcode", "programme__sort_order"]
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "community"], name="uniq_programme_in_community"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.community_id}"

    @property
    def audit_organisation(self) -> models.Model | None:
        return self.organisation


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class StageProgress(TimeStampedModel):
    """Where one implementation stands on one stage. A missing row means "not started"."""

    implementation = models.ForeignKey(
        Implementation, on_delete=models.CASCADE, related_name="progress"
    )
    stage = models.ForeignKey(
        "community.ImplementationStage", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    responsible_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    blocked_reason = models.CharField(_("what blocks it"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["implementation", "stage__number"]
        verbose_name = _("stage progress")
        verbose_name_plural = _("stage progress")
        constraints = [
            models.UniqueConstraint(
                fields=["implementation", "stage"], name="uniq_progress_per_stage"
            ),
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(completed_on__gte=models.F("started_on")),
                name="progress_completed_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.implementation_id}/{self.stage_id}: {self.status}"

    @property
    def audit_organisation(self) -> models.Model | None:
        return self.implementation.organisation


class EvidenceKind(models.TextChoices):
    LINK = "link", _("Link")
    NOTE = "note", _("Note")
    FILE = "file", _("File")


class Evidence(TimeStampedModel):
    """Evidence that a stage moved: a link, a note or a file (checked for size and type,
    stored under MEDIA_ROOT, served only through an access-checked view)."""

    progress = models.ForeignKey(StageProgress, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    url = models.URLField(_("link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    file = models.FileField(_("file"), upload_to="community/evidence/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    added_by = acted_by()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name or self.url or self.note[:60]

    @property
    def audit_organisation(self) -> models.Model | None:
        return self.progress.implementation.organisation
