"""Reading the gazetteer: P-codes, children, pick-list search, distances.

A P-code is valid when the loaded gazetteer holds it, never because it looks right: there is
no regular expression here on purpose. Areas are public reference data, so these reads need
no access filter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from carenet.geo.models import AdminArea
from carenet.geo.text import fold

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


class UnknownPCode(ValidationError):
    """The gazetteer has no area with this P-code; the message names the code."""

    def __init__(self, code: str) -> None:
        super().__init__(_("Unknown P-code: %(code)s"), code="unknown_pcode", params={"code": code})
        self.pcode = code


def normalise_pcode(code: str) -> str:
    """P-codes are upper case; input may carry spaces or lower case ("ua05 " -> "UA05")."""
    return str(code).strip().upper()


def area_by_pcode(pcode: str) -> AdminArea:
    """The area with this P-code, or `UnknownPCode` naming it."""
    code = normalise_pcode(pcode)
    area = AdminArea.objects.filter(pcode=code).select_related("parent").first()
    if area is None:
        raise UnknownPCode(code or str(pcode))
    return area


def areas_by_pcodes(pcodes: Iterable[str]) -> dict[str, AdminArea]:
    """The known areas among `pcodes`, by normalised P-code, in one query (imports check
    thousands of rows this way; look up `normalise_pcode(code)` in the result)."""
    codes = {normalise_pcode(c) for c in pcodes if c is not None}
    codes.discard("")
    if not codes:
        return {}
    return {a.pcode: a for a in AdminArea.objects.filter(pcode__in=codes)}


def unknown_pcodes(pcodes: Iterable[str]) -> list[str]:
    """The given codes the gazetteer does not hold, once each, in the order given."""
    given = [str(c) for c in pcodes if c is not None]
    known = areas_by_pcodes(given)
    unknown: dict[str, None] = {}
    for code in given:
        if normalise_pcode(code) not in known:
            unknown.setdefault(code, None)
    return list(unknown)


def children_of(area: AdminArea) -> QuerySet[AdminArea]:
    """The areas one level below `area`, by P-code."""
    return AdminArea.objects.filter(parent=area).order_by("pcode")


def subtree_of(area: AdminArea) -> QuerySet[AdminArea]:
    """`area` and every area below it (materialised path prefix)."""
    return AdminArea.objects.within(area)


def areas_at_level(country: str, level: int) -> QuerySet[AdminArea]:
    """All areas of a country ("UA", "PL") at a level (1 oblast/voivodeship ... 4)."""
    return AdminArea.objects.filter(country=country.upper(), level=level).order_by("pcode")


def ancestors_of(area: AdminArea) -> list[AdminArea]:
    """The areas above `area`, top first, in one query (from its path)."""
    codes = [c for c in area.path.split("/") if c and c != area.pcode]
    found = areas_by_pcodes(codes)
    return [found[c] for c in codes if c in found]


def search_areas(
    text: str,
    limit: int = 20,
    *,
    country: str | None = None,
    levels: Iterable[int] | None = None,
) -> list[AdminArea]:
    """Areas whose name (en/uk/pl) or P-code contains `text`, ignoring case, diacritics and
    apostrophes ("lodz" finds Łódź, "kyiv" and "київ" find Київ). Names that start with the
    text come first, then higher levels (oblasts before hromadas), then by name."""
    folded = fold(text or "")
    if not folded or limit <= 0:
        return []
    raw = (text or "").strip()
    query = AdminArea.objects.filter(
        # the two fall-backs find areas made without a search_text (test slices, admin)
        Q(search_text__contains=folded) | Q(pcode__iexact=raw) | Q(name_en__icontains=raw)
    )
    if country:
        query = query.filter(country=country.upper())
    if levels is not None:
        query = query.filter(level__in=list(levels))
    rank = Case(
        When(pcode__iexact=raw, then=Value(0)),
        When(search_text__contains="|" + folded, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    query = query.annotate(rank=rank).select_related("parent")
    return list(query.order_by("rank", "level", "name_en", "pcode")[:limit])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bbox_around(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a box holding every point within `km` of
    (lat, lon): a cheap index-friendly prefilter before `distance_km`."""
    dlat = km / KM_PER_DEGREE
    cos_lat = math.cos(math.radians(min(abs(lat) + dlat, 89.9)))
    dlon = min(km / (KM_PER_DEGREE * cos_lat), 180.0)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def areas_near(
    lat: float, lon: float, km: float, *, level: int | None = None, country: str | None = None
) -> list[tuple[AdminArea, float]]:
    """Areas whose reference point (administrative centre, else centroid) lies within `km`,
    nearest first, with their distance. Polish gminas use their powiat's centroid."""
    min_lat, min_lon, max_lat, max_lon = bbox_around(lat, lon, km)
    query = AdminArea.objects.filter(
        lat__gte=min_lat - 0.5, lat__lte=max_lat + 0.5, lon__gte=min_lon - 0.5,
        lon__lte=max_lon + 0.5,
    )  # fmt: skip  # the half-degree margin covers centres away from the centroid
    if level is not None:
        query = query.filter(level=level)
    if country:
        query = query.filter(country=country.upper())
    found = []
    for area in query.defer("boundary"):
        point = area.reference_point
        if point is None:
            continue
        d = distance_km(lat, lon, point[0], point[1])
        if d <= km:
            found.append((area, d))
    return sorted(found, key=lambda pair: pair[1])
