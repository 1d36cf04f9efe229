"""Protected reads of the 4W app: every list starts from `core.permissions`.

An organisation's members reach its reports; coordinators reach the network's, or only the
rows in their area when their role is limited to one (an oblast coordinator sees that
oblast's rows of every organisation, and nothing else).
"""

from __future__ import annotations

import datetime
import hashlib
import uuid as uuid_lib
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum
from django.http import Http404

from carenet.accounts.models import Organisation
from carenet.core import permissions
from carenet.core.errors import CannotChange
from carenet.geo.models import AdminArea
from carenet.reporting import months
from carenet.reporting.models import (
    ActivityReport,
    AreaRollup,
    Donor,
    ImportJob,
    PeriodStatus,
    ReportingMonth,
    ReportingPeriod,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

    AnyUser = User | AnonymousUser | None


def as_uuid(value: Any) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


# --- organisations, periods and rows ----------------------------------------------------------


def rows_for(user: AnyUser, action: str = "reporting.view") -> QuerySet[ActivityReport]:
    """The rows `user` may reach for `action` (area-limited coordinators: their area's)."""
    return permissions.filter_for(user, action, ActivityReport.objects.all(), area_field="area")


def organisation_for(user: AnyUser, uuid: Any) -> Organisation:
    """An organisation whose 4W reports `user` may see (some of), or 404."""
    key = as_uuid(uuid)
    org = permissions.organisations_for(user, "reporting.view").filter(uuid=key).first()
    if org is not None:
        return org
    if rows_for(user).filter(organisation__uuid=key).exists():
        return Organisation.objects.get(uuid=key)
    raise Http404


def period_rows(
    user: AnyUser, organisation: Organisation, month: datetime.date
) -> QuerySet[ActivityReport]:
    return (
        rows_for(user)
        .filter(organisation=organisation, month=month)
        .select_related("activity", "area", "target_group")
        .order_by("activity__sort_order", "activity__code", "area__pcode", "id")
    )


def period_of(organisation: Organisation, month: datetime.date) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(organisation=organisation, month=month).first()


def row_for(user: AnyUser, uuid: Any, action: str = "reporting.edit") -> ActivityReport:
    """One row `user` may reach for `action`, or 404 (forged ids, other organisations)."""
    row = (
        rows_for(user, action)
        .filter(uuid=as_uuid(uuid))
        .select_related("organisation", "period", "activity", "area", "target_group")
        .first()
    )
    if row is None:
        if (
            action != "reporting.view"
            and rows_for(user, "reporting.view").filter(uuid=as_uuid(uuid)).exists()
        ):
            raise CannotChange()  # a viewer opening an edit URL: say so, not "not found"
        raise Http404
    return row


def job_for(user: AnyUser, uuid: Any) -> ImportJob:
    """An import `user` may follow: their organisation's, for people who may edit reports."""
    jobs = permissions.filter_for(user, "reporting.edit", ImportJob.objects.all())
    job = jobs.filter(uuid=as_uuid(uuid)).select_related("organisation").first()
    if job is None:
        raise Http404
    return job


def upload_for(user: AnyUser, organisation: Organisation, uuid: Any) -> ImportJob:
    """An upload `user` made for `organisation` and may still import; 404 for anyone else's,
    another organisation's, a forged id, or a file no longer kept."""
    if user is None or not user.is_authenticated:
        raise Http404
    jobs = permissions.filter_for(user, "reporting.edit", ImportJob.objects.all())
    job = (
        jobs.filter(uuid=as_uuid(uuid), organisation=organisation, created_by=user)
        .exclude(stored_path="")
        .select_related("organisation")
        .first()
    )
    if job is None:
        raise Http404
    return job


def can_validate(user: AnyUser, period: ReportingPeriod) -> bool:
    """Coordinators validate a period they reach whole: the network's, or one whose rows
    all lie in their area."""
    if permissions.can(user, "reporting.validate", period.organisation):
        return True
    rows = ActivityReport.objects.filter(period=period)
    total = rows.count()
    reachable = permissions.filter_for(user, "reporting.validate", rows, area_field="area")
    return total > 0 and reachable.count() == total


@dataclass
class MonthStatus:
    month: datetime.date
    status: str  # a PeriodStatus, or "none" when nothing was started
    rows: int
    locked: bool
    comment: str = ""


def organisation_months(organisation: Organisation, n: int = 12) -> list[MonthStatus]:
    """The organisation's last `n` reporting months, newest first."""
    wanted = months.recent(n)
    periods = {
        p.month: p
        for p in ReportingPeriod.objects.filter(organisation=organisation, month__in=wanted)
    }
    counts = dict(
        ActivityReport.objects.filter(organisation=organisation, month__in=wanted)
        .values_list("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    locked = set(
        ReportingMonth.objects.filter(month__in=wanted, locked=True).values_list("month", flat=True)
    )
    return [
        MonthStatus(
            m,
            periods[m].status if m in periods else "none",
            counts.get(m, 0),
            m in locked,
            periods[m].review_comment if m in periods else "",
        )
        for m in wanted
    ]


def month_row(month: datetime.date) -> ReportingMonth | None:
    return ReportingMonth.objects.filter(month=month).first()


@dataclass
class OrgMonth:
    organisation: Organisation
    status: str
    rows: int
    period: ReportingPeriod | None

    @property
    def reported(self) -> bool:
        return self.status in (PeriodStatus.SUBMITTED, PeriodStatus.VALIDATED)


def month_overview(
    user: AnyUser, month: datetime.date, donor: Donor | None = None
) -> list[OrgMonth]:
    """Organisations expected to report for `month` in the coordinator's scope, with status.

    Expected: active members of the coordination group, and any organisation that reported
    in the three months before. Area-limited coordinators see the organisations that reported
    in their area in those months. With a donor: the organisations that reported rows of that
    donor in those months, and their rows of that donor."""
    since = months.add_months(month, -3)
    recent = rows_for(user, "reporting.validate").filter(month__gte=since, month__lte=month)
    in_month = rows_for(user, "reporting.validate").filter(month=month)
    if donor is not None:
        recent, in_month = recent.filter(funder=donor), in_month.filter(funder=donor)
        orgs = Organisation.objects.filter(pk__in=recent.values("organisation_id"))
    else:
        orgs = _expected(user) | Organisation.objects.filter(
            pk__in=recent.values("organisation_id")
        )
    periods = {p.organisation_id: p for p in ReportingPeriod.objects.filter(month=month)}
    counts = dict(
        in_month.values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    out = []
    for org in orgs.distinct().order_by("acronym"):
        period = periods.get(org.pk)
        out.append(
            OrgMonth(org, period.status if period else "none", counts.get(org.pk, 0), period)
        )
    return out


def _expected(user: AnyUser) -> QuerySet[Organisation]:
    """The active members of the coordination group in the coordinator's scope."""
    in_scope = permissions.filter_for(
        user,
        "reporting.validate",
        Organisation.objects.filter(is_active=True),
        org_field=None,
        country_field="country",
    )
    return Organisation.objects.filter(is_active=True).filter(
        pk__in=in_scope.filter(coordination_member=True).values("pk")
    )


# --- gap analysis -----------------------------------------------------------------------------

LAYERS = (1, 2, 3, 4)
PRESENCE_SECONDS = 300


# what the gap page and its map use of an area (not the search text, flags, attributes...)
AREA_FIELDS = (
    "pcode",
    "level",
    "path",
    "country",
    "boundary_set",
    "name_en",
    "name_uk",
    "name_pl",
    "population",
    "lat",
    "lon",
    "boundary",
    "parent__pcode",
    "parent__country",
    "parent__name_en",
    "parent__name_uk",
    "parent__name_pl",
)


def visible_areas(user: AnyUser, level: int, country: str) -> list[AdminArea]:
    """The areas of a level the user may analyse (a coordinator's whole network or area).

    `permissions.can` answers from the user's scope alone, so the answer for thousands of
    areas is kept with the areas, per scope, until the gazetteer changes."""
    level_areas = _areas(level, country)
    scope = permissions.scope_of(user)
    key = (
        scope.superuser,
        scope.coordinator_paths,
        scope.coordinator_countries,
        tuple(sorted(scope.roles.items())),
    )
    found = level_areas.visible.get(key)
    if found is None:
        if len(level_areas.visible) >= _SCOPES_KEPT:
            level_areas.visible.clear()
        found = [a for a in level_areas.areas if permissions.can(user, "gaps.view", area=a)]
        level_areas.visible[key] = found
    return found


@dataclass
class _LevelAreas:
    version: dict[str, Any]
    areas: list[AdminArea]
    visible: dict[tuple[Any, ...], list[AdminArea]]


_AREA_CACHE: dict[tuple[int, str], _LevelAreas] = {}
_SCOPES_KEPT = 200


def _areas(level: int, country: str) -> _LevelAreas:
    """Every area of a level, kept in memory until the gazetteer changes: the gap page of
    a national level would otherwise spend most of its time making these objects."""
    qs = AdminArea.objects.filter(level=level)
    if country:
        qs = qs.filter(country=country)
    version = qs.aggregate(n=Count("id"), last=Max("boundary_set__loaded_at"), top=Max("id"))
    cached = _AREA_CACHE.get((level, country))
    if cached is not None and cached.version == version:
        return cached
    areas = list(qs.select_related("parent").only(*AREA_FIELDS).order_by("pcode"))
    _AREA_CACHE[(level, country)] = _LevelAreas(version, areas, {})
    return _AREA_CACHE[(level, country)]


def latest_month(user: AnyUser) -> datetime.date:
    """The newest month with reports, else the month being reported now."""
    found = AreaRollup.objects.aggregate(m=Max("month"))["m"]
    return found or months.current_reporting_month()


# what the gap page reads of an area rollup, in this order (`ROLLUP_INDEX` names the places)
ROLLUP_FIELDS = (
    "area_id",
    "organisations",
    "activities",
    "reached_total",
    *(f"l{n}_{f}" for n in (1, 2, 3, 4) for f in ("orgs", "activities", "reached")),
    "sectors",
    "sector_count",
    "activity_orgs",
    "max_orgs_per_activity",
)
ROLLUP_INDEX = {name: i for i, name in enumerate(ROLLUP_FIELDS)}
EMPTY_ROLLUP: tuple[Any, ...] = tuple(
    "" if f in ("sectors", "activity_orgs") else 0 for f in ROLLUP_FIELDS
)


def area_rollups(
    month: datetime.date, level: int, area_ids: list[int]
) -> dict[int, tuple[Any, ...]]:
    """The month's rollups of these areas (all of one level), by area id, as tuples of
    `ROLLUP_FIELDS` (plain tuples: a national level has thousands)."""
    qs = AreaRollup.objects.filter(month=month, level=level)
    if len(area_ids) < 900:
        qs = qs.filter(area_id__in=area_ids)
    wanted = set(area_ids)
    return {r[0]: r for r in qs.values_list(*ROLLUP_FIELDS) if r[0] in wanted}


def direct_rollups(
    user: AnyUser, month: datetime.date, level: int, country: str
) -> list[tuple[AdminArea, AreaRollup]]:
    """The areas above `level` with rows reported at their own P-code in `month` (an
    oblast-wide activity, say), within the user's reach, by P-code."""
    if level <= 1:
        return []
    qs = (
        AreaRollup.objects.filter(month=month, level__lt=level, direct_orgs__gt=0)
        .select_related("area", "area__parent")
        .only(
            "area_id",
            "direct_orgs",
            "direct_reached",
            "direct_activity_orgs",
            *(f"area__{f}" for f in AREA_FIELDS if f != "boundary"),
        )
        .order_by("area__pcode")
    )
    if country:
        qs = qs.filter(area__country=country)
    return [(r.area, r) for r in qs if permissions.can(user, "gaps.view", area=r.area)]


def activity_rollups(
    user: AnyUser, month: datetime.date, level: int, country: str
) -> QuerySet[Any]:
    from carenet.reporting.models import ActivityRollup

    qs = permissions.filter_for(
        user,
        "gaps.view",
        ActivityRollup.objects.filter(month=month, level=level),
        org_field=None,
        area_field="area",
    )
    return qs.filter(area__country=country) if country else qs


def activity_summary(
    user: AnyUser, month: datetime.date, level: int, country: str, threshold: int
) -> list[dict[str, Any]]:
    """Per activity code: organisations, areas, people reached, areas with duplication."""
    from carenet.taxonomy.models import Term

    qs = activity_rollups(user, month, level, country)
    totals = list(
        qs.values("activity_id").annotate(
            orgs=Count("organisation_id", distinct=True),
            areas=Count("area_id", distinct=True),
            reached=Sum("reached_total"),
            sessions=Sum("sessions"),
            trained=Sum("trained"),
            layer=Max("layer"),
        )
    )
    crowded = Counter(
        a
        for a, n in qs.values("activity_id", "area_id")
        .annotate(n=Count("organisation_id"))
        .filter(n__gte=threshold)
        .values_list("activity_id", "n")
    )
    terms = Term.objects.in_bulk([t["activity_id"] for t in totals])
    out = []
    for t in totals:
        term = terms.get(t["activity_id"])
        out.append(
            {
                **t,
                "code": term.code if term else "",
                "label": term.label if term else "",
                "sort_order": term.sort_order if term else 0,
                "duplicated_areas": crowded.get(t["activity_id"], 0),
            }
        )
    return out


def needs_by_area(area_ids: list[int], month: datetime.date | None = None) -> dict[int, int]:
    """People in need per area: the latest figure dated up to the end of `month` (None: the
    latest of all)."""
    from carenet.reporting import needs

    return needs.latest_by_area(area_ids, month)


def directory_presence(areas: list[AdminArea]) -> dict[tuple[int, int], int]:
    """Services listed in the directory per (area id, pyramid layer): at a site inside the
    area, or over a service area containing, inside or equal to it. Cached until the
    directory changes (the gap page reads it on every view)."""
    from carenet.directory import queries as directory

    if not areas:
        return {}
    key = ",".join([directory.public_services_stamp(), *(str(a.pk) for a in areas)])
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
    found: dict[tuple[int, int], int] = (
        cache.get_or_set(
            f"reporting:presence:{digest}", lambda: _directory_presence(areas), PRESENCE_SECONDS
        )
        or {}
    )
    return found


def _directory_presence(areas: list[AdminArea]) -> dict[tuple[int, int], int]:
    from carenet.directory import queries as directory

    if not areas:
        return {}
    by_path = {a.path: a for a in areas}
    level = areas[0].level
    seen: dict[int, set[int]] = defaultdict(set)  # area id -> service ids, per layer below
    layer_of: dict[int, int] = {}
    for sid, layer_code, path in directory.public_service_places():
        _place(sid, layer_code, path, level, by_path, areas, seen, layer_of)
    out: Counter[tuple[int, int]] = Counter()
    for area_id, sids in seen.items():
        for sid in sids:
            if layer_of.get(sid):
                out[(area_id, layer_of[sid])] += 1
    return dict(out)


def _place(
    sid: int,
    layer_code: str | None,
    path: str | None,
    level: int,
    by_path: dict[str, AdminArea],
    areas: list[AdminArea],
    seen: dict[int, set[int]],
    layer_of: dict[int, int],
) -> None:
    if not path:
        return
    layer_of[sid] = _layer_number(layer_code)
    parts = path.strip("/").split("/")
    if len(parts) >= level:
        area = by_path.get("/".join(parts[:level]) + "/")
        if area is not None:
            seen[area.pk].add(sid)
        return
    for area in areas:  # a service area above the chosen level covers the areas below it
        if area.path.startswith(path):
            seen[area.pk].add(sid)


def _layer_number(code: str | None) -> int:
    digits = [c for c in str(code or "") if c.isdigit()]
    return int(digits[0]) if digits else 0
