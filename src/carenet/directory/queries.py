"""Reads of the directory: matching and public search, and what a user may reach.

`match_services` is the one search engine: the public search page, the JSON API and the
referral suggestions all call it. It reads only `SearchEntry`, which holds public-safe rows,
so confidential sites cannot leak through it.
"""

from __future__ import annotations

import math
import uuid as uuid_lib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import ExpressionWrapper, F, FloatField, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from carenet.core import permissions
from carenet.directory.indexing import UNKNOWN_WAIT
from carenet.directory.models import (
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Site,
)
from carenet.directory.text import words
from carenet.geo.models import AdminArea
from carenet.geo.queries import bbox_around, distance_km

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import Organisation, User
    from carenet.taxonomy.models import Term

# Bounding boxes tried in turn for "near" queries, in km; the last covers Ukraine and Poland.
RADII_KM = (15.0, 60.0, 250.0, 2500.0)
# Rows read per wanted result: a service at several nearby sites is shown once.
OVERFETCH = 3


@dataclass(frozen=True)
class ServiceMatch:
    """One result: a service at its best site (or over a remote service area)."""

    service: Service
    site: Site | None
    distance_km: float | None
    waiting_days: int | None
    area_path: str

    @property
    def remote(self) -> bool:
        return self.site is None

    @property
    def service_uuid(self) -> uuid_lib.UUID:
        return self.service.uuid


@dataclass(frozen=True)
class Filters:
    """The filters of a search; built by the search form, the API or `match_services`."""

    text: str = ""
    area: AdminArea | None = None
    activity_codes: tuple[str, ...] = ()
    layer: str | None = None
    intervention: str | None = None
    language: str | None = None
    target_group: str | None = None
    delivery_mode: str | None = None
    age: int | None = None
    sex: str | None = None
    free_only: bool = False
    near: tuple[float, float] | None = None
    exclude_organisation: int | None = None
    # with `near`: remote services covering this area are listed after the located ones
    origin: AdminArea | None = None


def _code(value: str | Term | None) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else value.code


def match_services(
    *,
    activity_codes: Iterable[str] = (),
    layer: str | Term | None = None,
    intervention: str | Term | None = None,
    language: str | Term | None = None,
    age: int | None = None,
    sex: str | None = None,
    target_group: str | Term | None = None,
    near: tuple[float, float] | None = None,
    exclude_organisation: Organisation | int | None = None,
    limit: int = 20,
    text: str = "",
    area: AdminArea | None = None,
    delivery_mode: str | Term | None = None,
    free_only: bool = False,
    offset: int = 0,
) -> list[ServiceMatch]:
    """Active services with free places that fit, best first.

    Ranked by distance from `near` (lat, lon) when given, then by waiting time, then by name.
    Remote services (phone, online, mobile) have no site: they are found by `area` (an area
    they cover, at any level) and come after the located ones when `near` is given.
    Confidential sites never appear. Codes are taxonomy term codes (or Terms).
    """
    exclude = (
        exclude_organisation.pk
        if exclude_organisation is not None and not isinstance(exclude_organisation, int)
        else exclude_organisation
    )
    filters = Filters(
        text=text,
        area=area,
        activity_codes=tuple(activity_codes),
        layer=_code(layer),
        intervention=_code(intervention),
        language=_code(language),
        target_group=_code(target_group),
        delivery_mode=_code(delivery_mode),
        age=age,
        sex=sex,
        free_only=free_only,
        near=near,
        exclude_organisation=exclude,
    )
    return search(filters, limit=limit, offset=offset)


def search(filters: Filters, *, limit: int = 20, offset: int = 0) -> list[ServiceMatch]:
    """Run a search; see `match_services`."""
    return _hydrate(_best(filters, limit, offset))


def _best(filters: Filters, limit: int, offset: int) -> list[dict[str, Any]]:
    """The ranked rows of one page, one per service (its best site)."""
    wanted = offset + limit
    rows = _rows(filters, wanted * OVERFETCH)
    best: dict[int, dict[str, Any]] = {}
    for row in rows:
        best.setdefault(row["service_id"], row)
        if len(best) >= wanted:
            break
    return list(best.values())[offset:wanted]


@dataclass(frozen=True)
class ResultRow:
    """What the public results list shows of one match: plain values, no model objects."""

    service_uuid: uuid_lib.UUID
    name: str
    organisation: str
    layer: str
    free: bool
    phone: str
    site_name: str
    address: str
    city: str
    lat: float | None
    lon: float | None
    distance_km: float | None
    waiting_days: int | None
    area_path: str

    @property
    def remote(self) -> bool:
        return not self.site_name


_DISPLAY = (
    "id", "service__uuid", "service__name_en", "service__name_uk", "service__name_pl",
    "service__organisation__name", "service__layer__label_en", "service__layer__label_uk",
    "service__layer__label_pl", "service__free", "service__phone", "site__name_en",
    "site__name_uk", "site__name_pl", "site__address", "site__city", "site__phone",
)  # fmt: skip


