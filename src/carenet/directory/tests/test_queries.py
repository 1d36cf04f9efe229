"""The search engine: every filter, the ranking, and what never appears."""

import random
from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from carenet.conftest import People
from carenet.directory import queries, services
from carenet.directory.models import ServiceStatus, Sex
from carenet.directory.tests.conftest import make_service, make_site
from carenet.geo.queries import distance_km

KYIV = (50.45, 30.52)


def names(matches: list[Any]) -> list[str]:
    return [m.service.name_en for m in matches]


def test_it_ranks_by_distance_then_waiting_time(listing: dict, terms: dict) -> None:
    found = queries.match_services(near=KYIV)
    assert names(found) == ["Self-Help Plus groups", "CBT for adults"]
    assert found[0].distance_km == pytest.approx(20.6, abs=0.5)
    assert found[1].distance_km > 400
    assert found[0].waiting_days == 5


def test_it_ranks_by_waiting_time_without_a_point(
    listing: dict, people: People, located_areas: dict, terms: dict
) -> None:
    site = make_site(people.org_a, located_areas["lviv"], name_en="Lviv office")
    make_service(people.org_a, terms, sites=[site], name_en="Quick help", waiting_days=0)
    assert names(queries.match_services())[0] == "Quick help"
    assert names(queries.match_services())[-1] == "CBT for adults"


def test_it_never_returns_confidential_sites(listing: dict) -> None:
    everything = (
        queries.match_services(limit=100)
        + queries.match_services(near=(49.85, 24.02), limit=100)
        + queries.match_services(text="shelter притулок")
    )
    assert listing["shelter"].pk not in [m.site.pk for m in everything if m.site]
    assert "Shelter counselling" not in names(everything)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("КПТ", ["CBT for adults"]),
        ("кпт для ДОРОСЛИХ", ["CBT for adults"]),
        ("dorosłych", ["CBT for adults"]),
        ("doroslych", ["CBT for adults"]),
        ("lvivska klinika", []),  # no transliteration: Cyrillic names are found in Cyrillic
        ("львівська клініка", ["CBT for adults"]),
        ("Irpin", ["Self-Help Plus groups"]),
        ("beta", ["CBT for adults"]),
    ],
)
def test_free_text_matches_any_language_case_and_diacritics(
    listing: dict, query: str, expected: list[str]
) -> None:
    assert names(queries.match_services(text=query)) == expected


def test_free_text_inside_an_area(listing: dict, located_areas: dict) -> None:
    kyiv_oblast, lviv = located_areas["kyiv_obl"], located_areas["lviv"]
    assert names(queries.match_services(text="групи", area=kyiv_oblast)) == [
        "Self-Help Plus groups"
    ]
    assert names(queries.match_services(text="кпт", area=kyiv_oblast)) == []
    assert names(queries.match_services(text="кпт ДОРОСЛИХ", area=lviv)) == ["CBT for adults"]


@pytest.mark.parametrize("area", [None, "kyiv_obl"])
def test_like_wildcards_in_the_text_are_plain_characters(
    listing: dict, located_areas: dict, area: str | None
) -> None:
    within = located_areas[area] if area else None
    assert names(queries.match_services(text="groups", area=within)) == ["Self-Help Plus groups"]
    assert queries.match_services(text="gr_ups", area=within) == []


def test_nearest_first_is_exact_over_many_sites(
    people: People, located_areas: dict, terms: dict
) -> None:
    rng = random.Random(3)
    for i in range(40):
        lat, lon = 50 + rng.uniform(-3, 3), 30 + rng.uniform(-6, 6)
        site = make_site(
            people.org_a, located_areas["irpin"], name_en=f"Site {i}", lat=lat, lon=lon
        )
        make_service(
            people.org_a, terms, sites=[site], name_en=f"Service {i}", layer=str(1 + i % 4)
        )
    for layer in (None, "2"):
        found = queries.match_services(near=KYIV, layer=layer, limit=7)
        every = queries.match_services(layer=layer, limit=100)
        by_distance = sorted(
            distance_km(*KYIV, m.site.lat, m.site.lon) for m in every if m.site is not None
        )
        assert [m.distance_km for m in found] == pytest.approx(by_distance[:7], abs=0.01)


