"""CareNet's own JSON API for the directory (django-ninja); OpenAPI at
`/services/api/openapi.json`, interactive docs at `/services/api/docs`.

Public reads need no sign-in; writes use the session and the same permission checks as the
pages (`queries.service_for_user(..., "directory.edit")`: another organisation's listing is
"not found").
"""

from __future__ import annotations

import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, NinjaAPI, Query, Schema
from ninja.security import django_auth

from carenet.directory import queries, services
from carenet.directory.forms import resolve_place
from carenet.directory.models import Service, ServiceStatus
from carenet.directory.queries import Filters, ServiceMatch

api = NinjaAPI(
    title="CareNet directory API",
    version="1.0",
    # Mounted inside the `directory` URL namespace: the full path lets ninja reverse its
    # root and its OpenAPI document (the docs page) through it.
    urls_namespace="directory:directory-api",
    description="Search the public MHPSS service directory and keep your organisation's "
    "listings up to date. The Open Referral HSDS 3.0 API is at /hsds/.",
    docs_url="/docs",
)


class SearchParams(Schema):
    q: str = Field("", max_length=100, description="Free text in English, Ukrainian or Polish")
    place: str = Field("", max_length=100, description="Area P-code or name")
    activity: str | None = Field(None, max_length=40, description="IASC 4W activity code")
    layer: str | None = Field(None, max_length=40, description="Pyramid layer code")
    intervention: str | None = Field(None, max_length=40)
    language: str | None = Field(None, max_length=40)
    target_group: str | None = Field(None, max_length=40)
    delivery_mode: str | None = Field(None, max_length=40)
    age: int | None = Field(None, ge=0, le=120)
    free: bool = False
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1000)


class SiteOut(Schema):
    id: UUID
    name: str
    kind: str
    address: str
    city: str
    pcode: str
    lat: float | None
    lon: float | None


class MatchOut(Schema):
    service_id: UUID
    name: str
    organisation: str
    layer: str | None
    free: bool
    phone: str
    site: SiteOut | None
    distance_km: float | None
    waiting_days: int | None


class ServiceOut(Schema):
    id: UUID
    organisation: str
    name_en: str
    name_uk: str
    name_pl: str
    description_en: str
    description_uk: str
    description_pl: str
    status: str
    layer: str | None
    activities: list[str]
    interventions: list[str]
    target_groups: list[str]
    languages: list[str]
    delivery_modes: list[str]
    age_min: int | None
    age_max: int | None
    sex: str
    free: bool
    referral_required: bool
    capacity_places: int | None
    available_places: int | None
    waiting_days: int | None
    phone: str
    email: str
    url: str
    schedule: list[dict[str, str]]
    last_verified: datetime.date | None
    sites: list[SiteOut]
    service_areas: list[str]


class ServicePatch(Schema):
    """The facts that change week to week; send only those that changed."""

    status: Literal["active", "inactive", "temporarily_closed"] | None = None
    waiting_days: int | None = Field(None, ge=0, le=3650)
    available_places: int | None = Field(None, ge=0, le=100000)
    capacity_places: int | None = Field(None, ge=0, le=100000)
    phone: str | None = Field(None, max_length=40)
    verified: bool = False


class Message(Schema):
    detail: str


def _site(site: Any) -> dict[str, Any] | None:
    if site is None:
        return None
    return {
        "id": site.uuid,
        "name": site.name,
        "kind": site.kind,
        "address": site.address,
        "city": site.city,
        "pcode": site.area.pcode,
        "lat": site.lat,
        "lon": site.lon,
    }


def _match(m: ServiceMatch) -> dict[str, Any]:
    s = m.service
    return {
        "service_id": s.uuid,
        "name": s.name,
        "organisation": s.organisation.name,
        "layer": s.layer.code if s.layer else None,
        "free": s.free,
        "phone": s.phone,
        "site": _site(m.site),
        "distance_km": m.distance_km,
        "waiting_days": m.waiting_days,
    }


def _service(s: Service) -> dict[str, Any]:
    codes = {name: [t.code for t in getattr(s, name).all()] for name in services.SERVICE_M2M}
    fields = {
        f: getattr(s, f)
        for f in (
            "name_en",
            "name_uk",
            "name_pl",
            "description_en",
            "description_uk",
            "description_pl",
            "status",
            "age_min",
            "age_max",
            "sex",
            "free",
            "referral_required",
            "capacity_places",
            "available_places",
            "waiting_days",
            "phone",
            "email",
            "url",
            "schedule",
            "last_verified",
        )
    }
    return {
        "id": s.uuid,
        "organisation": s.organisation.name,
        "layer": s.layer.code if s.layer else None,
        **codes,
        **fields,
        "sites": [_site(lk.site) for lk in getattr(s, "public_links", [])],
        "service_areas": [sa.area.pcode for sa in getattr(s, "public_areas", [])],
    }


@api.get("/search", response=list[MatchOut], summary="Search active services", tags=["public"])
def search(request: HttpRequest, params: Query[SearchParams]) -> list[dict[str, Any]]:
    """The public search engine: the same filters as the search page. With `lat` and `lon`
    results are ordered by distance, then waiting time."""
    area, _choices = resolve_place(params.place)
    near = (params.lat, params.lon) if params.lat is not None and params.lon is not None else None
    filters = Filters(
        text=params.q,
        area=area,
        activity_codes=(params.activity,) if params.activity else (),
        layer=params.layer or None,
        intervention=params.intervention or None,
        language=params.language or None,
        target_group=params.target_group or None,
        delivery_mode=params.delivery_mode or None,
        age=params.age,
        free_only=params.free,
        near=near,
    )
    return [_match(m) for m in queries.search(filters, limit=params.limit, offset=params.offset)]


@api.get(
    "/services/{service_id}",
    response={200: ServiceOut, 404: Message},
    summary="One public service",
    tags=["public"],
)
def service_detail(request: HttpRequest, service_id: UUID) -> Any:
    return _service(queries.public_service(service_id))


@api.get(
    "/mine",
    response=list[ServiceOut],
    auth=django_auth,
    summary="The services of my organisations",
    tags=["listings"],
)
def mine(request: HttpRequest) -> list[dict[str, Any]]:
    qs = (
        queries.services_for_user(request.user, "directory.edit")
        .prefetch_related(*services.SERVICE_M2M)
        .order_by("name_en")[:500]
    )
    return [_service(s) for s in qs]


@api.patch(
    "/services/{service_id}",
    response={200: ServiceOut, 404: Message, 422: Message},
    auth=django_auth,
    summary="Update a listing of my organisation",
    tags=["listings"],
)
def service_patch(request: HttpRequest, service_id: UUID, patch: ServicePatch) -> Any:
    service = queries.service_for_user(request.user, service_id, "directory.edit")
    nullable = {"waiting_days", "available_places", "capacity_places"}
    data = {
        k: v
        for k, v in patch.dict(exclude_unset=True, exclude={"verified"}).items()
        if v is not None or k in nullable
    }
    if "status" in data:
        data["status"] = ServiceStatus(data["status"])
    services.service_update(actor=request.user, service=service, data=data, request=request)
    if patch.verified:
        services.service_verify(actor=request.user, service=service, request=request)
    return (
        _service(queries.public_service(service.uuid)) if _is_public(service) else _service(service)
    )


def _is_public(service: Service) -> bool:
    return queries.public_services().filter(pk=service.pk).exists()
