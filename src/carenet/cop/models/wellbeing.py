"""Helper well-being check-ins: private to the practitioner who makes them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from carenet.core.crypto import EncryptedTextField
from carenet.core.models import TimeStampedModel


class WellbeingCheckIn(TimeStampedModel):
    """One completed well-being measure.

    The item answers are encrypted at rest; the scores stay readable so that the practitioner's
    trend and the suppressed CoP aggregates can be computed. Only the practitioner reads a
    check-in; facilitators see aggregates of those marked `in_aggregates`, never rows.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_checkins"
    )
    measure = models.ForeignKey(
        "cop.WellbeingMeasure", on_delete=models.PROTECT, related_name="checkins"
    )
    taken_on = models.DateField(_("date"), db_index=True)
    answers = EncryptedTextField()  # JSON {"1": 3, "2": 4, ...}
    raw_score = models.PositiveSmallIntegerField(_("raw score"))
    percent = models.PositiveSmallIntegerField(_("score (%)"))
    poor = models.BooleanField(_("poor well-being"))
    in_aggregates = models.BooleanField(
        _("count anonymously in my CoPs' well-being figures"), default=True
    )

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("well-being check-in")
        verbose_name_plural = _("well-being check-ins")
        indexes = [models.Index(fields=["user", "taken_on"])]

    def __str__(self) -> str:
        return f"check-in {self.uuid}"
