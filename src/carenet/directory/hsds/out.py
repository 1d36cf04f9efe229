"""CareNet rows as Open Referral HSDS 3.0 objects (the CareNet MHPSS profile).

Profile conventions (also served at `/hsds/profile/`):

* every `id` is the row's UUID; taxonomies and terms get stable UUIDv5 ids from their codes;
* the MHPSS code lists are HSDS taxonomies; a service links its terms through `attributes`
  whose `link_type` is the scheme code (`iasc-4w`, `pyramid-layer`, `intervention`, ...);
* facts HSDS has no field for travel as attributes with `link_type` `carenet:<field>` and the
  value as text (names and descriptions in en/uk/pl, sex, capacity, waiting days, ...); their
  term is `<field>` of the `carenet` taxonomy, nested in the attribute;
* HSDS fields of imported records that CareNet does not use come back as they were imported
  (`kept`);
* a location's P-code is `external_identifier` (`external_identifier_type` `ocha_pcode`);
  a service area's P-code is its `extent` (`extent_type` `text`);
* `name` and `description` are in the language of the request (Accept-Language).

Only public rows are ever turned into HSDS: callers pass querysets from
`queries.public_services()` / `public_sites()`.
"""

from __future__ import annotations

import datetime
import uuid as uuid_lib
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from carenet.accounts.models import Organisation
from carenet.directory.hsds import kept
from carenet.directory.models import Service, ServiceAtLocation, ServiceStatus, Site
from carenet.geo.models import AdminArea
from carenet.taxonomy.models import Scheme, Term

HSDS_VERSION = "3.0"
PROFILE_VERSION = "1.0"
NAMESPACE = uuid_lib.UUID("7c1f2d8e-3b0a-5c4e-9a61-2f6d0c8b4e15")
STATUS = {
    ServiceStatus.ACTIVE: "active",
    ServiceStatus.INACTIVE: "inactive",
    ServiceStatus.TEMPORARILY_CLOSED: "temporarily closed",
}
TERM_LINKS = ("activities", "interventions", "target_groups", "delivery_modes")
SERVICE_EXTRAS = (
    "name_en", "name_uk", "name_pl", "description_en", "description_uk", "description_pl",
    "sex", "free", "referral_required", "capacity_places", "available_places",
    "waiting_days", "schedule_note", "eligibility_uk", "eligibility_pl", "fees_uk", "fees_pl",
    "how_to_apply_uk", "how_to_apply_pl",
)  # fmt: skip
SITE_EXTRAS = ("name_en", "name_uk", "name_pl", "kind", "wheelchair_accessible")
ORG_EXTRAS = ("kind", "country", "coordination_member")
TIMEZONES = {"UA": "Europe/Kyiv", "PL": "Europe/Warsaw"}
# the taxonomy of the `carenet:<field>` attributes: one term per field
CARENET_TAXONOMY = "carenet"


