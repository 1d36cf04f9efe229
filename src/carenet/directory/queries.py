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

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from carenet.accounts.models import Organisation
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
from carenet.taxonomy.models import Term

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

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


def _pick(values: dict[str, Any], prefix: str, lang: str) -> str:
    for suffix in (lang, "en", "uk", "pl"):
        if values.get(f"{prefix}_{suffix}"):
            return str(values[f"{prefix}_{suffix}"])
    return ""


def search_rows(filters: Filters, *, limit: int = 20, offset: int = 0) -> list[ResultRow]:
    """The public search: like `search`, with the shown values read in one more query."""
    rows = _best(filters, limit, offset)
    details = {d["id"]: d for d in _display_values([r["id"] for r in rows])}
    lang = (get_language() or "en")[:2]
    results = []
    for row in rows:
        d = details[row["id"]]
        waiting = row["waiting_days"]
        results.append(ResultRow(
            service_uuid=_as_uuid(d["uuid"]), name=_pick(d, "name", lang),
            organisation=d["organisation"], layer=_pick(d, "layer", lang), free=bool(d["free"]),
            phone=d["phone"] or d["site_phone"] or "", site_name=_pick(d, "site", lang),
            address=d["address"] or "", city=d["city"] or "", lat=row["lat"], lon=row["lon"],
            distance_km=row.get("distance_km"),
            waiting_days=None if waiting == UNKNOWN_WAIT else waiting,
            area_path=row["area_path"],
        ))  # fmt: skip
    return results


# --- the statements ----------------------------------------------------------------------
#
# The search statements are written here rather than built with the ORM: they run on every
# public search and every referral draft, and building them with querysets cost about 2 ms
# of Python a search, as much as PostgreSQL takes to run them. `_Where` keeps values as
# parameters; LIKE patterns are escaped the way Django escapes them.

_COLUMNS = ("id", "service_id", "site_id", "lat", "lon", "waiting_days", "area_path")
_SELECT = ", ".join(_COLUMNS)
_MAX_POSITION = 2**31 - 1
# The expression of the GiST index `dir_search_nearest` (migration 0002): the point on the
# unit sphere. The straight-line distance between two such points grows with the
# great-circle distance, so `ORDER BY <it> <-> <point>` is nearest first, exactly, and
# PostgreSQL walks the index instead of sorting.
_UNIT_VECTOR = (
    "cube(ARRAY[cos(radians(lat)) * cos(radians(lon)), "
    "cos(radians(lat)) * sin(radians(lon)), sin(radians(lat))])"
)


class _Where:
    """The WHERE clause of a search over `SearchEntry`, with its parameters."""

    def __init__(self) -> None:
        self.clauses: list[str] = ['NOT "full"']
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.clauses)


def _like(operator: str, value: str) -> tuple[str, str]:
    """`operator` is "contains" or "startswith"; returns the SQL and the pattern."""
    pattern = connection.ops.prep_for_like_query(value)
    pattern = f"%{pattern}%" if operator == "contains" else f"{pattern}%"
    return connection.operators[operator] % "%s", pattern


def _where(filters: Filters) -> _Where:
    where = _Where()
    for word in words(filters.text):
        if filters.area is None:
            # LIKE lets PostgreSQL use the trigram index.
            operator, pattern = _like("contains", word)
            where.add(f"text {operator}", pattern)
        else:
            # Inside an area the area index is far more selective, and a common word's
            # trigram lists cost more than reading the area's rows. strpos (no index serves
            # it), written as a range so that its estimate is small and the planner does
            # not walk the waiting-time index instead.
            where.add(f"{_strpos()}(text, %s) BETWEEN 1 AND {_MAX_POSITION}", word)
    if filters.activity_codes:
        any_code = []
        for code in filters.activity_codes:
            operator, pattern = _like("contains", f"|{code}|")
            any_code.append(f"activities {operator}")
            where.params.append(pattern)
        where.clauses.append("(" + " OR ".join(any_code) + ")")
    if filters.layer:
        where.add("layer = %s", filters.layer)
    optional: tuple[tuple[str, str | None], ...] = (
        ("interventions", filters.intervention),
        ("languages", filters.language),
        ("target_groups", filters.target_group),
        ("delivery_modes", filters.delivery_mode),
    )
    for column, value in optional:
        if value:
            operator, pattern = _like("contains", f"|{value}|")
            where.add(f"{column} {operator}", pattern)
    if filters.age is not None:
        where.add(
            "(age_min IS NULL OR age_min <= %s) AND (age_max IS NULL OR age_max >= %s)",
            filters.age,
            filters.age,
        )
    if filters.sex in ("female", "male"):
        where.add("sex IN (%s, %s)", "any", filters.sex)
    if filters.free_only:
        where.add("free")
    if filters.exclude_organisation:
        where.add("organisation_id <> %s", filters.exclude_organisation)
    if filters.area is not None:
        operator, pattern = _like("startswith", filters.area.path)
        covering, params = _covering(filters.area)
        where.add(f"(area_path {operator} OR {covering})", pattern, *params)
    return where


