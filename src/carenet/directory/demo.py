"""Demo directory: sites and services for every demo organisation, in en/uk/pl.

Small scale: 2-4 sites and a handful of services per organisation. National scale: about
25 sites and 52 services per organisation (over 100,000 services at over 150,000 service-site
pairs for 2,000 organisations), written with bulk_create and indexed once at the end.

Taxonomy terms are chosen by what they mean (label keywords, layer attribute), not by
hard-coded codes, so the demo follows whatever code lists are loaded.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from carenet.core.demo import DemoContext
from carenet.directory import indexing
from carenet.directory.models import (
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Sex,
    Site,
    SiteKind,
)
from carenet.geo.models import AdminArea
from carenet.taxonomy.models import Term


@dataclass(frozen=True)
class Template:
    en: str
    uk: str
    pl: str
    layer: int  # 1..4
    interventions: tuple[str, ...] = ()  # label keywords
    modes: tuple[str, ...] = ("person",)
    targets: tuple[str, ...] = ()
    ages: tuple[int | None, int | None] = (None, None)
    sex: str = Sex.ANY
    remote: bool = False
    referral: bool = False


TEMPLATES = [
    Template(
        "Psychological first aid",
        "Перша психологічна допомога",
        "Pierwsza pomoc psychologiczna",
        2,
        ("first aid", "pfa"),
    ),
    Template(
        "Self-Help Plus stress management groups",
        "Групи «Самодопомога Плюс» з подолання стресу",
        "Grupy radzenia sobie ze stresem Self-Help Plus",
        3,
        ("self-help", "sh+"),
    ),
    Template(
        "Problem Management Plus individual sessions",
        "Індивідуальні сесії «Подолання проблем плюс»",
        "Indywidualne sesje Problem Management Plus",
        3,
        ("problem management", "pm+"),
        ages=(18, None),
    ),
    Template(
        "Cognitive behavioural therapy for adults",
        "Когнітивно-поведінкова терапія для дорослих",
        "Terapia poznawczo-behawioralna dla dorosłych",
        4,
        ("cognitive", "cbt"),
        ages=(18, None),
        referral=True,
    ),
    Template(
        "Mind-Body Medicine skills groups",
        "Групи навичок медицини «Розум — тіло»",
        "Grupy umiejętności medycyny umysł-ciało",
        3,
        ("mind-body", "mind body"),
    ),
    Template(
        "Child-friendly space and psychosocial activities",
        "Дружній до дитини простір і психосоціальні заняття",  # noqa: RUF001 - Ukrainian text
        "Przestrzeń przyjazna dzieciom i zajęcia psychospołeczne",
        2,
        (),
        targets=("child",),
        ages=(3, 17),
    ),
    Template(
        "Psychiatric consultation (mhGAP)",
        "Консультація психіатра (mhGAP)",
        "Konsultacja psychiatryczna (mhGAP)",
        4,
        ("mhgap",),
        referral=True,
    ),
    Template(
        "Psychological support hotline",
        "Гаряча лінія психологічної підтримки",
        "Telefon wsparcia psychologicznego",
        3,
        (),
        modes=("phone",),
        remote=True,
    ),
    Template(
        "Online counselling for young people",
        "Онлайн-консультування для молоді",
        "Poradnictwo online dla młodzieży",
        3,
        (),
        modes=("online",),
        targets=("adolescent", "youth"),
        ages=(14, 24),
        remote=True,
    ),
    Template(
        "Peer support groups for veterans and families",
        "Групи взаємопідтримки для ветеранів та їхніх родин",
        "Grupy wsparcia rówieśniczego dla weteranów i ich rodzin",
        2,
        (),
        targets=("veteran",),
    ),
    Template(
        "Parenting skills and family support",
        "Навички батьківства та підтримка сім'ї",
        "Umiejętności rodzicielskie i wsparcie rodziny",
        2,
        ("parent",),
        targets=("parent", "caregiver"),
    ),
    Template(
        "Community recreational and social activities",
        "Дозвілля та соціальні заходи в громаді",
        "Zajęcia rekreacyjne i integracyjne w społeczności",
        1,
        (),
    ),
    Template(
        "Psychosocial support for survivors of gender-based violence",
        "Психосоціальна підтримка постраждалих від ґендерно зумовленого насильства",
        "Wsparcie psychospołeczne dla osób doświadczających przemocy ze względu na płeć",
        3,
        (),
        targets=("gbv", "gender", "women"),
        sex=Sex.FEMALE,
    ),
    Template(
        "Mobile psychosocial team visits",
        "Виїзди мобільної психосоціальної бригади",
        "Wizyty mobilnego zespołu psychospołecznego",
        3,
        (),
        modes=("mobile",),
        remote=True,
    ),
    Template(
        "Information and referral desk",
        "Інформаційний пункт і переадресація",  # noqa: RUF001 - Ukrainian text
        "Punkt informacyjny i kierowanie do usług",
        1,
        (),
        modes=("person", "phone"),
    ),
    Template(
        "Trauma-focused therapy for children and adolescents",
        "Травмофокусована терапія для дітей і підлітків",  # noqa: RUF001 - Ukrainian text
        "Terapia skoncentrowana na traumie dla dzieci i młodzieży",
        4,
        ("trauma",),
        targets=("child", "adolescent"),
        ages=(6, 17),
        referral=True,
    ),
]

KINDS = [  # kind, weight, names (en, uk, pl) with {place}
    (
        SiteKind.RESILIENCE_CENTRE,
        3,
        ("{place} Resilience Centre", "Центр життєстійкості {place}", "Centrum Odporności {place}"),
    ),
    (
        SiteKind.SUPPORT_SPACE,
        3,
        (
            "“Taking Care of Myself” space, {place}",
            "Простір «Турбота про себе», {place}",  # noqa: RUF001 - Ukrainian text
            "Przestrzeń „Dbam o siebie”, {place}",
        ),
    ),
    (
        SiteKind.CLINIC,
        2,
        (
            "{place} Mental Health Clinic",
            "Клініка психічного здоров'я, {place}",
            "Poradnia Zdrowia Psychicznego, {place}",
        ),
    ),
    (
        SiteKind.SCHOOL,
        1,
        ("{place} School No. {n}", "Школа № {n}, {place}", "Szkoła nr {n}, {place}"),
    ),
    (
        SiteKind.MOBILE_TEAM,
        1,
        (
            "{place} mobile team base",
            "База мобільної бригади, {place}",
            "Baza zespołu mobilnego, {place}",
        ),
    ),
    (
        SiteKind.COMMUNITY_CENTRE,
        2,
        ("{place} Community Centre", "Громадський центр, {place}", "Centrum Społeczne, {place}"),
    ),
    (SiteKind.OFFICE, 1, ("{place} office", "Офіс, {place}", "Biuro, {place}")),
]
STREETS_UA = [
    "vul. Shevchenka",
    "vul. Franka",
    "vul. Hrushevskoho",
    "prosp. Svobody",
    "vul. Soborna",
    "vul. Nezalezhnosti",
]
STREETS_PL = [
    "ul. Mickiewicza",
    "ul. Kościuszki",
    "ul. Słowackiego",
    "ul. Polna",
    "ul. Lipowa",
    "al. Niepodległości",
]


class Terms:
    """The loaded code lists, found by meaning."""

    def __init__(self) -> None:
        self.by_scheme: dict[str, list[Term]] = defaultdict(list)
        for term in Term.objects.filter(scheme__is_current=True, is_active=True).select_related(
            "scheme"
        ):
            self.by_scheme[term.scheme.code].append(term)
        layers = sorted(self.by_scheme["pyramid-layer"], key=lambda t: (t.sort_order, t.code))
        self.layers = layers[:4]
        self.activities_by_layer: dict[int, list[Term]] = defaultdict(list)
        for term in self.by_scheme["iasc-4w"]:
            layer = str((term.attributes or {}).get("layer", ""))
            if layer.isdigit():
                self.activities_by_layer[int(layer)].append(term)

    def find(self, scheme: str, keywords: tuple[str, ...]) -> list[Term]:
        found = []
        for term in self.by_scheme[scheme]:
            text = f"{term.code} {term.label_en}".lower()
            if any(k in text for k in keywords):
                found.append(term)
        return found

    def layer(self, n: int) -> Term | None:
        return self.layers[n - 1] if len(self.layers) >= n else None

    def activities(self, n: int, rng: random.Random) -> list[Term]:
        pool = self.activities_by_layer.get(n) or self.by_scheme["iasc-4w"]
        return rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))) if pool else []

    def language(self, code: str) -> Term | None:
        for term in self.by_scheme["language"]:
            if term.code.lower() in (
                code,
                {"uk": "ukr", "pl": "pol", "en": "eng", "ru": "rus"}[code],
            ):
                return term
        return None


def _point(area: AdminArea, rng: random.Random) -> tuple[float | None, float | None]:
    point = area.reference_point
    if point is None:
        return None, None
    return (
        round(point[0] + rng.uniform(-0.03, 0.03), 5),
        round(point[1] + rng.uniform(-0.045, 0.045), 5),
    )


def _place(area: AdminArea, lang: str) -> str:
    local = area.name_uk if area.country == "UA" else area.name_pl
    if lang == "en":
        return area.name_en or local
    return (area.name_uk if lang == "uk" else area.name_pl) or area.name_en


def _sites_for(
    org: Any, areas: list[AdminArea], n: int, rng: random.Random, confidential: bool
) -> list[Site]:
    kinds = [k for k in KINDS if not (k[0] == SiteKind.RESILIENCE_CENTRE and org.country != "UA")]
    weights = [k[1] for k in kinds]
    sites = []
    for i in range(n):
        area = areas[i % len(areas)]
        kind, _w, names = rng.choices(kinds, weights)[0]
        lat, lon = _point(area, rng)
        number = rng.randint(1, 40)
        streets = STREETS_UA if area.country == "UA" else STREETS_PL
        sites.append(
            Site(
                organisation=org,
                kind=kind,
                area=area,
                lat=lat,
                lon=lon,
                name_en=names[0].format(place=_place(area, "en"), n=number)[:200],
                name_uk=names[1].format(place=_place(area, "uk"), n=number)[:200],
                name_pl=names[2].format(place=_place(area, "pl"), n=number)[:200],
                address=f"{rng.choice(streets)} {rng.randint(1, 120)}",
                city=_place(area, "uk" if area.country == "UA" else "pl"),
                postal_code=f"{rng.randint(1000, 99999):05d}"
                if area.country == "UA"
                else f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d}",
                phone=_phone(area.country, rng),
                wheelchair_accessible=rng.random() < 0.5,
                directions=rng.choice(
                    [
                        "",
                        "Entrance from the courtyard.",
                        "Second floor, room 12.",
                        "Next to the bus stop.",
                    ]
                ),
            )
        )
    if confidential:
        area = areas[0]
        lat, lon = _point(area, rng)
        sites.append(
            Site(
                organisation=org,
                kind=SiteKind.SHELTER,
                area=area,
                lat=lat,
                lon=lon,
                name_en="Safe house",
                name_uk="Притулок",
                name_pl="Schronisko",
                confidential=True,
                phone=_phone(area.country, rng),
            )
        )
    return sites


def _phone(country: str, rng: random.Random) -> str:
    if country == "UA":
        return (
            f"+380 {rng.choice([44, 32, 56, 57, 67, 50])} {rng.randint(100, 999)} "
            f"{rng.randint(1000, 9999)}"
        )
    return (
        f"+48 {rng.randint(12, 91)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)}"
    )


def _service(
    org: Any, t: Template, terms: Terms, rng: random.Random, today: datetime.date
) -> tuple[Service, dict[str, list[Term]]]:
    waiting = rng.choice([None, 0, 0, 1, 2, 3, 5, 7, 10, 14, 21, 30])
    places = rng.choice([None, None, 10, 12, 20, 30])
    available = None if places is None else rng.choice([0, 1, 2, 3, 5, places])
    service = Service(
        organisation=org,
        name_en=t.en,
        name_uk=t.uk,
        name_pl=t.pl,
        description_en=f"{t.en}, offered by {org.name}.",
        description_uk=f"{t.uk}. Надає {org.name}.",
        description_pl=f"{t.pl}. Prowadzi {org.name}.",
        layer=terms.layer(t.layer),
        age_min=t.ages[0],
        age_max=t.ages[1],
        sex=t.sex,
        free=rng.random() < 0.9,
        referral_required=t.referral,
        fees="" if rng.random() < 0.9 else "200 UAH per session",
        how_to_apply="Call to book a first meeting."
        if not t.remote
        else "Call the number; lines are open during the hours below.",
        capacity_places=places,
        available_places=available,
        waiting_days=waiting,
        status=ServiceStatus.ACTIVE
        if rng.random() < 0.93
        else rng.choice([ServiceStatus.INACTIVE, ServiceStatus.TEMPORARILY_CLOSED]),
        phone=_phone(org.country, rng),
        schedule=[
            {"day": d, "opens": "09:00", "closes": rng.choice(["17:00", "18:00"])}
            for d in ("MO", "TU", "WE", "TH", "FR")
        ],
        last_verified=today - datetime.timedelta(days=rng.randint(0, 200)),
    )
    if service.free:
        service.fees = ""
    local = "uk" if org.country == "UA" else "pl"
    langs = (
        [terms.language(local)]
        + ([terms.language("en")] if rng.random() < 0.3 else [])
        + ([terms.language("uk")] if local == "pl" and rng.random() < 0.7 else [])
    )
    m2m = {
        "activities": terms.activities(t.layer, rng),
        "interventions": terms.find("intervention", t.interventions)[:1] if t.interventions else [],
        "target_groups": terms.find("target-group", t.targets)[:2] if t.targets else [],
        "languages": [lg for lg in dict.fromkeys(langs) if lg is not None],
        "delivery_modes": terms.find("delivery-mode", t.modes)[:2],
    }
    return service, m2m


@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Sites and services for every demo organisation; hands them on in ctx.shared."""
    rng = ctx.rng
    terms = Terms()
    today = timezone.localdate()
    org_areas: dict[int, list[AdminArea]] = ctx.shared.get("org_areas", {})
    by_country: dict[str, list[AdminArea]] = defaultdict(list)
    for area in ctx.areas:
        by_country[area.country].append(area)
    sites: list[Site] = []
    for i, org in enumerate(ctx.organisations):
        pool = org_areas.get(org.pk) or by_country.get(org.country) or ctx.areas
        if not pool:
            continue
        if ctx.national:
            extra = rng.sample(by_country.get(org.country) or pool, min(4, len(pool)))
            pool = list(dict.fromkeys([*pool, *extra]))
        n = rng.randint(22, 28) if ctx.national else rng.randint(2, 4)
        sites += _sites_for(org, pool, n, rng, confidential=i % 15 == 7)
    Site.objects.bulk_create(sites, batch_size=5000)
    services, links, areas, _rows = _services(ctx, sites, terms, today)
    ctx.shared["sites"] = sites
    ctx.shared["services"] = services
    by_org: dict[int, list[Service]] = defaultdict(list)
    for service in services:
        by_org[service.organisation_id].append(service)
    ctx.shared["services_by_org"] = dict(by_org)
    entries = indexing.reindex_all()
    ctx.log(
        f"directory: {len(sites)} sites, {len(services)} services, {len(links)} "
        f"service-site pairs, {len(areas)} service areas, {entries} search entries"
    )