def _pick(values: dict[str, Any], prefix: str) -> str:
    lang = (get_language() or "en")[:2]
    for suffix in (lang, "en", "uk", "pl"):
        if values.get(f"{prefix}_{suffix}"):
            return str(values[f"{prefix}_{suffix}"])
    return ""


def search_rows(filters: Filters, *, limit: int = 20, offset: int = 0) -> list[ResultRow]:
    """The public search: like `search`, with the shown values read in one more query."""
    rows = _best(filters, limit, offset)
    details = {
        d["id"]: d
        for d in SearchEntry.objects.filter(id__in=[r["id"] for r in rows]).values(*_DISPLAY)
    }
    results = []
    for row in rows:
        d = details[row["id"]]
        waiting = row["waiting_days"]
        results.append(ResultRow(
            service_uuid=d["service__uuid"], name=_pick(d, "service__name"),
            organisation=d["service__organisation__name"],
            layer=_pick(d, "service__layer__label"), free=d["service__free"],
            phone=d["service__phone"] or d["site__phone"] or "",
            site_name=_pick(d, "site__name"), address=d["site__address"] or "",
            city=d["site__city"] or "", lat=row["lat"], lon=row["lon"],
            distance_km=row.get("distance_km"),
            waiting_days=None if waiting == UNKNOWN_WAIT else waiting,
            area_path=row["area_path"],
        ))  # fmt: skip
    return results


def search_queryset(filters: Filters) -> QuerySet[SearchEntry]:
    """The filtered entries before ordering (used by the benchmark's bare-SQL baseline)."""
    qs = SearchEntry.objects.filter(full=False)
    for word in words(filters.text):
        qs = qs.filter(text__contains=word)
    if filters.activity_codes:
        any_code = Q()
        for code in filters.activity_codes:
            any_code |= Q(activities__contains=f"|{code}|")
        qs = qs.filter(any_code)
    if filters.layer:
        qs = qs.filter(layer=filters.layer)
    optional: tuple[tuple[str, str | None], ...] = (
        ("interventions", filters.intervention),
        ("languages", filters.language),
        ("target_groups", filters.target_group),
        ("delivery_modes", filters.delivery_mode),
    )
    for field, value in optional:
        if value:
            qs = qs.filter(**{f"{field}__contains": f"|{value}|"})
    if filters.age is not None:
        qs = qs.filter(
            Q(age_min__isnull=True) | Q(age_min__lte=filters.age),
            Q(age_max__isnull=True) | Q(age_max__gte=filters.age),
        )
    if filters.sex in ("female", "male"):
        qs = qs.filter(sex__in=["any", filters.sex])
    if filters.free_only:
        qs = qs.filter(free=True)
    if filters.exclude_organisation:
        qs = qs.exclude(organisation_id=filters.exclude_organisation)
    if filters.area is not None:
        qs = qs.filter(_in_area(filters.area))
    return qs


def _in_area(area: AdminArea) -> Q:
    """Entries inside the area, and remote entries over the area or any area containing it."""
    return Q(area_path__startswith=area.path) | _covering(area)


def _covering(area: AdminArea) -> Q:
    """Remote entries over the area or any area containing it."""
    parts = [p for p in area.path.split("/") if p]
    ancestors = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return Q(site__isnull=True, area_path__in=ancestors)


_COLUMNS = ("id", "service_id", "site_id", "lat", "lon", "waiting_days", "area_path")


def _rows(filters: Filters, need: int) -> list[dict[str, Any]]:
    qs = search_queryset(filters)
    if filters.near is None:
        return list(qs.order_by("waiting_days", "sort_name", "id").values(*_COLUMNS)[:need])
    lat, lon = filters.near
    located: list[dict[str, Any]] = []
    for radius in RADII_KM:
        located = _near_rows(qs, lat, lon, radius, need)
        if len(located) >= need and located[-1]["distance_km"] <= radius:
            break
    if len(located) < need and (filters.area or filters.origin) is not None:
        covered = filters.area or filters.origin
        assert covered is not None
        remote = qs.filter(site__isnull=True) if filters.area else qs.filter(_covering(covered))
        remote = remote.order_by("waiting_days", "sort_name", "id")
        located += [
            dict(r, distance_km=None) for r in remote.values(*_COLUMNS)[: need - len(located)]
        ]
    return located


def nearby_queryset(
    qs: QuerySet[SearchEntry], lat: float, lon: float, radius_km: float
) -> QuerySet[SearchEntry]:
    """Entries in a bounding box around the point, ordered by (planar) distance."""
    min_lat, min_lon, max_lat, max_lon = bbox_around(lat, lon, radius_km)
    k = math.cos(math.radians(lat))
    planar = ExpressionWrapper(
        (F("lat") - lat) * (F("lat") - lat) + (F("lon") - lon) * (F("lon") - lon) * (k * k),
        output_field=FloatField(),
    )
    return (
        qs.filter(lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon))
        .annotate(planar=planar)
        .order_by("planar", "waiting_days", "id")
    )


