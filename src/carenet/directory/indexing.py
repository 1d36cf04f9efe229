"""Keeping `SearchEntry` in step with the listings.

Every service write calls `reindex(service_ids)` in its transaction; the demo and imports call
it once for everything they made. Only public-safe rows are written: a service that is not
active, of an inactive organisation, or at a confidential or inactive site gets no entry there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import transaction

from carenet.directory.models import (
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
)
from carenet.directory.text import codes, fold
from carenet.geo.models import AdminArea
from carenet.taxonomy.models import Term

UNKNOWN_WAIT = 9999
_M2M = ("activities", "interventions", "languages", "target_groups", "delivery_modes")
_CHUNK = 2000


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    it = iter(ids)
    while chunk := list(islice(it, size)):
        yield chunk


@transaction.atomic
def reindex(service_ids: Iterable[int]) -> int:
    """Rebuild the search entries of these services; returns how many entries exist now."""
    written = 0
    for chunk in _chunks(sorted(set(service_ids)), _CHUNK):
        SearchEntry.objects.filter(service_id__in=chunk).delete()
        entries = _build(chunk)
        SearchEntry.objects.bulk_create(entries, batch_size=5000)
        written += len(entries)
    return written


def reindex_all() -> int:
    """Rebuild every entry (after an import, a demo build or a taxonomy change)."""
    SearchEntry.objects.all().delete()
    return reindex(Service.objects.values_list("pk", flat=True).iterator())


def _build(service_ids: list[int]) -> list[SearchEntry]:
    services = list(
        Service.objects.filter(
            pk__in=service_ids,
            status=ServiceStatus.ACTIVE,
            needs_review=False,
            organisation__is_active=True,
        ).select_related("organisation", "layer")
    )
    if not services:
        return []
    ids = [s.pk for s in services]
    terms = _terms_by_service(ids)
    links: dict[int, list[ServiceAtLocation]] = defaultdict(list)
    for link in (
        ServiceAtLocation.objects.filter(
            service_id__in=ids,
            site__confidential=False,
            site__is_active=True,
            site__needs_review=False,
        )
        .select_related("site__area")
        .defer("site__area__boundary")
    ):
        links[link.service_id].append(link)
    areas: dict[int, list[AdminArea]] = defaultdict(list)
    service_areas = (
        ServiceArea.objects.filter(service_id__in=ids)
        .select_related("area")
        .defer("area__boundary")
    )
    for sa in service_areas:
        areas[sa.service_id].append(sa.area)
    names = _area_names(
        {a.path for al in areas.values() for a in al}
        | {lk.site.area.path for ll in links.values() for lk in ll}
    )
    entries: list[SearchEntry] = []
    for service in services:
        entries += _entries_for(
            service, terms[service.pk], links[service.pk], areas[service.pk], names
        )
    return entries


def _terms_by_service(ids: list[int]) -> dict[int, dict[str, list[Term]]]:
    result: dict[int, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for name in _M2M:
        through = getattr(Service, name).through
        rows = through.objects.filter(service_id__in=ids).select_related("term")
        for row in rows:
            result[row.service_id][name].append(row.term)
    return result


def _area_names(paths: set[str]) -> dict[str, str]:
    """Folded names of each area and its ancestors, by path."""
    pcodes = {p for path in paths for p in path.strip("/").split("/") if p}
    folded = {
        a.pcode: fold(" ".join(filter(None, [a.name_en, a.name_uk, a.name_pl])))
        for a in AdminArea.objects.filter(pcode__in=pcodes).only(
            "pcode", "name_en", "name_uk", "name_pl"
        )
    }
    return {path: " ".join(folded.get(p, "") for p in path.strip("/").split("/")) for path in paths}


def _term_text(terms: Iterable[Term]) -> str:
    return " ".join(f"{t.label_en} {t.label_uk} {t.label_pl}" for t in terms)


def _entries_for(
    service: Service,
    terms: dict[str, list[Term]],
    links: list[ServiceAtLocation],
    areas: list[AdminArea],
    area_names: dict[str, str],
) -> list[SearchEntry]:
    org = service.organisation
    base_text = fold(
        " ".join(
            [
                service.name_en,
                service.name_uk,
                service.name_pl,
                service.description_en,
                service.description_uk,
                service.description_pl,
                org.name,
                org.acronym,
                _term_text(terms["activities"]),
                _term_text(terms["interventions"]),
                _term_text(terms["target_groups"]),
                _term_text([service.layer] if service.layer else []),
            ]
        )
    )
    common = {
        "service": service,
        "organisation_id": org.pk,
        "layer": service.layer.code if service.layer else "",
        **{name: codes([t.code for t in terms[name]]) for name in _M2M},
        "age_min": service.age_min,
        "age_max": service.age_max,
        "sex": service.sex,
        "free": service.free,
        "full": service.is_full,
        "waiting_days": UNKNOWN_WAIT if service.waiting_days is None else service.waiting_days,
        "sort_name": fold(service.name_en or service.name_uk or service.name_pl)[:200],
    }
    entries = []
    for link in links:
        site = link.site
        text = " ".join(
            [
                base_text,
                fold(f"{site.name_en} {site.name_uk} {site.name_pl} {site.city} {site.address}"),
                area_names.get(site.area.path, ""),
            ]
        )
        lat, lon = site.point or (site.area.lat, site.area.lon)
        entries.append(
            SearchEntry(site=site, area_path=site.area.path, lat=lat, lon=lon, text=text, **common)
        )
    for area in areas:
        text = f"{base_text} {area_names.get(area.path, '')}"
        entries.append(
            SearchEntry(site=None, area_path=area.path, lat=None, lon=None, text=text, **common)
        )
    return entries