def test_nearest_first_looks_further_than_the_walk_when_few_entries_fit(
    people: People, located_areas: dict, terms: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(6):
        site = make_site(people.org_a, located_areas["irpin"], name_en=f"Near {i}")
        make_service(people.org_a, terms, sites=[site], name_en=f"Near {i}", layer="2")
    far = make_site(people.org_b, located_areas["lviv"], name_en="Far")
    make_service(people.org_b, terms, sites=[far], name_en="Far away", layer="4")
    monkeypatch.setattr(queries, "NEAREST_WALK", 3)  # the walk ends before "Far away"
    assert names(queries.match_services(near=KYIV, layer="4")) == ["Far away"]
    assert len(queries.match_services(near=KYIV, layer="2", limit=4)) == 4


def test_area_filter_works_at_every_level(listing: dict, located_areas: dict) -> None:
    for key in ("kyiv_obl", "bucha", "irpin"):
        assert names(queries.match_services(area=located_areas[key])) == ["Self-Help Plus groups"]
    assert names(queries.match_services(area=located_areas["mazowieckie"])) == []


def test_remote_service_areas_match_areas_inside_them(
    listing: dict, people: People, located_areas: dict, terms: dict
) -> None:
    make_service(
        people.org_b, terms, areas=[located_areas["kyiv_obl"]], name_en="Hotline", waiting_days=0
    )
    found = queries.match_services(area=located_areas["irpin"])
    assert set(names(found)) == {"Self-Help Plus groups", "Hotline"}
    hotline = next(m for m in found if m.service.name_en == "Hotline")
    assert hotline.remote and hotline.site is None
    assert "Hotline" not in names(queries.match_services(area=located_areas["lviv"]))
    # with a point, located services come first and remote ones after them
    assert names(queries.match_services(area=located_areas["irpin"], near=KYIV)) == [
        "Self-Help Plus groups",
        "Hotline",
    ]


def test_code_filters(listing: dict, terms: dict) -> None:
    assert names(queries.match_services(layer="4")) == ["CBT for adults"]
    assert names(queries.match_services(layer=terms["pyramid-layer"]["3"])) == [
        "Self-Help Plus groups"
    ]
    assert names(queries.match_services(activity_codes=["4.3", "9.9"])) == ["CBT for adults"]
    assert names(queries.match_services(activity_codes=["3"])) == []  # no prefix matching
    assert len(queries.match_services(intervention="shp")) == 2
    assert queries.match_services(intervention="cbt") == []
    assert len(queries.match_services(language="uk")) == 2
    assert queries.match_services(language="pl") == []
    assert len(queries.match_services(delivery_mode="in-person")) == 2
    assert queries.match_services(delivery_mode="online") == []


def test_eligibility_filters(
    listing: dict, people: People, located_areas: dict, terms: dict
) -> None:
    site = make_site(people.org_a, located_areas["irpin"], name_en="School")
    kids = make_service(
        people.org_a,
        terms,
        sites=[site],
        name_en="Kids club",
        age_min=6,
        age_max=12,
        sex=Sex.FEMALE,
        free=False,
        fees="100 UAH",
    )
    kids.target_groups.set([terms["target-group"]["children"]])
    from carenet.directory import indexing

    indexing.reindex([kids.pk])
    assert "Kids club" in names(queries.match_services(age=8))
    assert "Kids club" not in names(queries.match_services(age=13))
    assert "Kids club" not in names(queries.match_services(sex="male"))
    assert "Kids club" in names(queries.match_services(sex="female"))
    assert names(queries.match_services(target_group="children")) == ["Kids club"]
    assert "Kids club" not in names(queries.match_services(free_only=True))


def test_full_inactive_and_excluded_services_are_left_out(listing: dict, people: People) -> None:
    services.service_update(actor=None, service=listing["a_service"], data={"available_places": 0})
    assert "Self-Help Plus groups" not in names(queries.match_services())
    services.service_update(actor=None, service=listing["a_service"], data={"available_places": 3})
    assert "Self-Help Plus groups" in names(queries.match_services())
    services.service_update(
        actor=None, service=listing["b_service"], data={"status": ServiceStatus.TEMPORARILY_CLOSED}
    )
    assert "CBT for adults" not in names(queries.match_services())
    assert names(queries.match_services(exclude_organisation=people.org_a)) == []


def test_a_service_at_two_sites_is_listed_once_at_the_nearest(
    listing: dict, people: People, located_areas: dict
) -> None:
    far = make_site(people.org_a, located_areas["lviv"], name_en="Lviv branch")
    services.service_update(
        actor=None, service=listing["a_service"], sites=[listing["a_site"], far]
    )
    found = queries.match_services(near=(49.84, 24.03))
    assert names(found).count("Self-Help Plus groups") == 1
    assert next(m for m in found if m.service.name_en.startswith("Self")).site == far


def test_limit_and_offset_page_through_results(listing: dict) -> None:
    first = queries.match_services(limit=1)
    second = queries.match_services(limit=1, offset=1)
    assert len(first) == len(second) == 1 and first[0].service != second[0].service


def test_it_runs_a_fixed_number_of_queries(listing: dict) -> None:
    with CaptureQueriesContext(connection) as ctx:
        found = queries.match_services(near=KYIV, text="групи", language="uk")
        [m.service.organisation.name for m in found]
    # nearest first is one query on PostgreSQL, two when few entries fit (one per bounding box
    # tried elsewhere), then services and sites in one query each
    most = 4 if connection.vendor == "postgresql" else len(queries.RADII_KM) + 2
    assert found and len(ctx.captured_queries) <= most


def test_service_for_user_hides_other_organisations(listing: dict, people: People) -> None:
    mine = queries.service_for_user(people.focal_point, listing["a_service"].uuid, "directory.edit")
    assert mine == listing["a_service"]
    for bad in (listing["b_service"].uuid, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Http404):
            queries.service_for_user(people.focal_point, bad, "directory.edit")
    with pytest.raises(Http404):
        queries.service_for_user(people.viewer, listing["a_service"].uuid, "directory.edit")
    with pytest.raises(Http404):
        queries.service_for_user(None, listing["a_service"].uuid, "directory.view")


def test_coordinators_reach_services_in_their_area(listing: dict, people: People) -> None:
    everything = set(queries.services_for_user(people.coordinator, "directory.review"))
    assert {listing["a_service"], listing["b_service"]} <= everything
    kyiv_only = set(queries.services_for_user(people.oblast_coordinator, "directory.review"))
    assert listing["a_service"] in kyiv_only and listing["b_service"] not in kyiv_only
    assert not queries.services_for_user(people.focal_point, "directory.review").exists()


def test_public_service_hides_confidential_only_and_inactive_services(listing: dict) -> None:
    assert queries.public_service(listing["a_service"].uuid) == listing["a_service"]
    with pytest.raises(Http404):
        queries.public_service(listing["shelter_service"].uuid)
    services.service_update(
        actor=None, service=listing["a_service"], data={"status": ServiceStatus.INACTIVE}
    )
    with pytest.raises(Http404):
        queries.public_service(listing["a_service"].uuid)
