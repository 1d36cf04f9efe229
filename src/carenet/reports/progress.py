"""A target's progress, counted from CareNet's own records, and whether it is on track.

* support spaces opened: community support spaces opened in the window, in the area;
* people trained: participants of CoP trainings that ended in the window (trainings record
  no place, so the area does not narrow them);
* people reached: people reached in the 4W rows of the window's months, in the area;
* sessions delivered: sessions in those 4W rows, plus delivery records where the outcomes
  app has them.

The window runs from the programme's start to the earlier of today and the target's date.
Everything is counted within the reader's reach (`core.permissions` through each app's
queries): a coordinator of one oblast sees that oblast's progress.

Status: by the date, `met` when the number is reached, else `behind`. Before it, the
number expected by now is `number x elapsed share of the time`; `on_track` when the count is
at least 90 % of that, `at_risk` from 70 %, `behind` below.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from carenet.core.suppression import suppress
from carenet.reports.models import Target, Unit

if TYPE_CHECKING:
    from carenet.geo.models import AdminArea

PEOPLE_UNITS = frozenset({Unit.PEOPLE_TRAINED, Unit.PEOPLE_REACHED})
ON_TRACK_SHARE = 0.9
AT_RISK_SHARE = 0.7
STATUS_LABELS = {
    "met": _("met"),
    "on_track": _("on track"),
    "at_risk": _("at risk"),
    "behind": _("behind"),
}


@dataclass(frozen=True)
class Progress:
    target: Target
    achieved: int
    expected: float  # by today, at an even pace
    status: str

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.achieved / self.target.number))

    @property
    def shown(self) -> int | None:
        """The count as it may leave an organisation: people counts below five suppressed."""
        return suppress(self.achieved) if self.target.unit in PEOPLE_UNITS else self.achieved

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def status_of(
    achieved: int, number: int, start: datetime.date, due: datetime.date, today: datetime.date
) -> tuple[str, float]:
    """(status, number expected by today) for a count against a target."""
    if achieved >= number:
        return "met", float(number)
    if today > due:
        return "behind", float(number)
    span = (due - start).days
    elapsed = 1.0 if span <= 0 else min(1.0, max(0.0, (today - start).days / span))
    expected = number * elapsed
    if expected <= 0 or achieved >= ON_TRACK_SHARE * expected:
        return "on_track", expected
    if achieved >= AT_RISK_SHARE * expected:
        return "at_risk", expected
    return "behind", expected


def progress_of(user: Any, target: Target, today: datetime.date) -> Progress:
    start = target.programme.starts_on
    end = min(today, target.due_on)
    achieved = count(user, target.unit, target.area, start, end) if end >= start else 0
    status, expected = status_of(achieved, target.number, start, target.due_on, today)
    return Progress(target, achieved, expected, status)


def count(
    user: Any, unit: str, area: AdminArea | None, start: datetime.date, end: datetime.date
) -> int:
    """How many `unit` the records hold from `start` to `end` (both included) in `area`."""
    if unit == Unit.SPACES_OPENED:
        return _spaces_opened(user, area, start, end)
    if unit == Unit.PEOPLE_TRAINED:
        return _people_trained(user, start, end)
    if unit == Unit.PEOPLE_REACHED:
        return _four_w(user, "reached_total", area, start, end)
    if unit == Unit.SESSIONS_DELIVERED:
        return _four_w(user, "sessions", area, start, end)
    raise ValueError(f"unknown unit {unit!r}")


def _subtree(area: AdminArea) -> Any:
    from carenet.geo.models import AdminArea

    return AdminArea.objects.filter(path__startswith=area.path).values("id")


def _spaces_opened(
    user: Any, area: AdminArea | None, start: datetime.date, end: datetime.date
) -> int:
    from carenet.community import queries as community

    qs = community.spaces_for(user).filter(opened_on__range=(start, end))
    if area is not None:
        qs = qs.filter(community_id__in=_subtree(area))
    return qs.count()


def _people_trained(user: Any, start: datetime.date, end: datetime.date) -> int:
    from carenet.cop.queries import learning

    trainings = learning.trainings_for(user).filter(ends_on__range=(start, end))
    return sum(getattr(t, "participant_count", 0) for t in trainings)


def _four_w(
    user: Any, field: str, area: AdminArea | None, start: datetime.date, end: datetime.date
) -> int:
    from carenet.reporting import months, queries

    rows = queries.rows_for(user).filter(
        month__gte=months.month_of(start), month__lte=months.month_of(end)
    )
    if area is not None:
        rows = rows.filter(area_id__in=_subtree(area))
    return int(rows.aggregate(n=Sum(field))["n"] or 0)
