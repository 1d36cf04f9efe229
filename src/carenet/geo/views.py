"""Places: public, read-only views of the gazetteer (reference data, no personal data)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from carenet.geo import maps, queries
from carenet.geo.models import AdminArea

SEARCH_LIMIT_MAX = 50


def _int_param(request: HttpRequest, name: str, default: int | None) -> int | None:
    try:
        return int(request.GET[name])
    except (KeyError, ValueError):
        return default


def _area_or_404(pcode: str) -> AdminArea:
    try:
        return queries.area_by_pcode(pcode)
    except queries.UnknownPCode as exc:
        raise Http404(exc.messages[0]) from exc


def _detail_url(area: AdminArea) -> str:
    return reverse("geo:detail", args=[area.pcode])


@require_GET
def pick(request: HttpRequest) -> HttpResponse:
    """The place picker's suggestions while one types (htmx): `?name=<field>&<field>=<text>`,
    optional `levels=2,3` and `country`. Radio buttons named `<field>__choice`."""
    from carenet.geo.forms import CANDIDATES, choices_html

    name = request.GET.get("name", "")[:60]
    if not name.isidentifier():
        return HttpResponse("")
    text = request.GET.get(name, "")[:100].strip()
    levels = [int(n) for n in request.GET.get("levels", "").split(",") if n.strip().isdigit()]
    found = (
        queries.search_areas(
            text, CANDIDATES, country=request.GET.get("country") or None, levels=levels or None
        )
        if len(text) >= 2
        else []
    )
    response = HttpResponse(choices_html(name, found, text=text))
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """Pick-list search: `?q=` (a name or a P-code, or part of one), optional `country`, `level`,
    `limit` (≤ 50). A JSON list of {pcode, name, level, kind, parent}."""
    level = _int_param(request, "level", None)
    limit = min(max(_int_param(request, "limit", 20) or 20, 1), SEARCH_LIMIT_MAX)
    found = queries.search_areas(
        request.GET.get("q", "")[:100], limit, country=request.GET.get("country") or None,
        levels=[level] if level else None,
    )  # fmt: skip
    data = [
        {"pcode": a.pcode, "name": a.name, "level": a.level, "kind": a.kind_label,
         "parent": a.parent.name if a.parent else None}
        for a in found
    ]  # fmt: skip
    response = JsonResponse(data, safe=False)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@require_GET
def geojson(request: HttpRequest, pcode: str) -> HttpResponse:
    """The area as a GeoJSON Feature: its simplified boundary, else its centre point."""
    area = _area_or_404(pcode)
    geometry = area.boundary
    if geometry is None and area.lat is not None and area.lon is not None:
        geometry = {"type": "Point", "coordinates": [area.lon, area.lat]}
    feature = {
        "type": "Feature",
        "id": area.pcode,
        "geometry": geometry,
        "properties": {
            "pcode": area.pcode, "level": area.level, "country": area.country,
            "parent": area.parent.pcode if area.parent else None,
            "name_en": area.name_en, "name_uk": area.name_uk, "name_pl": area.name_pl,
            "kind": area.kind, "population": area.population,
            "population_year": area.population_year, "flags": area.flags,
            "geometry": "boundary" if area.boundary else "centre",
            "boundary_set": str(area.boundary_set),
        },
    }  # fmt: skip
    response = JsonResponse(feature, content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Both countries' top-level areas on maps, and a search that works without JavaScript."""
    q = request.GET.get("q", "").strip()[:100]
    countries = []
    for code, title in (("UA", _("Ukraine")), ("PL", _("Poland"))):
        top = list(queries.areas_at_level(code, 1))
        if not top:
            continue
        values = {a.pcode: a.population for a in top}
        svg = maps.svg_map(
            top, values=values, title=_("%(country)s by population") % {"country": title},
            legend_title=_("Population"), link=_detail_url,
        )  # fmt: skip
        countries.append({"title": title, "areas": top, "map": svg})
    context = {"countries": countries, "q": q, "results": queries.search_areas(q, 30)}
    return render(request, "geo/index.html", context)


@require_GET
def detail(request: HttpRequest, pcode: str) -> HttpResponse:
    """One area: its facts, the areas above it, and its children on a map and in a table."""
    area = _area_or_404(pcode)
    ancestors = queries.ancestors_of(area)
    children = list(queries.children_of(area).defer("search_text"))
    # the nearest outline around the children: the area's own, else an ancestor's
    outline = next((a for a in [area, *reversed(ancestors)] if a.boundary), None)
    svg = None
    if children:
        svg = maps.svg_map(
            children, values={c.pcode: c.population for c in children},
            title=_("%(area)s by population") % {"area": area.name},
            legend_title=_("Population"), link=_detail_url,
            background=[outline] if outline else [],
        )  # fmt: skip
    elif area.boundary or area.lat is not None:
        svg = maps.svg_map([area], title=area.name, background=[outline] if outline else [])
    context = {
        "area": area, "ancestors": ancestors, "children": children,
        "map": svg, "map_css": maps.CSS,
    }  # fmt: skip
    return render(request, "geo/detail.html", context)