def _near_rows(
    qs: QuerySet[SearchEntry], lat: float, lon: float, radius: float, need: int
) -> list[dict[str, Any]]:
    rows = list(nearby_queryset(qs, lat, lon, radius).values(*_COLUMNS)[:need])
    for row in rows:
        row["distance_km"] = round(distance_km(lat, lon, row["lat"], row["lon"]), 2)
    # The planar order is close; the exact one decides, waiting time breaks ties.
    rows.sort(key=lambda r: (round(r["distance_km"], 1), r["waiting_days"], r["id"]))
    return rows


def _hydrate(rows: Sequence[dict[str, Any]]) -> list[ServiceMatch]:
    services = Service.objects.select_related("organisation", "layer").in_bulk(
        [r["service_id"] for r in rows]
    )
    sites = (
        Site.objects.select_related("area")
        .defer("area__boundary")
        .in_bulk([r["site_id"] for r in rows if r["site_id"]])
    )
    return [
        ServiceMatch(
            service=services[r["service_id"]],
            site=sites.get(r["site_id"]) if r["site_id"] else None,
            distance_km=r.get("distance_km"),
            waiting_days=None if r["waiting_days"] == UNKNOWN_WAIT else r["waiting_days"],
            area_path=r["area_path"],
        )
        for r in rows
        if r["service_id"] in services
    ]


# --- public reads -----------------------------------------------------------------------


def _as_uuid(value: Any) -> uuid_lib.UUID:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def public_sites() -> QuerySet[Site]:
    return Site.objects.filter(confidential=False, is_active=True, organisation__is_active=True)


def public_services() -> QuerySet[Service]:
    """Services a member of the public may see: not inactive, of an active organisation,
    delivered at a public site or over a service area."""
    listed = Q(at_locations__site__in=public_sites()) | Q(areas__isnull=False)
    ids = Service.objects.filter(listed).values("pk")
    return Service.objects.filter(
        pk__in=ids,
        organisation__is_active=True,
        status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED],
    )


def public_service(uuid: Any) -> Service:
    """A service for its public page, with its public sites and areas; 404 otherwise."""
    qs = (
        public_services()
        .select_related("organisation", "layer")
        .prefetch_related(
            "activities",
            "interventions",
            "target_groups",
            "languages",
            "delivery_modes",
            Prefetch(
                "at_locations",
                queryset=ServiceAtLocation.objects.filter(site__in=public_sites())
                .select_related("site__area")
                .defer("site__area__boundary"),
                to_attr="public_links",
            ),
            Prefetch(
                "areas",
                queryset=ServiceArea.objects.select_related("area").defer("area__boundary"),
                to_attr="public_areas",
            ),
        )
    )
    service = qs.filter(uuid=_as_uuid(uuid)).first()
    if service is None:
        raise Http404
    return service


def referral_list(area: AdminArea) -> list[ServiceMatch]:
    """Every matching active service in an area, for the printable one-page list."""
    return search(Filters(area=area), limit=60)


# --- what a signed-in user may reach -----------------------------------------------------


def services_for_user(user: User | AnonymousUser | None, action: str) -> QuerySet[Service]:
    """Services `user` may reach for `action` (directory.view / .edit / .review).

    Area-limited coordinators reach the services delivered at sites in their area.
    """
    allowed = permissions.filter_for(user, action, Service.objects.all(), area_field="sites__area")
    return Service.objects.filter(pk__in=allowed.values("pk")).select_related(
        "organisation", "layer"
    )


def service_for_user(user: User | AnonymousUser | None, uuid: Any, action: str) -> Service:
    """One service `user` may reach for `action`, or 404 (also for forged or foreign ids)."""
    service = services_for_user(user, action).filter(uuid=_as_uuid(uuid)).first()
    if service is None:
        raise Http404
    return service


def sites_for_user(user: User | AnonymousUser | None, action: str) -> QuerySet[Site]:
    return (
        permissions.filter_for(user, action, Site.objects.all(), area_field="area")
        .select_related("organisation", "area")
        .defer("area__boundary")
    )


def site_for_user(user: User | AnonymousUser | None, uuid: Any, action: str) -> Site:
    site = sites_for_user(user, action).filter(uuid=_as_uuid(uuid)).first()
    if site is None:
        raise Http404
    return site


def stale_services(user: User | AnonymousUser | None) -> QuerySet[Service]:
    """Listings not verified in time that `user` reviews (coordinators) or edits."""
    return (
        Service.objects.filter(pk__in=services_for_user(user, "directory.review").values("pk"))
        .filter(status=ServiceStatus.ACTIVE)
        .stale()
        .select_related("organisation", "layer")
        .order_by("last_verified", "name_en")
    )
