"""Turning directory rows into what pages show: maps, facts, opening hours."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from carenet.directory import reference
from carenet.directory.models import Service, Site
from carenet.directory.queries import ResultRow
from carenet.directory.text import in_reader_script
from carenet.geo.maps import MapPoint, svg_map
from carenet.geo.models import AdminArea

DAY_NAMES = {
    "MO": gettext_lazy("Monday"),
    "TU": gettext_lazy("Tuesday"),
    "WE": gettext_lazy("Wednesday"),
    "TH": gettext_lazy("Thursday"),
    "FR": gettext_lazy("Friday"),
    "SA": gettext_lazy("Saturday"),
    "SU": gettext_lazy("Sunday"),
}


def reader_language() -> str:
    return (get_language() or "en")[:2]


def address_line(*parts: str, lang: str | None = None) -> str:
    """Non-empty parts of an address joined by commas, in the reader's script: Ukrainian
    Cyrillic in Latin script (KMU 2010) on English and Polish pages, as typed on Ukrainian
    ones (`text.in_reader_script`)."""
    lang = lang or reader_language()
    return ", ".join(in_reader_script(p, lang) for p in parts if p)


def site_address(site: Site) -> str:
    """Where a site is, as every page shows it: street, postal code and town (or its area)."""
    town = " ".join(p for p in (site.postal_code, site.city) if p) or site.area.name
    return address_line(site.address, town)


def stale_days() -> int:
    return settings.CARENET_STALE_AFTER_DAYS


def _top_areas(paths: Sequence[str], extra: AdminArea | None) -> list[AdminArea]:
    """The oblasts / voivodeships holding the results (and the chosen area) for the map."""
    areas = reference.regions({p.split("/", 1)[0] for p in paths if p})
    if extra is not None and extra.pcode not in {a.pcode for a in areas}:
        areas.append(extra)
    return areas


_SOME_UUID = "00000000-0000-0000-0000-000000000000"


def service_url(query: str = "") -> Callable[[uuid.UUID], str]:
    """The public page of a service, by UUID: one `reverse` for a whole list. `query` (the
    search's own parameters, URL-encoded) goes along, for the page's way back to the search."""
    pattern = reverse("directory:service", args=[_SOME_UUID])
    head, tail = pattern.split(_SOME_UUID)
    tail += f"?{query}" if query else ""
    return lambda value: f"{head}{value}{tail}"


@dataclass(frozen=True)
class ResultsMap:
    """The results map and what its legend says."""

    svg: SafeString
    located: int  # points drawn
    regions: list[str]  # names of the regions outlined
    remote: int  # results by phone, online or a mobile team (not drawn)


def results_map(
    rows: Sequence[ResultRow], area: AdminArea | None, query: str = ""
) -> ResultsMap | None:
    """An SVG map of the located results over their regions; None when nothing is located."""
    url = service_url(query)
    points = [
        MapPoint(r.lat, r.lon, f"{r.name} — {r.site_name}", url(r.service_uuid))
        for r in rows
        if r.lat is not None and r.lon is not None and not r.remote
    ]  # fmt: skip
    if not points:
        return None
    areas = _top_areas([r.area_path for r in rows], area)
    return ResultsMap(
        svg=svg_map(areas, points=points, title=_("Map of the services found")),
        located=len(points),
        regions=[a.name for a in areas],
        remote=sum(1 for r in rows if r.remote),
    )


def sites_map(service: Service) -> SafeString | None:
    links = getattr(service, "public_links", [])
    points = [
        MapPoint(lk.site.point[0], lk.site.point[1], lk.site.name)
        for lk in links
        if lk.site.point is not None
    ]
    if not points:
        return None
    areas = _top_areas([lk.site.area.path for lk in links], None)
    return svg_map(areas, points=points, title=_("Where the service is delivered"))


def schedule_rows(schedule: list[dict[str, str]]) -> list[dict[str, Any]]:
    order = list(DAY_NAMES)
    rows = sorted(
        schedule,
        key=lambda e: (
            order.index(e.get("day", "MO")) if e.get("day") in order else 9,
            e.get("opens", ""),
        ),
    )
    return [
        {
            "day": DAY_NAMES.get(e.get("day", ""), e.get("day", "")),
            "opens": e.get("opens", ""),
            "closes": e.get("closes", ""),
        }
        for e in rows
    ]


def _labels(terms: Any) -> str:
    return ", ".join(t.label for t in terms.all())


def service_facts(service: Service) -> list[tuple[str, str]]:
    """(label, value) pairs for the service page, leaving out what is unknown."""
    age = ""
    if service.age_min is not None or service.age_max is not None:
        age = f"{service.age_min if service.age_min is not None else 0}\u2013" + (
            str(service.age_max) if service.age_max is not None else ""
        )
    waiting = ""
    if service.waiting_days is not None:
        waiting = (
            _("No waiting")
            if service.waiting_days == 0
            else ngettext("%(n)s day", "%(n)s days", service.waiting_days)
            % {"n": service.waiting_days}
        )
    facts = [
        (_("Level of support"), service.layer.label if service.layer else ""),
        (_("Activities"), _labels(service.activities)),
        (_("Programmes"), _labels(service.interventions)),
        (_("How"), _labels(service.delivery_modes)),
        (_("Languages"), _labels(service.languages)),
        (_("For whom"), _labels(service.target_groups)),
        (_("Age"), age),
        (_("Sex"), service.get_sex_display() if service.sex != "any" else ""),
        (_("Who can use it"), service.eligibility),
        (_("Cost"), _("Free") if service.free else (service.fees or _("Paid"))),
        (
            _("Referral"),
            _("A referral is needed") if service.referral_required else _("No referral needed"),
        ),
        (_("How to get it"), service.how_to_apply),
        (_("Waiting time"), waiting),
    ]
    return [(k, v) for k, v in facts if v]


def result_list(rows: Sequence[ResultRow], query: str = "") -> SafeString:
    """The `<li>` of each search result. Built in Python: the results list is the hottest
    markup of the public site, and a template loop costs several times as much. Every
    value goes through `_esc` (the standard library's `html.escape`, as Django's `escape`
    without its lazy-string wrapper). `query` goes along in the links (`service_url`)."""
    url = service_url(query)
    # Translations and formats looked up once for the whole list, not once a row.
    call, remote, free = _esc(_("Call")), _("By phone, online or a mobile team"), _("Free")
    km, point = _("%(d)s km"), get_format("DECIMAL_SEPARATOR")
    lang = reader_language()
    waiting: dict[int, tuple[str, str]] = {}
    items = []
    for r in rows:
        place = ", ".join(p for p in (r.site_name, address_line(r.address, r.city, lang=lang)) if p)
        where = remote if r.remote else place
        badges: list[tuple[str, str]] = []
        if r.distance_km is not None:
            badges.append((km % {"d": f"{r.distance_km:.1f}".replace(".", point)}, ""))
        if r.layer:
            badges.append((r.layer, ""))
        if r.free:
            badges.append((free, " ok"))
        if r.waiting_days is not None:
            if r.waiting_days not in waiting:
                waiting[r.waiting_days] = _waiting(r.waiting_days)
            badges.append(waiting[r.waiting_days])
        badge_html = "".join(f'<span class="badge{k}">{_esc(t)}</span>' for t, k in badges)
        phone = (
            f'<p><a href="tel:{_esc(r.phone.replace(" ", ""))}">{call} {_esc(r.phone)}</a></p>'
            if r.phone
            else ""
        )
        items.append(
            f'<li class="card result" id="s-{r.service_uuid}">'
            f'<h3><a href="{_esc(url(r.service_uuid))}">{_esc(r.name)}</a></h3>'
            f'<p class="org">{_esc(r.organisation)}</p>'
            f'<p>{_esc(where)}</p><p class="badges">{badge_html}</p>{phone}</li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value is escaped above


def _esc(value: str) -> str:
    return html.escape(str(value), quote=True)


def _waiting(days: int) -> tuple[str, str]:
    if days == 0:
        return _("No waiting"), ""
    text = ngettext("waiting %(n)s day", "waiting %(n)s days", days) % {"n": days}
    return text, " warn" if days > 14 else ""