def stable_id(*parts: object) -> str:
    """A UUIDv5 for rows CareNet does not store as such (terms, phones, attributes...)."""
    return str(uuid_lib.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def scheme_id(scheme: Scheme) -> str:
    return stable_id("taxonomy", scheme.code)


def term_id(term: Term) -> str:
    return stable_id("term", term.scheme.code, term.code)


def carenet_taxonomy() -> dict[str, Any]:
    return {
        "id": stable_id("taxonomy", CARENET_TAXONOMY),
        "name": CARENET_TAXONOMY,
        "description": "CareNet MHPSS profile: facts HSDS has no field for "
        "(attribute link_type carenet:<field>)",
        "version": PROFILE_VERSION,
    }


def carenet_term(name: str) -> dict[str, Any]:
    """The term of attribute `carenet:<name>`."""
    return {
        "id": stable_id("term", CARENET_TAXONOMY, name),
        "code": name,
        "name": name,
        "description": f"CareNet field {name}",
        "taxonomy": CARENET_TAXONOMY,
        "taxonomy_id": stable_id("taxonomy", CARENET_TAXONOMY),
        "language": "en",
        "taxonomy_detail": carenet_taxonomy(),
    }


def carenet_terms() -> list[dict[str, Any]]:
    return [carenet_term(n) for n in dict.fromkeys((*SERVICE_EXTRAS, *SITE_EXTRAS, *ORG_EXTRAS))]


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    """HSDS fields are typed (a string is never null): leave out what is unknown."""
    return {k: v for k, v in obj.items() if v is not None and v != "" and v != []}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _extras(link_id: Any, entity: str, obj: Any, names: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for name in names:
        value = getattr(obj, name)
        if value is None or value == "":
            continue
        out.append(
            {
                "id": stable_id(link_id, f"carenet:{name}"),
                "link_id": str(link_id),
                "taxonomy_term_id": stable_id("term", CARENET_TAXONOMY, name),
                "link_type": f"carenet:{name}",
                "link_entity": entity,
                "value": _text(value),
                "taxonomy_term": carenet_term(name),
            }
        )
    return out


# --- taxonomies ---------------------------------------------------------------------------


def taxonomy(scheme: Scheme) -> dict[str, Any]:
    return _compact(
        {
            "id": scheme_id(scheme),
            "name": scheme.code,
            "description": scheme.name_en or scheme.code,
            "uri": scheme.source_url or None,
            "version": scheme.version,
        }
    )


def taxonomy_term(term: Term, *, language: str = "en") -> dict[str, Any]:
    label = getattr(term, f"label_{language}", "") or term.label_en
    return _compact(
        {
            "id": term_id(term),
            "code": term.code,
            "name": label,
            "description": term.description_en or label,
            "parent_id": term_id(term.parent) if term.parent is not None else None,
            "taxonomy": term.scheme.code,
            "taxonomy_id": scheme_id(term.scheme),
            "language": language if label != term.label_en or language == "en" else "en",
            "term_uri": term.source_url or None,
            "taxonomy_detail": taxonomy(term.scheme),
        }
    )


def _term_attribute(link_id: Any, entity: str, term: Term, language: str) -> dict[str, Any]:
    return {
        "id": stable_id(link_id, term.scheme.code, term.code),
        "link_id": str(link_id),
        "taxonomy_term_id": term_id(term),
        "link_type": term.scheme.code,
        "link_entity": entity,
        "taxonomy_term": taxonomy_term(term, language=language),
    }


# --- organisations and locations ----------------------------------------------------------


def org_extra(org: Organisation) -> dict[str, Any]:
    """The kept HSDS fields of an organisation (select_related `hsds` to save a query)."""
    try:
        return org.hsds.hsds_extra or {}  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return {}


def organization_brief(org: Organisation) -> dict[str, Any]:
    return _compact(
        {
            "id": str(org.uuid),
            "name": org.name,
            "alternate_name": org.acronym,
            "description": f"{org.get_kind_display()} ({org.get_country_display()})",
            "website": org.website or None,
            # imported fields CareNet has no column for; a description or alternate name
            # is kept only when it differs from CareNet's
            **kept.fields(org_extra(org), "organization"),
        }
    )


def organization(
    org: Organisation,
    *,
    sites: Iterable[Site] = (),
    services: Iterable[dict[str, Any]] = (),
    regions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A fully nested organization (compiled/organization.json)."""
    return _compact(
        {
            **organization_brief(org),
            "locations": [location(s, regions or {}) for s in sites],
            "services": list(services),
            **kept.lists(org_extra(org), "organization", {"organization_id": str(org.uuid)}),
            "attributes": _extras(org.uuid, "organization", org, ORG_EXTRAS)
            + _kept_attributes(org_extra(org), org.uuid),
        }
    )


def _kept_attributes(extra: dict[str, Any], link_id: Any) -> list[dict[str, Any]]:
    return kept.merge(extra, "attributes", [], {"link_id": str(link_id)})


def region_names(paths: Iterable[str]) -> dict[str, str]:
    """Names of the top-level areas (oblast / voivodeship) of these area paths."""
    codes = {p.split("/", 1)[0] for p in paths}
    return {
        a.pcode: a.name
        for a in AdminArea.objects.filter(pcode__in=codes).only(
            "pcode", "name_en", "name_uk", "name_pl", "country"
        )
    }


def location(site: Site, regions: dict[str, str]) -> dict[str, Any]:
    sid = site.uuid
    area = site.area
    address = {
        "id": stable_id(sid, "address"),
        "location_id": str(sid),
        "address_1": site.address,
        "city": site.city or area.name,
        "state_province": regions.get(area.path.split("/", 1)[0], ""),
        "postal_code": site.postal_code,
        "country": area.country,
        "address_type": "physical",
    }
    extra = site.hsds_extra or {}
    link = {"location_id": str(sid)}
    return _compact(
        {
            "id": str(sid),
            "location_type": "physical",
            "organization_id": str(site.organisation.uuid),
            "name": site.name,
            "description": site.get_kind_display(),
            "transportation": site.directions or None,
            "latitude": site.lat,
            "longitude": site.lon,
            "external_identifier": area.pcode,
            "external_identifier_type": "ocha_pcode",
            # imported: url, alternate_name; a description or location_type that differs
            **kept.fields(extra, "location"),
            **kept.lists(extra, "location", link),
            "addresses": kept.merge(
                extra,
                "addresses",
                [([site.address, site.city, site.postal_code], address)],
                link,
                kept_wins=("address_type",),
            ),
            "phones": kept.merge(
                extra,
                "phones",
                [(site.phone, {"id": stable_id(sid, "phone"), **link, "number": site.phone})]
                if site.phone
                else [],
                link,
            ),
            "contacts": kept.merge(
                extra,
                "contacts",
                [(site.email, {"id": stable_id(sid, "contact"), **link, "email": site.email})]
                if site.email
                else [],
                link,
            ),
            "accessibility": kept.merge(
                extra,
                "accessibility",
                [
                    (
                        site.accessibility,
                        {
                            "id": stable_id(sid, "accessibility"),
                            **link,
                            "description": site.accessibility,
                        },
                    )
                ]
                if site.accessibility
                else [],
                link,
                group=True,
            ),
            "attributes": _extras(sid, "location", site, SITE_EXTRAS)
            + _kept_attributes(extra, sid),
        }
    )


# --- services -----------------------------------------------------------------------------


def _utc_offset(country: str, day: datetime.date) -> float:
    tz = zoneinfo.ZoneInfo(TIMEZONES.get(country, "UTC"))
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=tz)
    offset = moment.utcoffset() or datetime.timedelta()
    return offset.total_seconds() / 3600


def service_list_item(service: Service) -> dict[str, Any]:
    """The one-to-one fields of a service (compiled/service_list.json)."""
    obj = {
        "id": str(service.uuid),
        "organization_id": str(service.organisation.uuid),
        "name": service.name,
        "description": service.description or None,
        "url": service.url or None,
        "email": service.email or None,
        "status": STATUS[ServiceStatus(service.status)],
        "application_process": service.how_to_apply or None,
        "fees_description": None if service.free else (service.fees or None),
        "wait_time": None if service.waiting_days is None else f"{service.waiting_days} days",
        "eligibility_description": service.eligibility or None,
        "minimum_age": service.age_min,
        "maximum_age": service.age_max,
        "assured_date": service.last_verified.isoformat() if service.last_verified else None,
        "last_modified": service.updated_at.isoformat(),
        "organization": organization_brief(service.organisation),
    }
    # imported fields CareNet has no column for (alternate_name, licenses, a wait_time that
    # is not a number of days...); CareNet's own values win
    for name, value in kept.fields(service.hsds_extra, "service").items():
        if obj.get(name) in (None, ""):
            obj[name] = value
    return _compact(obj)


def service(
    service: Service, *, language: str = "en", regions: dict[str, str] | None = None
) -> dict[str, Any]:
    """A fully nested service (compiled/service.json). Expects `public_links` and
    `public_areas` prefetched (see `hsds_api.services_queryset`)."""
    sid = service.uuid
    country = service.organisation.country
    today = timezone.localdate()
    regions = regions or {}
    terms = [t for name in TERM_LINKS for t in getattr(service, name).all()]
    if service.layer is not None:
        terms.insert(0, service.layer)
    extra = service.hsds_extra or {}
    link = {"service_id": str(sid)}
    kept_hours, hours = kept.schedules(extra, service.schedule, link)
    return _compact(
        {
            **service_list_item(service),
            **kept.lists(extra, "service", link),
            "phones": kept.merge(
                extra,
                "phones",
                [(service.phone, {"id": stable_id(sid, "phone"), **link, "number": service.phone})]
                if service.phone
                else [],
                link,
            ),
            "contacts": kept.merge(
                extra,
                "contacts",
                [(None, {"id": stable_id(sid, "contact"), **link, "email": service.email})]
                if service.email
                else [],
                link,
            ),
            "schedules": kept_hours
            + [
                {
                    "id": stable_id(sid, "schedule", i),
                    **link,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": e["day"],
                    "opens_at": e["opens"],
                    "closes_at": e["closes"],
                    "timezone": _utc_offset(country, today),
                }
                for i, e in enumerate(hours)
            ],
            "service_areas": [
                {
                    "id": str(sa.uuid),
                    **link,
                    "name": sa.area.name,
                    "extent": sa.area.pcode,
                    "extent_type": "text",
                    # imported: a description, uri, or a name and extent_type that differ
                    **(sa.hsds_extra or {}),
                }
                for sa in getattr(service, "public_areas", [])
            ]
            + kept.merge(extra, "service_areas", [], link),
            "service_at_locations": [
                service_at_location(lk, regions, with_service=False)
                for lk in getattr(service, "public_links", [])
            ],
            "languages": kept.merge(
                extra,
                "languages",
                [
                    (
                        t.code,
                        {
                            "id": stable_id(sid, "language", t.code),
                            **link,
                            "name": t.label,
                            "code": t.code,
                        },
                    )
                    for t in service.languages.all()
                ],
                link,
            ),
            "cost_options": kept.merge(
                extra,
                "cost_options",
                [
                    (
                        service.free,
                        _compact(
                            {
                                "id": stable_id(sid, "cost"),
                                **link,
                                "option": "free" if service.free else "fee",
                                "amount": 0 if service.free else None,
                                "amount_description": None
                                if service.free
                                else (service.fees or None),
                            }
                        ),
                    )
                ],
                link,
                group=True,
            ),
            "attributes": [_term_attribute(sid, "service", t, language) for t in terms]
            + _extras(sid, "service", service, SERVICE_EXTRAS)
            + _kept_attributes(extra, sid),
        }
    )


def service_at_location(
    link: ServiceAtLocation, regions: dict[str, str], *, with_service: bool = True
) -> dict[str, Any]:
    extra = link.hsds_extra or {}
    obj = {
        "id": str(link.uuid),
        "service_id": str(link.service.uuid),
        "location_id": str(link.site.uuid),
        "description": link.note or None,
        "location": location(link.site, regions),
        **kept.lists(extra, "service_at_location", {"service_at_location_id": str(link.uuid)}),
        "attributes": _kept_attributes(extra, link.uuid),
    }
    if with_service:
        obj["service"] = service_list_item(link.service)
    return _compact(obj)


def service_at_location_list_item(
    link: ServiceAtLocation, regions: dict[str, str]
) -> dict[str, Any]:
    """compiled/service_at_location_list.json: location and service without their arrays."""
    loc = {k: v for k, v in location(link.site, regions).items() if not isinstance(v, list)}
    return _compact(
        {
            "id": str(link.uuid),
            "service_id": str(link.service.uuid),
            "location_id": str(link.site.uuid),
            "description": link.note or None,
            "location": loc,
            "service": service_list_item(link.service),
        }
    )
