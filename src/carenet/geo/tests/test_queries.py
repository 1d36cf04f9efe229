from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from carenet.geo import queries
from carenet.geo.models import AdminArea, BoundarySet
from carenet.geo.queries import UnknownPCode


def test_it_finds_an_area_by_pcode(gazetteer: Any) -> None:
    area = queries.area_by_pcode("UA0502001")

    assert area.name_en == "Ahronomichna"
    assert queries.area_by_pcode(" ua0502001 ") == area  # spaces and case forgiven


def test_an_unknown_pcode_is_an_error_naming_the_code(gazetteer: Any) -> None:
    with pytest.raises(UnknownPCode) as caught:
        queries.area_by_pcode("UA9999999")  # well-formed, but not in the gazetteer

    assert isinstance(caught.value, ValidationError)
    assert caught.value.code == "unknown_pcode"
    assert caught.value.pcode == "UA9999999"
    assert caught.value.messages == ["Unknown P-code: UA9999999"]


def test_the_unknown_pcode_message_is_translated(gazetteer: Any) -> None:
    error = UnknownPCode("PL9999999")

    with translation.override("uk"):
        assert error.messages == ["Невідомий P-код: PL9999999"]
    with translation.override("pl"):
        assert error.messages == ["Nieznany P-kod: PL9999999"]


def test_the_gazetteer_decides_not_the_shape_of_the_code(db: None) -> None:
    bs = BoundarySet.objects.create(country="UA", version="odd")
    AdminArea.objects.create(
        pcode="X-1", level=1, path="X-1/", country="UA", boundary_set=bs, name_en="Odd but loaded"
    )

    assert queries.area_by_pcode("X-1").name_en == "Odd but loaded"
    with pytest.raises(UnknownPCode):
        queries.area_by_pcode("UA05")  # looks right, not loaded here


def test_it_resolves_many_pcodes_in_one_query(
    gazetteer: Any, django_assert_num_queries: Any
) -> None:
    codes = ["UA05", "ua0502", "PL0201011", "UA9999", "", "PL0201011"]

    with django_assert_num_queries(1):
        found = queries.areas_by_pcodes(codes)

    assert sorted(found) == ["PL0201011", "UA05", "UA0502"]


def test_it_lists_unknown_pcodes_once_in_the_order_given(gazetteer: Any) -> None:
    codes = ["UA05", "XX1", "UA0502001", "<script>", "XX1", "UA99"]

    assert queries.unknown_pcodes(codes) == ["XX1", "<script>", "UA99"]
    assert queries.unknown_pcodes([]) == []


def test_children_subtree_ancestors_and_levels(gazetteer: Any) -> None:
    oblast = queries.area_by_pcode("UA05")
    hromada = queries.area_by_pcode("UA0502001")

    children = list(queries.children_of(oblast))
    assert {c.level for c in children} == {2} and len(children) == 6
    assert [c.pcode for c in children] == sorted(c.pcode for c in children)
    assert queries.subtree_of(oblast).count() == 1 + 6 + 63
    assert [a.pcode for a in queries.ancestors_of(hromada)] == ["UA05", "UA0502"]
    assert queries.areas_at_level("pl", 2).count() == 380
    assert queries.areas_at_level("UA", 4).count() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lodz", "PL1061"),  # Łódź without diacritics
        ("ŁÓDŹ", "PL1061"),
        ("київ", "UA80"),
        ("Ки\u0456в", "UA80"),  # the Ukrainian i typed for ї
        ("kyiv", "UA80"),
        ("ua0502001", "UA0502001"),
        ("Агрономічна", "UA0502001"),
    ],
)
def test_search_tolerates_case_and_diacritics(gazetteer: Any, text: str, expected: str) -> None:
    assert expected in [a.pcode for a in queries.search_areas(text, 10)]


def test_search_tolerates_every_apostrophe(gazetteer: Any) -> None:
    for apostrophe in "'\u2019\u02bc":  # ASCII, right quote, modifier letter
        found = queries.search_areas(f"Кам{apostrophe}янець-Подільська", 5)
        assert [a.name_en for a in found] == ["Kamianets-Podilska"]


def test_search_ranks_prefixes_and_higher_levels_first(gazetteer: Any) -> None:
    found = queries.search_areas("lviv", 5)

    assert found[0].pcode == "UA46"  # the oblast before raions and hromadas
    assert all(a.name_en.lower().startswith("lviv") for a in found[:3])


def test_search_limits_and_filters(gazetteer: Any) -> None:
    assert len(queries.search_areas("a", 7)) == 7
    assert queries.search_areas("", 7) == []
    assert queries.search_areas("   ", 7) == []
    assert queries.search_areas("lodz", 0) == []
    assert {a.country for a in queries.search_areas("o", 30, country="pl")} == {"PL"}
    assert {a.level for a in queries.search_areas("o", 30, levels=[3])} == {3}
    assert queries.search_areas("no such place anywhere", 10) == []


def test_search_finds_areas_made_without_search_text(areas: dict[str, AdminArea]) -> None:
    assert [a.pcode for a in queries.search_areas("mazowieckie", 5)] == ["PL14"]


def test_distance_kyiv_to_lviv_is_about_470_km() -> None:
    assert queries.distance_km(50.4501, 30.5234, 49.8397, 24.0297) == pytest.approx(469, abs=5)
    assert queries.distance_km(50.0, 30.0, 50.0, 30.0) == 0


def test_bbox_around_holds_every_point_within_the_distance() -> None:
    lat, lon, km = 50.45, 30.52, 100
    min_lat, min_lon, max_lat, max_lon = queries.bbox_around(lat, lon, km)

    assert queries.distance_km(lat, lon, max_lat, lon) == pytest.approx(km, rel=1e-3)
    assert queries.distance_km(lat, lon, min_lat, lon) == pytest.approx(km, rel=1e-3)
    # at least as wide as the circle (a little wider: the box is cut at its poleward edge)
    assert km <= queries.distance_km(lat, lon, lat, max_lon) < km * 1.05
    assert km <= queries.distance_km(lat, lon, lat, min_lon) < km * 1.05
    # the box is wide enough at its poleward edge too
    assert queries.distance_km(max_lat, lon, max_lat, max_lon) >= km - 0.5


def test_areas_near_a_point_come_nearest_first(gazetteer: Any) -> None:
    found = queries.areas_near(50.4501, 30.5234, 40, level=3)

    assert found[0][0].pcode == "UA8000000"  # Kyiv
    distances = [d for _, d in found]
    assert distances == sorted(distances) and distances[-1] <= 40
    assert "UA3208015" in [a.pcode for a, _ in found]  # Irpin, by its administrative centre
    polish = queries.areas_near(51.759, 19.457, 15, level=3, country="PL")  # Łódź
    assert "PL1061011" in [a.pcode for a, _ in polish]