def _strpos() -> str:
    return "strpos" if connection.vendor == "postgresql" else "instr"


def _covering(area: AdminArea) -> tuple[str, list[str]]:
    """Remote entries over the area or any area containing it."""
    parts = [p for p in area.path.split("/") if p]
    ancestors = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    marks = ", ".join(["%s"] * len(ancestors))
    return f"(site_id IS NULL AND area_path IN ({marks}))", ancestors


def _statement(where: str, tail: str) -> str:
    # Only constants and placeholders are formatted in; values travel as parameters.
    return f"SELECT {_SELECT} FROM {_TABLE} WHERE {where} {tail}"  # noqa: S608


def _fetch(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


_TABLE = SearchEntry._meta.db_table
_BY_WAIT = "ORDER BY waiting_days, sort_name, id"


def _rows(filters: Filters, need: int) -> list[dict[str, Any]]:
    where = _where(filters)
    if filters.near is None:
        sql = _statement(where.sql(), f"{_BY_WAIT} LIMIT %s")
        return _fetch(sql, [*where.params, need])
    lat, lon = filters.near
    located: list[dict[str, Any]] = []
    if connection.vendor == "postgresql":
        located = _nearest(where, lat, lon, need, with_text=bool(words(filters.text)))
    else:
        for radius in RADII_KM:
            located = _near_rows(where, lat, lon, radius, need)
            if len(located) >= need and located[-1]["distance_km"] <= radius:
                break
    if len(located) < need and (filters.area or filters.origin) is not None:
        covered = filters.area or filters.origin
        assert covered is not None
        remote, params = ("site_id IS NULL", []) if filters.area else _covering(covered)
        sql = _statement(f"{where.sql()} AND {remote}", f"{_BY_WAIT} LIMIT %s")
        found = _fetch(sql, [*where.params, *params, need - len(located)])
        located += [dict(r, distance_km=None) for r in found]
    return located


# Columns the filters read, carried by the nearest-first index with `_COLUMNS` (migration 0002).
_CARRIED = (
    '"full"', "layer", "activities", "interventions", "languages", "target_groups",
    "delivery_modes", "age_min", "age_max", "sex", "free", "organisation_id",
)  # fmt: skip
# Entries walked nearest first before giving up on the index: filters that fit few entries
# anywhere would otherwise walk all of it (270 ms on the national data).
NEAREST_WALK = 10_000


def _nearest(
    where: _Where, lat: float, lon: float, need: int, *, with_text: bool
) -> list[dict[str, Any]]:
    """PostgreSQL: the `need` entries nearest to the point that fit the filters.

    The inner statement walks the GiST index nearest first, reading the index alone, for at
    most `NEAREST_WALK` entries; the outer one keeps those that fit and stops at `need`. When
    fewer fit (sparse filters), a second statement reads every entry that fits and sorts
    them (`+ 0` keeps the planner off the index, which would walk it all)."""
    phi, lam = math.radians(lat), math.radians(lon)
    point = (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))
    chord = f"{_UNIT_VECTOR} <-> cube(ARRAY[%s, %s, %s]::float8[])"
    inner = ", ".join((*_COLUMNS, *_CARRIED, *(("text",) if with_text else ())))
    # Only constants and placeholders are formatted in; values travel as parameters.
    sql = (
        f"SELECT {_SELECT} FROM (SELECT {inner}, {chord} AS chord FROM {_TABLE} "  # noqa: S608
        f"WHERE lat IS NOT NULL ORDER BY chord LIMIT %s) nearest "
        f"WHERE {where.sql()} ORDER BY chord LIMIT %s"
    )
    rows = _fetch(sql, [*point, NEAREST_WALK, *where.params, need])
    if len(rows) < need:
        sql = _statement(f"{where.sql()} AND lat IS NOT NULL", f"ORDER BY ({chord}) + 0 LIMIT %s")
        rows = _fetch(sql, [*where.params, *point, need])
    return _by_distance(rows, lat, lon)


