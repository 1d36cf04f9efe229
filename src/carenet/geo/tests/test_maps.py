from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.utils import translation

from carenet.geo import maps, queries
from carenet.geo.maps import MapPoint, quantile_classes, svg_map
from carenet.geo.models import AdminArea, BoundarySet

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def shapes(root: ET.Element, tag: str, css: str = "geo-area") -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['svg']}}}{tag}") if css in e.get("class", "").split()]


def test_an_oblast_choropleth_is_valid_svg_with_a_path_per_oblast(gazetteer: Any) -> None:
    oblasts = list(queries.areas_at_level("UA", 1))
    values = {a.pcode: a.population for a in oblasts}

    svg = svg_map(oblasts, values=values, title="Population by oblast", legend_title="People")
    root = parse(svg)

    assert root.get("role") == "img"
    assert root.get("aria-label") == "Population by oblast"
    paths = shapes(root, "path")
    assert len(paths) == 27
    titles = [p.find("svg:title", NS).text for p in paths]
    assert "Vinnytska (UA05): 1,509,515" in titles
    assert "Kyiv (UA80): no data" in titles
    assert {p.get("class").split()[1] for p in paths} == {
        "geo-c1",
        "geo-c2",
        "geo-c3",
        "geo-c4",
        "geo-c5",
        "geo-nodata",
    }
    assert all(p.get("fill", "").startswith("#") for p in paths)
    legend = [t.text for t in root.iter(f"{{{NS['svg']}}}text")]
    assert legend[0] == "People" and "no data" in legend and len(legend) == 7
    assert "style=" not in svg  # CSP: no style attributes


def test_hromadas_without_boundaries_are_circles(gazetteer: Any) -> None:
    hromadas = list(queries.areas_at_level("UA", 3))
    values = {a.pcode: a.population for a in hromadas}

    root = parse(svg_map(hromadas, values=values, title="Hromadas"))

    circles = shapes(root, "circle")
    assert len(circles) == 1769
    radii = {c.find("svg:title", NS).text.split(" (")[0]: float(c.get("r")) for c in circles}
    assert radii["Kharkivska"] > radii["Ahronomichna"]  # sized by value
    assert shapes(root, "path") == []


def test_links_and_points_make_the_map_a_group_of_links(gazetteer: Any) -> None:
    oblasts = list(queries.areas_at_level("UA", 1))
    points = [
        MapPoint(50.45, 30.52, "Centre <Kyiv> & co", "/services/x?a=1&b=2"),
        MapPoint(49.84, 24.03, "No link"),
    ]

    svg = svg_map(oblasts, points=points, title="Services", link=lambda a: f"/places/{a.pcode}/")
    root = parse(svg)

    assert root.get("role") == "group" and root.get("aria-label") == "Services"
    links = list(root.iter(f"{{{NS['svg']}}}a"))
    hrefs = [a.get("href") for a in links]
    assert "/places/UA05/" in hrefs and "/services/x?a=1&b=2" in hrefs
    assert len(links) == 28
    labels = [p.find("svg:title", NS).text for p in shapes(root, "circle", "geo-point")]
    assert labels == ["Centre <Kyiv> & co", "No link"]


def test_names_are_escaped(db: None) -> None:
    bs = BoundarySet.objects.create(country="UA", version="t")
    area = AdminArea.objects.create(
        pcode="UA99",
        level=1,
        path="UA99/",
        country="UA",
        boundary_set=bs,
        name_en='<b>"Evil" & co</b>',
        lat=50,
        lon=30,
    )

    root = parse(svg_map([area], values={"UA99": 3}, title='<script>"x"</script>'))

    assert root.get("aria-label") == '<script>"x"</script>'
    assert shapes(root, "circle")[0].find("svg:title", NS).text == '<b>"Evil" & co</b> (UA99): 3'


def test_an_empty_map_says_so() -> None:
    root = parse(svg_map([], title="Nothing"))

    assert root.get("role") == "img"
    with translation.override("uk"):
        assert "Немає місць для показу." in svg_map([], title="x")


def test_value_labels_follow_the_language(gazetteer: Any) -> None:
    oblasts = list(queries.areas_at_level("UA", 1))
    with translation.override("uk"):
        svg = svg_map(oblasts, values={"UA05": 1234.5}, title="x")
    assert "немає даних" in svg


def test_projected_paths_are_cached_per_area(gazetteer: Any) -> None:
    maps.clear_cache()
    area = queries.area_by_pcode("UA05")

    first = maps.area_path(area, 48.5)
    area.boundary = None  # the cache answers without the geometry
    assert maps.area_path(area, 48.5) == first
    assert first.startswith("M") and first.endswith("z")

    maps.clear_cache()
    assert maps.area_path(area, 48.5) == ""


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (list(range(1, 101)), [(1, 20), (21, 40), (41, 60), (61, 80), (81, 100)]),
        ([5, 5, 5, 5], [(5, 5)]),
        ([1, 1, 1, 1, 9], [(1, 1), (9, 9)]),
        ([], []),
    ],
)
def test_quantile_classes(values: list[float], expected: list[tuple[float, float]]) -> None:
    classes = quantile_classes(values)

    assert [(c.low, c.high) for c in classes] == expected
    assert len({c.colour for c in classes}) == len(classes)
