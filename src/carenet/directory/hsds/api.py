"""The Open Referral HSDS 3.0 API under `/hsds/`: public, read-only, paginated.

Endpoints, parameters and paging follow the HSDS OpenAPI (`hsds/schema/openapi.json`);
responses follow its schema objects (see SOURCE.md for the two upstream defects we do not
copy). `format=ndjson` streams every matching row without pages.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import uuid as uuid_lib
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from carenet.accounts.models import Organisation
from carenet.directory.hsds import out as hsds_out
from carenet.directory.hsds import queries
from carenet.directory.models import (
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
)
from carenet.directory.queries import public_services, public_sites
from carenet.directory.text import words
from carenet.geo.queries import bbox_around, distance_km
from carenet.taxonomy.models import Scheme, Term

HSDS_DIR = Path(__file__).resolve().parent
PER_PAGE = 50
MAX_PER_PAGE = 500
M2M = queries.M2M


class BadParameter(ValueError):
    pass


def _lang() -> str:
    return (get_language() or "en")[:2]


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _bool(request: HttpRequest, name: str) -> bool:
    value = request.GET.get(name, "").lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise BadParameter(f"{name} must be true or false")


def _int(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadParameter(f"{name} must be an integer") from exc
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}")
    return value


def _uuid(value: str, name: str = "id") -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(value)
    except ValueError as exc:
        raise BadParameter(f"{name} must be a UUID") from exc


def _endpoint(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return _error(str(exc))
        except Http404:
            return _error("Not found", 404)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return require_GET(wrapped)


def _page(
    request: HttpRequest,
    items: QuerySet[Any] | list[Any],
    render: Callable[[list[Any]], list[dict[str, Any]]],
) -> HttpResponseBase:
    """The HSDS `Page` envelope, or an ndjson stream of every item with format=ndjson."""
    fmt = request.GET.get("format", "json")
    if fmt not in ("json", "ndjson"):
        raise BadParameter("format must be json or ndjson")
    page = _int(request, "page", 1, 1, 1_000_000)
    per_page = _int(request, "per_page", PER_PAGE, 1, MAX_PER_PAGE)
    if fmt == "ndjson":
        return StreamingHttpResponse(_ndjson(items, render), content_type="application/x-ndjson")
    total = items.count() if isinstance(items, QuerySet) else len(items)
    pages = max(1, math.ceil(total / per_page))
    chunk = list(items[(page - 1) * per_page : page * per_page])
    return JsonResponse(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": page,
            "size": len(chunk),
            "first_page": page == 1,
            "last_page": page >= pages,
            "empty": total == 0,
            "contents": render(chunk),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _ndjson(
    items: QuerySet[Any] | list[Any], render: Callable[[list[Any]], list[dict[str, Any]]]
) -> Iterator[bytes]:
    batch = 200
    for start in range(0, 10**9, batch):
        chunk = list(items[start : start + batch])
        if not chunk:
            return
        for obj in render(chunk):
            yield (json.dumps(obj, ensure_ascii=False) + "\n").encode()


# --- the profile and the API description ---------------------------------------------------


def profile_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("hsds:profile"))


@_endpoint
def root(request: HttpRequest) -> HttpResponseBase:
    """API meta information: HSDS version, the CareNet MHPSS profile and the OpenAPI URL."""
    return JsonResponse(
        {
            "version": hsds_out.HSDS_VERSION,
            "profile": profile_uri(request),
            "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
        }
    )


@_endpoint
def profile(request: HttpRequest) -> HttpResponseBase:
    """What the CareNet MHPSS profile adds to HSDS 3.0, in machine-readable form."""
    return JsonResponse(
        {
            "name": "CareNet MHPSS",
            "version": hsds_out.PROFILE_VERSION,
            "uri": profile_uri(request),
            "hsds_version": hsds_out.HSDS_VERSION,
            "description": "HSDS 3.0 for mental health and psychosocial support networks: "
            "MHPSS code lists as taxonomies, OCHA P-codes for places.",
            "taxonomies": [hsds_out.taxonomy(s) for s in queries.schemes()]
            + [hsds_out.carenet_taxonomy()],
            "attribute_link_types": {
                "service": [f"carenet:{n}" for n in hsds_out.SERVICE_EXTRAS],
                "location": [f"carenet:{n}" for n in hsds_out.SITE_EXTRAS],
                "organization": [f"carenet:{n}" for n in hsds_out.ORG_EXTRAS],
            },
            "conventions": {
                "location.external_identifier": "OCHA P-code (external_identifier_type "
                "'ocha_pcode')",
                "service_area.extent": "OCHA P-code (extent_type 'text')",
                "attribute.link_type": "taxonomy code for taxonomy terms; carenet:<field> for "
                "CareNet facts with no HSDS field",
            },
            "licence": "Schemas: HSDS 3.0, CC BY-SA 4.0, Open Referral (https://openreferral.org/)",
        }
    )


@cache
def _openapi() -> dict[str, Any]:
    spec = json.loads((HSDS_DIR / "schema" / "openapi.json").read_text())
    spec = copy.deepcopy(spec)
    paths = spec["paths"]
    sal = paths["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]
    sal["application/json"]["schema"]["$ref"] = sal["application/json"]["schema"]["$ref"].replace(
        "compiled/service.json", "compiled/service_at_location.json"
    )
    paths["/taxonomy_terms"]["get"]["operationId"] = "getPaginatedListOfTaxonomyTerms"
    paths["/taxonomy_terms/{id}"]["get"]["operationId"] = "getTaxonomyTermById"
    spec["info"] = {
        "title": "CareNet HSDS API",
        "version": hsds_out.HSDS_VERSION,
        "description": "Open Referral HSDS 3.0 with the CareNet MHPSS profile.",
        "license": {
            "name": "CC BY-SA 4.0",
            "url": "https://creativecommons.org/licenses/by-sa/4.0/",
        },
    }
    return spec


@_endpoint
def openapi(request: HttpRequest) -> HttpResponseBase:
    spec = dict(
        _openapi(), servers=[{"url": request.build_absolute_uri(reverse("hsds:root")).rstrip("/")}]
    )
    return JsonResponse(spec)


# --- taxonomies -----------------------------------------------------------------------------


def _scheme_by_id(value: str) -> Scheme:
    return queries.scheme_by_hsds_id(str(_uuid(value, "taxonomy_id")))


def _term_by_id(value: str) -> Term:
    return queries.term_by_hsds_id(str(_uuid(value, "taxonomy_term_id")))


@_endpoint
def taxonomies(request: HttpRequest) -> HttpResponseBase:
    schemes = list(queries.schemes())
    text = request.GET.get("search", "").strip().lower()
    if text:
        schemes = [s for s in schemes if text in f"{s.code} {s.name_en}".lower()]
    return _page(request, schemes, lambda chunk: [hsds_out.taxonomy(s) for s in chunk])


@_endpoint
def taxonomy_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    return JsonResponse(hsds_out.taxonomy(_scheme_by_id(id)))


@_endpoint
def taxonomy_terms(request: HttpRequest) -> HttpResponseBase:
    terms = queries.terms()
    if request.GET.get("taxonomy_id"):
        terms = terms.filter(scheme=_scheme_by_id(request.GET["taxonomy_id"]))
    if _bool(request, "top_only"):
        terms = terms.filter(parent__isnull=True)
    if request.GET.get("parent_id"):
        terms = terms.filter(parent=_term_by_id(request.GET["parent_id"]))
    for word in request.GET.get("search", "").split()[:5]:
        terms = terms.filter(
            Q(code__icontains=word)
            | Q(label_en__icontains=word)
            | Q(label_uk__icontains=word)
            | Q(label_pl__icontains=word)
        )
    lang = _lang()
    return _page(
        request, terms, lambda chunk: [hsds_out.taxonomy_term(t, language=lang) for t in chunk]
    )


@_endpoint
def taxonomy_term_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    return JsonResponse(
        hsds_out.taxonomy_term(_term_by_id(id), language=_lang()),
        json_dumps_params={"ensure_ascii": False},
    )


# --- services ---------------------------------------------------------------------------


def _filter_services(request: HttpRequest, qs: QuerySet[Service]) -> QuerySet[Service]:
    text = words(request.GET.get("search", ""))
    if text:
        entries = SearchEntry.objects.all()
        for word in text:
            entries = entries.filter(text__contains=word)
        qs = qs.filter(pk__in=entries.values("service_id"))
    if request.GET.get("taxonomy_term_id"):
        term = _term_by_id(request.GET["taxonomy_term_id"])
        qs = qs.filter(queries.has_terms([term.pk]))
    if request.GET.get("taxonomy_id"):
        scheme = _scheme_by_id(request.GET["taxonomy_id"])
        qs = qs.filter(queries.has_terms(list(scheme.terms.values_list("pk", flat=True))))
    if request.GET.get("organization_id"):
        qs = qs.filter(organisation__uuid=_uuid(request.GET["organization_id"], "organization_id"))
    if request.GET.get("modified_after"):
        qs = qs.filter(updated_at__gte=_datetime(request.GET["modified_after"]))
    return qs


def _datetime(value: str) -> datetime.datetime:
    parsed = parse_datetime(value.replace(" ", "+"))
    if parsed is None:
        try:
            parsed = datetime.datetime.combine(datetime.date.fromisoformat(value), datetime.time())
        except ValueError as exc:
            raise BadParameter("modified_after must be an ISO 8601 date-time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def _regions_for(services: Iterable[Service]) -> dict[str, str]:
    return hsds_out.region_names(
        lk.site.area.path for s in services for lk in getattr(s, "public_links", [])
    )


def render_services(chunk: list[Service], *, full: bool) -> list[dict[str, Any]]:
    if not full:
        return [hsds_out.service_list_item(s) for s in chunk]
    regions, lang = _regions_for(chunk), _lang()
    return [hsds_out.service(s, language=lang, regions=regions) for s in chunk]


@_endpoint
def services(request: HttpRequest) -> HttpResponseBase:
    full, minimal = _bool(request, "full"), _bool(request, "minimal")
    qs = _filter_services(request, public_services())
    if minimal:
        qs = qs.select_related("organisation").order_by("name_en", "id")
        return _page(
            request,
            qs,
            lambda chunk: [
                {
                    "id": str(s.uuid),
                    "name": s.name,
                    "status": hsds_out.STATUS[ServiceStatus(s.status)],
                    "last_modified": s.updated_at.isoformat(),
                }
                for s in chunk
            ],
        )
    qs = (
        queries.services_queryset(qs)
        if full
        else qs.select_related("organisation__hsds").order_by("name_en", "id")
    )
    return _page(request, qs, lambda chunk: render_services(chunk, full=full))


@_endpoint
def service_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    service = queries.services_queryset().filter(uuid=_uuid(id)).first()
    if service is None:
        raise Http404
    return JsonResponse(
        render_services([service], full=True)[0], json_dumps_params={"ensure_ascii": False}
    )


# --- service at locations ---------------------------------------------------------------


def _near_postcode(
    request: HttpRequest,
    qs: QuerySet[ServiceAtLocation],
) -> QuerySet[ServiceAtLocation] | list[ServiceAtLocation]:
    """`postcode` (a postal code or a P-code) limits to that place's sites and the services
    covering it; with `proximity` (metres), to the sites within that distance of its centre."""
    code = request.GET.get("postcode", "").strip()
    proximity = request.GET.get("proximity", "").strip()
    if not code:
        if proximity:
            raise BadParameter("proximity needs a postcode")
        return qs
    sites = public_sites().filter(Q(postal_code__iexact=code) | Q(area__pcode__iexact=code))
    if not proximity:
        covering = ServiceArea.objects.filter(area__pcode__iexact=code).values("service_id")
        return qs.filter(Q(site__in=sites) | Q(service_id__in=covering))
    try:
        metres = float(proximity)
    except ValueError as exc:
        raise BadParameter("proximity must be a number of metres") from exc
    points = [s.point for s in sites.only("lat", "lon") if s.point]
    if not points or not 0 < metres <= 2_000_000:
        return qs.none()
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    km = metres / 1000
    min_lat, min_lon, max_lat, max_lon = bbox_around(lat, lon, km)
    boxed = qs.filter(site__lat__range=(min_lat, max_lat), site__lon__range=(min_lon, max_lon))
    return [lk for lk in boxed if lk.site.point and distance_km(lat, lon, *lk.site.point) <= km]


@_endpoint
def service_at_locations(request: HttpRequest) -> HttpResponseBase:
    full = _bool(request, "full")
    services_qs = _filter_services(request, public_services())
    qs = queries.links().filter(service__in=services_qs)
    items = _near_postcode(request, qs)

    def render(chunk: list[ServiceAtLocation]) -> list[dict[str, Any]]:
        regions = hsds_out.region_names(lk.site.area.path for lk in chunk)
        if full:
            return [hsds_out.service_at_location(lk, regions) for lk in chunk]
        return [hsds_out.service_at_location_list_item(lk, regions) for lk in chunk]

    return _page(request, items, render)


@_endpoint
def service_at_location_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    link = queries.links().filter(uuid=_uuid(id)).first()
    if link is None:
        raise Http404
    regions = hsds_out.region_names([link.site.area.path])
    return JsonResponse(
        hsds_out.service_at_location(link, regions), json_dumps_params={"ensure_ascii": False}
    )


# --- organizations ------------------------------------------------------------------------


def _render_organisations(
    chunk: list[Organisation], *, full: bool, full_service: bool
) -> list[dict[str, Any]]:
    if not (full or full_service):
        return [hsds_out.organization_brief(o) for o in chunk]
    sites = list(
        public_sites()
        .filter(organisation__in=chunk)
        .select_related("area", "organisation")
        .defer("area__boundary")
    )
    svc_qs = public_services().filter(organisation__in=chunk)
    svcs = list(
        queries.services_queryset(svc_qs)
        if full_service
        else svc_qs.select_related("organisation__hsds")
    )
    regions = hsds_out.region_names(s.area.path for s in sites) | _regions_for(svcs)
    lang = _lang()
    out = []
    for org in chunk:
        nested = [
            hsds_out.service(s, language=lang, regions=regions)
            if full_service
            else {
                "id": str(s.uuid),
                "name": s.name,
                "status": hsds_out.STATUS[ServiceStatus(s.status)],
            }
            for s in svcs
            if s.organisation_id == org.pk
        ]
        out.append(
            hsds_out.organization(
                org,
                sites=[s for s in sites if s.organisation_id == org.pk],
                services=nested,
                regions=regions,
            )
        )
    return out


@_endpoint
def organizations(request: HttpRequest) -> HttpResponseBase:
    full, full_service = _bool(request, "full"), _bool(request, "full_service")
    qs = queries.organisations()
    for word in request.GET.get("search", "").split()[:5]:
        qs = qs.filter(Q(name__icontains=word) | Q(acronym__icontains=word))
    return _page(
        request,
        qs,
        lambda chunk: _render_organisations(chunk, full=full, full_service=full_service),
    )


@_endpoint
def organization_detail(request: HttpRequest, id: str) -> HttpResponseBase:
    org = queries.organisations().filter(uuid=_uuid(id)).first()
    if org is None:
        raise Http404
    body = _render_organisations([org], full=True, full_service=_bool(request, "full_service"))[0]
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
