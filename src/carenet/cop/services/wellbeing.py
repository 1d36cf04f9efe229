"""Helper well-being check-ins: scored here, private to the practitioner.

Audit entries about check-ins carry no organisation, so that only superusers' audit view
lists them: an organisation admin cannot learn from the log that a colleague checks in.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carenet.accounts.models import User
from carenet.cop.models import CommunityOfPractice, WellbeingCheckIn, WellbeingMeasure
from carenet.core import audit
from carenet.core.models import AuditAction


@dataclass(frozen=True)
class Score:
    raw: int
    percent: int
    poor: bool


def score(measure: WellbeingMeasure, answers: dict[int, int]) -> Score:
    """Score a complete set of answers by the measure's published rule.

    WHO-5: raw = sum of the five items (0-25); percent = raw x 4 (0-100); poor well-being when
    the raw score is below 13 or any item is answered 0 or 1.
    """
    numbers = set(measure.items.values_list("number", flat=True))
    if set(answers) != numbers:
        raise ValidationError(_("Answer every statement."), code="incomplete")
    if any(not measure.item_min <= v <= measure.item_max for v in answers.values()):
        raise ValidationError(_("An answer is out of range."), code="range")
    raw = sum(answers.values())
    low_item = measure.low_item_at_most is not None and any(
        v <= measure.low_item_at_most for v in answers.values()
    )
    return Score(
        raw=raw, percent=raw * measure.multiplier, poor=raw < measure.poor_raw_below or low_item
    )


@transaction.atomic
def checkin_record(
    *,
    actor: User,
    measure: WellbeingMeasure,
    answers: dict[int, int],
    taken_on: datetime.date | None = None,
    in_aggregates: bool = True,
) -> WellbeingCheckIn:
    """Store one's own check-in, scored."""
    if not actor.is_authenticated:
        raise PermissionDenied
    taken_on = taken_on or timezone.localdate()
    if taken_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")
    result = score(measure, answers)
    checkin = WellbeingCheckIn.objects.create(
        user=actor,
        measure=measure,
        taken_on=taken_on,
        answers=json.dumps({str(k): v for k, v in sorted(answers.items())}),
        raw_score=result.raw,
        percent=result.percent,
        poor=result.poor,
        in_aggregates=in_aggregates,
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=checkin, organisation=None)
    return checkin


def checkin_viewed(*, actor: User, checkin: WellbeingCheckIn) -> None:
    if checkin.user_id != actor.pk:
        raise PermissionDenied
    audit.record(AuditAction.VIEW, actor=actor, obj=checkin, organisation=None)


@transaction.atomic
def checkin_delete(*, actor: User, checkin: WellbeingCheckIn) -> None:
    """A practitioner may erase their own check-in."""
    if checkin.user_id != actor.pk:
        raise PermissionDenied
    audit.record(AuditAction.DELETE, actor=actor, obj=checkin, organisation=None)
    checkin.delete()


def wellbeing_aggregate_viewed(*, actor: User, cop: CommunityOfPractice) -> None:
    audit.record(AuditAction.VIEW, actor=actor, obj=cop, detail="well-being aggregate")
