"""CoP health: participation, retention and horizontal integration.

Definitions (also in docs/cop.md), over a window of WINDOW_DAYS ending today:
* members: current members; new / left: joined / left within the window;
* active members: current members who, in the window, were present at a meeting, posted,
  shared a resource, or gave or received supervision;
* attendance rate: present / expected over the meetings held in the window;
* retention of a quarter: of the members at its first day, the share still members on its
  last day;
* supervision hours per member: hours received by members in the window / current members;
* sectors: distinct sectors of the current members' professions, and their organisations.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from carenet.cop.models import (
    Attendance,
    CommunityOfPractice,
    CopMember,
    MeetingStatus,
    Post,
    Resource,
    SupervisionLog,
)
from carenet.core import permissions
from carenet.taxonomy.models import Term

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

WINDOW_DAYS = 90
QUARTERS = 4


@dataclass(frozen=True)
class QuarterRetention:
    start: datetime.date
    end: datetime.date
    at_start: int
    retained: int
    joined: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.retained / self.at_start, 1) if self.at_start else None


@dataclass
class CopHealth:
    cop: CommunityOfPractice
    start: datetime.date
    end: datetime.date
    members: int = 0
    active_members: int = 0
    new_members: int = 0
    left_members: int = 0
    meetings_held: int = 0
    attendance_rate: float | None = None
    resources_shared: int = 0
    supervision_hours: Decimal = Decimal(0)
    organisations: int = 0
    sectors: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, members
    retention: list[QuarterRetention] = field(default_factory=list)

    @property
    def active_rate(self) -> float | None:
        return round(100 * self.active_members / self.members, 1) if self.members else None

    @property
    def supervision_hours_per_member(self) -> Decimal | None:
        if not self.members:
            return None
        return (self.supervision_hours / self.members).quantize(Decimal("0.1"))


def cop_health(cop: CommunityOfPractice, today: datetime.date | None = None) -> CopHealth:
    """The health figures of one CoP (see the module docstring for the definitions)."""
    end = today or timezone.localdate()
    start = end - datetime.timedelta(days=WINDOW_DAYS - 1)
    members = list(CopMember.objects.filter(cop=cop).select_related("profession"))
    current = [m for m in members if m.left_on is None]
    health = CopHealth(cop=cop, start=start, end=end, members=len(current))
    health.new_members = sum(1 for m in members if start <= m.joined_on <= end)
    health.left_members = sum(1 for m in members if m.left_on and start <= m.left_on <= end)
    health.organisations = len({m.organisation_id for m in current})
    health.sectors = _sectors(current)
    _participation(health, cop, current, start, end)
    health.retention = retention(members, end)
    return health


def _in_window(field_name: str, start: datetime.date, end: datetime.date) -> Q:
    return Q(**{f"{field_name}__date__gte": start, f"{field_name}__date__lte": end})


def _participation(
    health: CopHealth,
    cop: CommunityOfPractice,
    current: list[CopMember],
    start: datetime.date,
    end: datetime.date,
) -> None:
    users = {m.user_id for m in current}
    attendance = Attendance.objects.filter(
        meeting__cop=cop,
        meeting__status=MeetingStatus.HELD,
        meeting__starts_at__date__range=(start, end),
    )
    counts = attendance.aggregate(expected=Count("id"), present=Count("id", filter=Q(present=True)))
    health.meetings_held = attendance.values("meeting_id").distinct().count()
    if counts["expected"]:
        health.attendance_rate = round(100 * counts["present"] / counts["expected"], 1)
    resources = Resource.objects.filter(cop=cop).filter(_in_window("created_at", start, end))
    health.resources_shared = resources.count()
    logs = SupervisionLog.objects.filter(cop=cop, held_on__range=(start, end))
    received = logs.filter(supervisees__in=users).aggregate(h=Sum("hours"))["h"]
    health.supervision_hours = received or Decimal(0)
    active: set[int] = set(
        attendance.filter(present=True).values_list("member__user_id", flat=True)
    )
    active |= set(
        Post.objects.filter(thread__cop=cop)
        .filter(_in_window("created_at", start, end))
        .values_list("author_id", flat=True)
    )
    active |= set(resources.values_list("shared_by_id", flat=True))
    active |= set(logs.values_list("supervisor_id", flat=True))
    active |= set(logs.values_list("supervisees", flat=True))
    health.active_members = len(active & users)


def _sectors(current: list[CopMember]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for m in current:
        code = m.profession.sector if m.profession and m.profession.sector else ""
        counts[code] = counts.get(code, 0) + 1
    labels = {
        t.code: t.label for t in Term.objects.filter(scheme__code="sector", code__in=list(counts))
    }
    return sorted(
        ((c, labels.get(c, c) or "—", n) for c, n in counts.items()),
        key=lambda row: (-row[2], row[0]),
    )


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def retention(
    members: list[CopMember], today: datetime.date, quarters: int = QUARTERS
) -> list[QuarterRetention]:
    """Retention per calendar quarter, oldest first; the current quarter runs to today."""
    out = []
    start = quarter_start(today)
    for _ in range(quarters):
        next_start = datetime.date(
            start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1
        )
        end = min(next_start - datetime.timedelta(days=1), today)
        at_start = [
            m for m in members if m.joined_on < start and (m.left_on is None or m.left_on >= start)
        ]
        retained = sum(1 for m in at_start if m.left_on is None or m.left_on > end)
        joined = sum(1 for m in members if start <= m.joined_on <= end)
        out.append(QuarterRetention(start, end, len(at_start), retained, joined))
        start = quarter_start(start - datetime.timedelta(days=1))
    return list(reversed(out))


def cops_for_health(user: User | AnonymousUser) -> QuerySet[CommunityOfPractice]:
    """CoPs whose health the user may see: those they facilitate, those hosted by
    organisations they administer, and those coordinators cover (figures only, never
    content)."""
    qs = CommunityOfPractice.objects.filter(is_active=True)
    allowed = permissions.filter_for(user, "cop.health", qs, org_field="host", area_field="area")
    facilitated = CopMember.objects.filter(
        user_id=int(user.pk or 0), left_on__isnull=True, role="facilitator"
    ).values("cop_id")
    return (
        qs.filter(Q(pk__in=allowed.values("pk")) | Q(pk__in=facilitated))
        .select_related("host")
        .order_by("name")
    )


@dataclass(frozen=True)
class OverviewRow:
    cop: CommunityOfPractice
    members: int
    new_members: int
    sectors: int
    meetings_held: int
    attendance_rate: float | None
    resources_shared: int
    supervision_hours: Decimal


def overview(
    cops: list[CommunityOfPractice], today: datetime.date | None = None
) -> list[OverviewRow]:
    """The main health figures of many CoPs in a constant number of queries."""
    end = today or timezone.localdate()
    start = end - datetime.timedelta(days=WINDOW_DAYS - 1)
    ids = [c.pk for c in cops]
    current = Q(left_on__isnull=True)
    members = {
        r["cop_id"]: r
        for r in CopMember.objects.filter(cop_id__in=ids)
        .values("cop_id")
        .annotate(
            n=Count("id", filter=current),
            new=Count("id", filter=Q(joined_on__range=(start, end))),
            sectors=Count(
                "profession__sector", distinct=True, filter=current & ~Q(profession__sector="")
            ),
        )
    }
    attendance = {
        r["meeting__cop_id"]: r
        for r in Attendance.objects.filter(
            meeting__cop_id__in=ids,
            meeting__status=MeetingStatus.HELD,
            meeting__starts_at__date__range=(start, end),
        )
        .values("meeting__cop_id")
        .annotate(
            expected=Count("id"),
            present=Count("id", filter=Q(present=True)),
            meetings=Count("meeting_id", distinct=True),
        )
    }
    resources = dict(
        Resource.objects.filter(cop_id__in=ids)
        .filter(_in_window("created_at", start, end))
        .values("cop_id")
        .annotate(n=Count("id"))
        .values_list("cop_id", "n")
    )
    hours = dict(
        SupervisionLog.objects.filter(
            cop_id__in=ids,
            held_on__range=(start, end),
            supervisees__cop_memberships__cop=F("cop"),
            supervisees__cop_memberships__left_on__isnull=True,
        )
        .values("cop_id")
        .annotate(h=Sum("hours"))
        .values_list("cop_id", "h")
    )
    rows = []
    for cop in cops:
        m, a = members.get(cop.pk, {}), attendance.get(cop.pk, {})
        rate = round(100 * a["present"] / a["expected"], 1) if a.get("expected") else None
        rows.append(
            OverviewRow(
                cop,
                m.get("n", 0),
                m.get("new", 0),
                m.get("sectors", 0),
                a.get("meetings", 0),
                rate,
                resources.get(cop.pk, 0),
                hours.get(cop.pk) or Decimal(0),
            )
        )
    return rows