def _services(
    ctx: DemoContext,
    sites: list[Site],
    terms: Terms,
    today: datetime.date,
) -> tuple[list[Service], list[ServiceAtLocation], list[ServiceArea], int]:
    rng = ctx.rng
    sites_by_org: dict[int, list[Site]] = defaultdict(list)
    for site in sites:
        sites_by_org[site.organisation_id].append(site)
    services: list[Service] = []
    relations: list[tuple[dict[str, list[Term]], list[Site], list[int]]] = []
    for org in ctx.organisations:
        org_sites = sites_by_org.get(org.pk, [])
        public = [s for s in org_sites if not s.confidential]
        if not public:
            continue
        count = rng.randint(50, 54) if ctx.national else rng.randint(3, 8)
        for k in range(count):
            template = TEMPLATES[rng.randrange(len(TEMPLATES))]
            service, m2m = _service(org, template, terms, rng, today)
            at = rng.sample(public, min(len(public), 1 if rng.random() < 0.5 else 2))
            if k == 0 and len(org_sites) > len(public):
                at = [s for s in org_sites if s.confidential]  # counselling at the shelter
            covered = [at[0].area.parent_id or at[0].area_id] if template.remote else []
            services.append(service)
            relations.append((m2m, at, covered))
    Service.objects.bulk_create(services, batch_size=5000)
    links, areas, rows = _relations(services, relations)
    return services, links, areas, rows


def _relations(
    services: list[Service],
    relations: list[tuple[dict[str, list[Term]], list[Site], list[int]]],
) -> tuple[list[ServiceAtLocation], list[ServiceArea], int]:
    links: list[ServiceAtLocation] = []
    areas: list[ServiceArea] = []
    through: dict[str, list[Any]] = defaultdict(list)
    for service, (m2m, at, covered) in zip(services, relations, strict=True):
        links += [ServiceAtLocation(service=service, site=site) for site in at]
        areas += [ServiceArea(service=service, area_id=area_id) for area_id in covered]
        for name, terms in m2m.items():
            model = getattr(Service, name).through
            through[name] += [model(service_id=service.pk, term_id=t.pk) for t in terms]
    ServiceAtLocation.objects.bulk_create(links, batch_size=5000)
    ServiceArea.objects.bulk_create(areas, batch_size=5000)
    for name, rows in through.items():
        getattr(Service, name).through.objects.bulk_create(rows, batch_size=10000)
    return links, areas, sum(len(r) for r in through.values())