def _near_rows(
    where: _Where, lat: float, lon: float, radius: float, need: int
) -> list[dict[str, Any]]:
    """Other databases: entries in a bounding box, ordered by a planar distance."""
    min_lat, min_lon, max_lat, max_lon = bbox_around(lat, lon, radius)
    k2 = math.cos(math.radians(lat)) ** 2
    sql = _statement(
        f"{where.sql()} AND lat BETWEEN %s AND %s AND lon BETWEEN %s AND %s",
        "ORDER BY (lat - %s) * (lat - %s) + (lon - %s) * (lon - %s) * %s, waiting_days, id "
        "LIMIT %s",
    )
    params = [*where.params, min_lat, max_lat, min_lon, max_lon, lat, lat, lon, lon, k2, need]
    return _by_distance(_fetch(sql, params), lat, lon)


def _by_distance(rows: list[dict[str, Any]], lat: float, lon: float) -> list[dict[str, Any]]:
    for row in rows:
        row["distance_km"] = round(distance_km(lat, lon, row["lat"], row["lon"]), 2)
    # The exact distance decides (to 100 m), waiting time breaks ties.
    rows.sort(key=lambda r: (round(r["distance_km"], 1), r["waiting_days"], r["id"]))
    return rows


_DISPLAY = (
    "id", "uuid", "name_en", "name_uk", "name_pl", "organisation", "layer_en", "layer_uk",
    "layer_pl", "free", "phone", "site_en", "site_uk", "site_pl", "address", "city",
    "site_phone",
)  # fmt: skip


