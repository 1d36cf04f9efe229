"""Directory test data, made through the real services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from carenet.conftest import People
from carenet.directory import services
from carenet.directory.models import Service, Site, SiteKind
from carenet.geo.models import AdminArea
from carenet.taxonomy.models import Scheme, Term

# The few codes the tests use, in the shape of the real code lists (taxonomy app).
TERMS = {
    "pyramid-layer": [
        (
            "1",
            "Basic services and security",
            "Базові послуги та безпека",
            "Podstawowe usługi i bezpieczeństwo",
        ),
        (
            "2",
            "Community and family supports",
            "Підтримка громади та сім'ї",
            "Wsparcie społeczności i rodziny",
        ),
        (
            "3",
            "Focused non-specialised supports",
            "Цільова неспеціалізована допомога",
            "Ukierunkowane wsparcie niespecjalistyczne",
        ),
        ("4", "Specialised services", "Спеціалізовані послуги", "Usługi specjalistyczne"),
    ],
    "iasc-4w": [
        (
            "3.1",
            "Psychological first aid",
            "Перша психологічна допомога",
            "Pierwsza pomoc psychologiczna",
        ),
        (
            "4.3",
            "Psychological intervention",
            "Психологічне втручання",
            "Interwencja psychologiczna",
        ),
    ],
    "intervention": [
        ("shp", "Self-Help Plus", "Самодопомога Плюс", "Samopomoc Plus"),
        (
            "cbt",
            "Cognitive behavioural therapy",
            "Когнітивно-поведінкова терапія",
            "Terapia poznawczo-behawioralna",
        ),
    ],
    "target-group": [
        ("children", "Children", "Діти", "Dzieci"),
        ("veterans", "Veterans", "Ветерани", "Weterani"),
    ],
    "language": [
        ("uk", "Ukrainian", "Українська", "ukraiński"),
        ("pl", "Polish", "Польська", "polski"),
        ("en", "English", "Англійська", "angielski"),
    ],
    "delivery-mode": [
        ("in-person", "In person", "Особисто", "Osobiście"),
        ("phone", "By phone", "Телефоном", "Telefonicznie"),
        ("online", "Online", "Онлайн", "Online"),
        ("mobile", "Mobile team", "Мобільна команда", "Zespół mobilny"),
    ],
}


@pytest.fixture
def terms(db: None) -> dict[str, dict[str, Term]]:
    result: dict[str, dict[str, Term]] = {}
    for scheme_code, rows in TERMS.items():
        scheme = Scheme.objects.filter(code=scheme_code, is_current=True).first()
        if scheme is None:
            scheme = Scheme.objects.create(code=scheme_code, version="test", name_en=scheme_code)
        result[scheme_code] = {}
        for i, (code, en, uk, pl) in enumerate(rows):
            term, _ = Term.objects.get_or_create(
                scheme=scheme,
                code=code,
                defaults={"label_en": en, "label_uk": uk, "label_pl": pl, "sort_order": i},
            )
            result[scheme_code][code] = term
    return result


@pytest.fixture
def located_areas(areas: dict[str, AdminArea]) -> dict[str, AdminArea]:
    """The conftest areas with centroids (Irpin, Lviv) so that distances can be tested."""
    for key, lat, lon in [
        ("irpin", 50.52, 30.25),
        ("lviv", 49.84, 24.03),
        ("mazowieckie", 52.23, 21.01),
    ]:
        AdminArea.objects.filter(pk=areas[key].pk).update(lat=lat, lon=lon)
        areas[key].refresh_from_db()
    return areas


def make_site(org: Any, area: AdminArea, **extra: Any) -> Site:
    data: dict[str, Any] = {
        "name_en": "Irpin Resilience Centre",
        "kind": SiteKind.RESILIENCE_CENTRE,
        "area": area,
        "lat": area.lat,
        "lon": area.lon,
        "address": "vul. Universytetska 1",
        "phone": "+380 44 000 0000",
    }
    data.update(extra)
    return services.site_create(actor=None, organisation=org, data=data)


def make_service(
    org: Any,
    terms: dict[str, dict[str, Term]],
    *,
    sites: list[Site] = (),
    areas: list[AdminArea] = (),
    layer: str = "3",
    acts: tuple[str, ...] = ("3.1",),
    langs: tuple[str, ...] = ("uk",),
    **extra: Any,
) -> Service:
    data: dict[str, Any] = {
        "name_en": "Self-Help Plus groups",
        "name_uk": "Групи «Самодопомога Плюс»",
        "name_pl": "Grupy Samopomoc Plus",
        "description_en": "Five weekly group sessions.",
        "layer": terms["pyramid-layer"][layer],
        "phone": "+380 44 111 1111",
        "last_verified": timezone.localdate() - datetime.timedelta(days=3),
    }
    data.update(extra)
    return services.service_create(
        actor=None,
        organisation=org,
        data=data,
        sites=list(sites),
        areas=list(areas),
        m2m={
            "activities": [terms["iasc-4w"][c] for c in acts],
            "languages": [terms["language"][c] for c in langs],
            "interventions": [terms["intervention"]["shp"]],
            "delivery_modes": [terms["delivery-mode"]["in-person"]],
        },
    )


@pytest.fixture
def listing(
    people: People, located_areas: dict[str, AdminArea], terms: dict[str, dict[str, Term]]
) -> dict[str, Any]:
    """ALPHA runs SH+ groups in Irpin; BETA runs CBT in Lviv and a confidential shelter."""
    a_site = make_site(people.org_a, located_areas["irpin"])
    a_service = make_service(people.org_a, terms, sites=[a_site], waiting_days=5)
    b_site = make_site(
        people.org_b,
        located_areas["lviv"],
        name_en="Lviv Clinic",
        name_uk="Львівська клініка",
        kind=SiteKind.CLINIC,
    )
    b_service = make_service(
        people.org_b,
        terms,
        sites=[b_site],
        layer="4",
        acts=("4.3",),
        name_en="CBT for adults",
        name_uk="КПТ для дорослих",
        name_pl="Terapia CBT dla dorosłych",
        waiting_days=14,
    )
    shelter = make_site(
        people.org_b,
        located_areas["lviv"],
        name_en="Safe House",
        kind=SiteKind.SHELTER,
        confidential=True,
        lat=49.85,
        lon=24.02,
    )
    shelter_service = make_service(
        people.org_b,
        terms,
        sites=[shelter],
        name_en="Shelter counselling",
        name_uk="Консультації в притулку",
    )
    return {
        "a_site": a_site,
        "a_service": a_service,
        "b_site": b_site,
        "b_service": b_service,
        "shelter": shelter,
        "shelter_service": shelter_service,
    }


@pytest.fixture(autouse=True)
def _fresh_reference_data() -> None:
    """Each test starts without the code lists an earlier test kept in the cache."""
    cache.clear()
