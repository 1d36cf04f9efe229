"""A practitioner's own page: trainings, supervision hours, competency trend, meetings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils import timezone

from carenet.cop.models import (
    CompetencyAssessment,
    CompetencyFramework,
    CopMember,
    Meeting,
    SupervisionKind,
    SupervisionLog,
    TrainingParticipant,
)
from carenet.cop.queries.community import recent_meetings_attended, upcoming_meetings_for

if TYPE_CHECKING:
    from carenet.accounts.models import User


@dataclass(frozen=True)
class TrendPoint:
    day: datetime.date
    mean_level: float
    items: int


@dataclass
class CompetencyTrend:
    framework: CompetencyFramework
    points: list[TrendPoint]
    latest: list[tuple[str, int, datetime.date]]  # item name, level, date of that rating


@dataclass
class PractitionerPage:
    trainings: list[TrainingParticipant]
    hours_received: Decimal
    hours_received_year: Decimal
    hours_individual: Decimal
    hours_group: Decimal
    hours_given: Decimal
    memberships: list[CopMember]
    upcoming: list[Meeting]
    attended: list[Meeting]
    trends: list[CompetencyTrend] = field(default_factory=list)


def tidy(value: Decimal) -> Decimal:
    """1.50 -> 1.5, 2.00 -> 2 (without the exponent that normalize() gives 10)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _hours(qs: object) -> Decimal:
    return tidy(qs.aggregate(h=Sum("hours"))["h"] or Decimal(0))  # type: ignore[attr-defined]


def practitioner_page(user: User) -> PractitionerPage:
    """Everything on the signed-in practitioner's own page (about themselves only)."""
    received = SupervisionLog.objects.filter(supervisees=user)
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    return PractitionerPage(
        trainings=list(
            TrainingParticipant.objects.filter(user=user)
            .select_related("training", "training__curriculum", "training__issuer", "certificate")
            .order_by("-training__starts_on")
        ),
        hours_received=_hours(received),
        hours_received_year=_hours(received.filter(held_on__gte=year_ago)),
        hours_individual=_hours(received.filter(kind=SupervisionKind.INDIVIDUAL)),
        hours_group=_hours(received.filter(kind=SupervisionKind.GROUP)),
        hours_given=_hours(SupervisionLog.objects.filter(supervisor=user)),
        memberships=list(
            CopMember.objects.current()
            .filter(user=user)
            .select_related("cop", "profession")
            .order_by("cop__name")
        ),
        upcoming=upcoming_meetings_for(user),
        attended=recent_meetings_attended(user),
        trends=competency_trends(user),
    )


def competency_trends(user: User) -> list[CompetencyTrend]:
    """Per framework: the mean level of each assessment over time, and each item's latest
    level."""
    assessments = (
        CompetencyAssessment.objects.filter(practitioner=user)
        .select_related("framework")
        .prefetch_related("ratings__item")
        .order_by("assessed_on", "id")
    )
    by_framework: dict[int, CompetencyTrend] = {}
    latest: dict[int, dict[int, tuple[str, int, datetime.date, int]]] = {}
    for a in assessments:
        ratings = list(a.ratings.all())
        if not ratings:
            continue
        trend = by_framework.setdefault(a.framework_id, CompetencyTrend(a.framework, [], []))
        mean = round(sum(r.level for r in ratings) / len(ratings), 2)
        trend.points.append(TrendPoint(a.assessed_on, mean, len(ratings)))
        for r in ratings:
            latest.setdefault(a.framework_id, {})[r.item_id] = (
                r.item.name,
                r.level,
                a.assessed_on,
                r.item.sort_order,
            )
    for fid, trend in by_framework.items():
        rows = sorted(latest[fid].values(), key=lambda row: row[3])
        trend.latest = [(name, level, day) for name, level, day, _ in rows]
    return list(by_framework.values())
