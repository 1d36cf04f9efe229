"""Community Readiness Model assessments: interviews, scores by two scorers, consensus.

The computed results (dimension scores, overall score, stage) follow `scoring.py`; the
assessment keeps a copy of the overall score and stage for lists, refreshed by the services
whenever a score changes.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.core.models import TimeStampedModel, acted_by


class ReadinessAssessment(TimeStampedModel):
    """A readiness assessment of one community for one issue, scored with one edition."""

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
        help_text=_("Empty: recorded by the network's coordination."),
    )
    issue = models.CharField(_("issue"), max_length=200)
    edition = models.ForeignKey(
        "community.CrmEdition",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("model edition"),
    )
    assessed_on = models.DateField(_("date of the assessment"))
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    # Copies of the computed result (see scoring.py), written by the services only.
    overall_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = acted_by()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")
        indexes = [models.Index(fields=["community", "assessed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__isnull=True) | models.Q(stage__gte=1, stage__lte=9),
                name="assessment_stage_1_to_9",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue} — {self.assessed_on}"

    @property
    def audit_organisation(self) -> models.Model | None:
        return self.organisation


class KeyInformantInterview(TimeStampedModel):
    """One key-informant interview. The informant is described by sector and role only:
    the model needs no names, and CareNet stores none."""

    assessment = models.ForeignKey(
        ReadinessAssessment, on_delete=models.CASCADE, related_name="interviews"
    )
    number = models.PositiveSmallIntegerField(_("interview number"))
    sector = models.ForeignKey(
        "community.CommunitySector",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("informant's sector"),
    )
    role = models.CharField(
        _("informant's role"),
        max_length=120,
        help_text=_("E.g. school director, head of the social services department. No names."),
    )
    interviewed_on = models.DateField(_("date of the interview"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "number"]
        verbose_name = _("key-informant interview")
        verbose_name_plural = _("key-informant interviews")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="uniq_interview_number"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.role}"

    @property
    def audit_organisation(self) -> models.Model | None:
        return self.assessment.organisation


SCORE_MIN = 1
SCORE_MAX = 9


class DimensionScore(models.Model):
    """The scores of one interview on one dimension: each scorer's independent score on the
    anchored 1-9 scale (whole numbers), and the consensus they agreed (one decimal allowed)."""

    interview = models.ForeignKey(
        KeyInformantInterview, on_delete=models.CASCADE, related_name="scores"
    )
    dimension = models.ForeignKey(
        "community.CrmDimension", on_delete=models.PROTECT, related_name="+"
    )
    scorer_1 = models.PositiveSmallIntegerField(_("scorer 1"), null=True, blank=True)
    scorer_2 = models.PositiveSmallIntegerField(_("scorer 2"), null=True, blank=True)
    consensus = models.DecimalField(
        _("consensus"), max_digits=2, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["interview", "dimension"]
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "dimension"], name="uniq_score_per_dimension"
            ),
            models.CheckConstraint(
                condition=models.Q(scorer_1__isnull=True)
                | models.Q(scorer_1__gte=SCORE_MIN, scorer_1__lte=SCORE_MAX),
                name="score_scorer_1_range",
            ),
            models.CheckConstraint(
                condition=models.Q(scorer_2__isnull=True)
                | models.Q(scorer_2__gte=SCORE_MIN, scorer_2__lte=SCORE_MAX),
                name="score_scorer_2_range",
            ),
            models.CheckConstraint(
                condition=models.Q(consensus__isnull=True)
                | models.Q(consensus__gte=Decimal(SCORE_MIN), consensus__lte=Decimal(SCORE_MAX)),
                name="score_consensus_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interview_id}/{self.dimension_id}: {self.consensus}"
