"""Reads of well-being check-ins: one's own rows, or suppressed CoP aggregates."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from carenet.cop.models import (
    CommunityOfPractice,
    CopMember,
    WellbeingCheckIn,
    WellbeingMeasure,
)
from carenet.core import permissions, suppression

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

    AnyUser = User | AnonymousUser

WINDOW_DAYS = 90


def current_measure() -> WellbeingMeasure | None:
    return (
        WellbeingMeasure.objects.filter(is_active=True)
        .prefetch_related("items", "options")
        .order_by("code", "-version")
        .first()
    )


def checkins_for(user: AnyUser) -> QuerySet[WellbeingCheckIn]:
    """The user's own check-ins; nobody else's, whoever asks."""
    return permissions.filter_own(user, WellbeingCheckIn.objects.select_related("measure"))


def checkin_for(user: AnyUser, uuid: Any) -> WellbeingCheckIn:
    return get_object_or_404(checkins_for(user), uuid=uuid)


def answers_of(checkin: WellbeingCheckIn) -> list[tuple[str, int, str]]:
    """(item text, value, option label) for each answered item."""
    values = {int(k): int(v) for k, v in json.loads(checkin.answers or "{}").items()}
    options = {o.value: o.label for o in checkin.measure.options.all()}
    rows = []
    for item in checkin.measure.items.all():
        value = values.get(item.number, 0)
        rows.append((item.text, value, options.get(value, "")))
    return rows


def next_due(user: AnyUser, measure: WellbeingMeasure | None) -> datetime.date | None:
    last = checkins_for(user).first()
    if last is None or measure is None:
        return None
    return last.taken_on + datetime.timedelta(days=measure.interval_days)


@dataclass(frozen=True)
class WellbeingAggregate:
    start: datetime.date
    end: datetime.date
    members: int
    respondents: int | None  # None: suppressed
    mean_percent: float | None
    poor: int | None

    @property
    def respondents_label(self) -> str:
        return suppression.label(self.respondents)

    @property
    def poor_label(self) -> str:
        return suppression.label(self.poor)


def cop_wellbeing(
    cop: CommunityOfPractice, end: datetime.date | None = None, windows: int = 2
) -> list[WellbeingAggregate]:
    """Per 90-day window, the latest check-in of each current member who chose to count it:
    number of respondents, mean score (%), number with poor well-being. Counts below the
    minimum cell are suppressed, and with them the mean; the number with poor well-being is
    also suppressed when those *not* in poor well-being are a small group."""
    end = end or timezone.localdate()
    users = list(CopMember.objects.current().filter(cop=cop).values_list("user_id", flat=True))
    out = []
    for i in range(windows):
        w_end = end - datetime.timedelta(days=WINDOW_DAYS * i)
        w_start = w_end - datetime.timedelta(days=WINDOW_DAYS - 1)
        out.append(_window(users, w_start, w_end))
    return out


def _window(users: list[int], start: datetime.date, end: datetime.date) -> WellbeingAggregate:
    latest: dict[Any, WellbeingCheckIn] = {}
    rows = (
        WellbeingCheckIn.objects.filter(
            user_id__in=users, in_aggregates=True, taken_on__range=(start, end)
        )
        .only("user_id", "percent", "poor", "taken_on")
        .order_by("taken_on", "id")
    )
    for row in rows:
        latest[row.user_id] = row
    n = len(latest)
    poor = sum(1 for r in latest.values() if r.poor)
    shown_n = suppression.suppress(n)
    if shown_n is None or n == 0:
        return WellbeingAggregate(start, end, len(users), shown_n, None, None)
    shown_poor = suppression.suppress(poor)
    if suppression.suppress(n - poor) is None:
        shown_poor = None
    mean = round(sum(r.percent for r in latest.values()) / n, 1)
    return WellbeingAggregate(start, end, len(users), n, mean, shown_poor)