def _display_values(ids: list[int]) -> list[dict[str, Any]]:
    """What the results list shows of these entries, in one query."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    # Table names and placeholders only are formatted in.
    sql = (
        "SELECT e.id, s.uuid, s.name_en, s.name_uk, s.name_pl, o.name, t.label_en, "  # noqa: S608
        "t.label_uk, t.label_pl, s.free, s.phone, st.name_en, st.name_uk, st.name_pl, "
        f"st.address, st.city, st.phone FROM {_TABLE} e "
        f"JOIN {Service._meta.db_table} s ON s.id = e.service_id "
        f"JOIN {Organisation._meta.db_table} o ON o.id = s.organisation_id "
        f"LEFT JOIN {Term._meta.db_table} t ON t.id = s.layer_id "
        f"LEFT JOIN {Site._meta.db_table} st ON st.id = e.site_id "
        f"WHERE e.id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return [dict(zip(_DISPLAY, row, strict=True)) for row in cursor.fetchall()]


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
    return Site.objects.filter(
        confidential=False, is_active=True, needs_review=False, organisation__is_active=True
    )


def public_services() -> QuerySet[Service]:
    """Services a member of the public may see: not inactive, not waiting for review after an
    import, of an active organisation, delivered at a public site or over a service area."""
    listed = Q(at_locations__site__in=public_sites()) | Q(areas__isnull=False)
    ids = Service.objects.filter(listed).values("pk")
    return Service.objects.filter(
        pk__in=ids,
        needs_review=False,
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


def site_ids_of(organisation_ids: Iterable[int]) -> dict[int, set[uuid_lib.UUID]]:
    """The ids (uuid) of each organisation's own sites, in one query for all of them.

    Confidential and inactive sites count: an organisation's 4W rows may be about a shelter,
    or about a month before a site closed. Every organisation asked for has a key."""
    wanted = sorted(set(organisation_ids))
    found: dict[int, set[uuid_lib.UUID]] = {pk: set() for pk in wanted}
    if not wanted:
        return found
    rows = Site.objects.filter(organisation_id__in=wanted).values_list("organisation_id", "uuid")
    for organisation_id, site_uuid in rows:
        found[organisation_id].add(site_uuid)
    return found


# --- what other apps read of the directory (4W gap analysis, 4W row forms) ----------------


def public_services_stamp() -> str:
    """Changes whenever the public services change: their count and latest update, for
    caches of figures drawn from them."""
    from django.db.models import Count, Max

    state = public_services().aggregate(n=Count("id"), last=Max("updated_at"))
    return f"{state['n']},{state['last']}"


def public_service_places() -> list[tuple[int, str | None, str | None]]:
    """(service id, pyramid layer code, area path) of every public service: one row per
    site it is delivered at, then one per service area (path None when it has none)."""
    services = public_services()
    at_sites = services.values_list("pk", "layer__code", "at_locations__site__area__path")
    over_areas = services.values_list("pk", "layer__code", "areas__area__path")
    return [*at_sites, *over_areas]


def organisation_sites_for_user(
    user: User | AnonymousUser | None, action: str, organisation: Organisation, limit: int
) -> list[Site]:
    """The organisation's sites `user` may reach for `action`, by English name, at most
    `limit` (with their area)."""
    found = sites_for_user(user, action).filter(organisation=organisation)
    return list(found.order_by("name_en")[:limit])


# --- drafts kept by an import for review ---------------------------------------------------


@dataclass(frozen=True)
class DraftRow:
    """One draft on the review list: why it is a draft and which import kept it."""

    service: Service
    placed: bool  # delivered at a site or over a service area
    draft_sites: list[Site]
    imported_at: Any  # datetime of the import that created it (None when unknown)
    import_summary: str


def drafts_for_user(user: User | AnonymousUser | None) -> QuerySet[Service]:
    """Services an import kept for review that `user` reviews (`directory.publish`): their
    organisation's admins and focal points, coordinators of their country or area."""
    return (
        services_for_user(user, "directory.publish")
        .filter(needs_review=True)
        .prefetch_related(
            Prefetch(
                "at_locations",
                queryset=ServiceAtLocation.objects.select_related("site__area").defer(
                    "site__area__boundary"
                ),
            ),
            Prefetch(
                "areas",
                queryset=ServiceArea.objects.select_related("area").defer("area__boundary"),
            ),
        )
        .order_by("-created_at", "name_en", "pk")
    )


def draft_for_user(user: User | AnonymousUser | None, uuid: Any) -> Service:
    """One draft `user` reviews, or 404 (forged ids, published services, foreign drafts)."""
    service = drafts_for_user(user).filter(uuid=_as_uuid(uuid)).first()
    if service is None:
        raise Http404
    return service


def draft_count(user: User | AnonymousUser | None) -> int:
    return services_for_user(user, "directory.publish").filter(needs_review=True).count()


def draft_rows(services: Sequence[Service]) -> list[DraftRow]:
    """The review list's rows for one page of drafts (from `drafts_for_user`): the import
    that created each is the first import audited after it was written (one query)."""
    from bisect import bisect_left

    from carenet.core.models import AuditAction, AuditEntry

    created = [s.created_at for s in services]
    imports: list[tuple[Any, str]] = []
    if created:
        imports = list(
            AuditEntry.objects.filter(action=AuditAction.IMPORT, at__gte=min(created))
            .filter(detail__startswith="HSDS import")
            .order_by("at")
            .values_list("at", "detail")[:500]
        )
    times = [at for at, _detail in imports]
    rows = []
    for service in services:
        links = list(service.at_locations.all())
        i = bisect_left(times, service.created_at)
        at, summary = imports[i] if i < len(imports) else (None, "")
        rows.append(
            DraftRow(
                service=service,
                placed=bool(links) or bool(list(service.areas.all())),
                draft_sites=[lk.site for lk in links if lk.site.needs_review],
                imported_at=at,
                import_summary=summary,
            )
        )
    return rows
