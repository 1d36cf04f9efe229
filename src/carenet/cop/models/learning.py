"""Trainings, certificates and competency assessments."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import Organisation
from carenet.cop.models.community import CommunityOfPractice
from carenet.core.models import TimeStampedModel

_SCORE = [MinValueValidator(0), MaxValueValidator(100)]


class Training(TimeStampedModel):
    curriculum = models.ForeignKey(
        "cop.Curriculum",
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("curriculum"),
    )
    title = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cop_trainings",
        verbose_name=_("organised by"),
    )
    cop = models.ForeignKey(
        CommunityOfPractice,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainings",
        verbose_name=_("community of practice"),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(500)],
    )
    place = models.CharField(_("place or online link"), max_length=300, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="trainings_given", verbose_name=_("trainers")
    )

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cop_training_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_organisation(self) -> Organisation:
        return self.issuer


class TrainingParticipant(TimeStampedModel):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainings_taken"
    )
    pre_score = models.DecimalField(
        _("pre-test score (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_SCORE,
    )
    post_score = models.DecimalField(
        _("post-test score (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_SCORE,
    )
    completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        ordering = ["training", "user__full_name", "user__email"]
        verbose_name = _("training participant")
        verbose_name_plural = _("training participants")
        constraints = [
            models.UniqueConstraint(fields=["training", "user"], name="cop_uniq_participant"),
            models.CheckConstraint(
                condition=(
                    models.Q(pre_score__isnull=True)
                    | models.Q(pre_score__gte=0, pre_score__lte=100)
                )
                & (
                    models.Q(post_score__isnull=True)
                    | models.Q(post_score__gte=0, post_score__lte=100)
                ),
                name="cop_scores_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@training{self.training_id}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.training.issuer

    @property
    def gain(self) -> float | None:
        if self.pre_score is None or self.post_score is None:
            return None
        return float(self.post_score - self.pre_score)


class Certificate(TimeStampedModel):
    """A certificate of completion, verifiable at a public URL by its unguessable code.

    The name, training, date and issuer are copied at issue so that the public page shows
    exactly what was certified and nothing else.
    """

    participant = models.OneToOneField(
        TrainingParticipant, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=40, unique=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    holder_name = models.CharField(_("name"), max_length=200)
    training_title = models.CharField(_("training"), max_length=300)
    issuer_name = models.CharField(_("issuer"), max_length=200)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"certificate {self.uuid}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.participant.training.issuer

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class AssessmentContext(models.TextChoices):
    ROLE_PLAY = "role_play", _("Standardised role play")
    OBSERVATION = "observation", _("Observed practice")
    SUPERVISION = "supervision", _("Supervision")
    SELF = "self", _("Self-assessment")


class CompetencyAssessment(TimeStampedModel):
    """One assessor's rating of one practitioner on a framework's items, on one day."""

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="competency_assessments",
        verbose_name=_("practitioner"),
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assessor"),
    )
    framework = models.ForeignKey(
        "cop.CompetencyFramework",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("framework"),
    )
    assessed_on = models.DateField(_("date"), db_index=True)
    context = models.CharField(_("context"), max_length=12, choices=AssessmentContext.choices)
    training = models.ForeignKey(
        Training, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("competency assessment")
        verbose_name_plural = _("competency assessments")
        indexes = [models.Index(fields=["practitioner", "assessed_on"])]

    def __str__(self) -> str:
        return f"assessment {self.uuid}"


class CompetencyRating(models.Model):
    assessment = models.ForeignKey(
        CompetencyAssessment, on_delete=models.CASCADE, related_name="ratings"
    )
    item = models.ForeignKey("cop.CompetencyItem", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="cop_uniq_rating"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="cop_rating_level_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}={self.level}"
