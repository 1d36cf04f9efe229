from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from django.test import Client

from carenet.conftest import assert_access
from carenet.geo.loaders import load_poland, load_ukraine
from carenet.geo.models import AdminArea


def test_everyone_may_read_places(people: Any) -> None:
    load_ukraine()  # after `people`: its test slice comes first and is taken over
    load_poland()
    everyone = people.all()
    for url in [
        "/places/",
        "/places/?q=lviv",
        "/places/UA05/",
        "/places/UA0502001/",
        "/places/PL0201/",
        "/places/search?q=lviv",
        "/places/UA05.geojson",
    ]:
        assert_access(url, allowed=everyone, denied={})


def test_places_are_read_only(gazetteer: Any) -> None:
    for url in ["/places/", "/places/search?q=a", "/places/UA05/", "/places/UA05.geojson"]:
        assert Client().post(url).status_code == 405


def test_search_returns_a_pick_list(gazetteer: Any) -> None:
    response = Client().get("/places/search", {"q": "lodz", "limit": "3"})

    assert response.status_code == 200
    data = response.json()
    assert len(data) == 3
    assert data[0] == {
        "pcode": "PL10",
        "name": "łódzkie",
        "level": 1,
        "kind": "voivodeship",
        "parent": None,
    }
    assert {
        "pcode": "PL1061",
        "name": "Łódź",
        "level": 2,
        "kind": "city with powiat rights",
        "parent": "łódzkie",
    } in data


def test_search_names_follow_the_language(gazetteer: Any) -> None:
    response = Client(headers={"accept-language": "uk"}).get("/places/search", {"q": "UA05"})

    assert response.json()[0] == {
        "pcode": "UA05",
        "name": "Вінницька",
        "level": 1,
        "kind": "область",
        "parent": None,
    }


def test_search_survives_bad_input(gazetteer: Any) -> None:
    client = Client()
    assert client.get("/places/search").json() == []
    assert client.get("/places/search", {"q": "%' OR 1=1 --"}).json() == []
    assert client.get("/places/search", {"q": "x" * 5000}).json() == []
    many = client.get("/places/search", {"q": "a", "limit": "100000", "level": "x"}).json()
    assert len(many) == 50
    only = client.get("/places/search", {"q": "a", "country": "PL", "level": "2"}).json()
    assert only and {a["level"] for a in only} == {2}
    assert all(a["pcode"].startswith("PL") for a in only)


def test_geojson_gives_the_boundary_or_the_centre(gazetteer: Any) -> None:
    response = Client().get("/places/UA05.geojson")

    assert response["Content-Type"] == "application/geo+json"
    feature = json.loads(response.content)
    assert feature["type"] == "Feature" and feature["id"] == "UA05"
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert feature["properties"]["name_uk"] == "Вінницька"
    point = Client().get("/places/UA0502001.geojson").json()
    assert point["geometry"]["type"] == "Point"
    assert point["properties"]["parent"] == "UA0502"


def test_unknown_pcodes_are_not_found(gazetteer: Any) -> None:
    client = Client()
    for url in [
        "/places/UA9999999.geojson",
        "/places/UA9999999/",
        "/places/%3Cb%3E/",
        "/places/../admin/",
    ]:
        assert client.get(url).status_code == 404


def test_the_index_shows_both_countries_as_accessible_maps(gazetteer: Any) -> None:
    response = Client().get("/places/")

    html = response.content.decode()
    assert html.count('class="map geo-map"') == 2
    assert 'href="/places/UA05/"' in html and 'href="/places/PL02/"' in html
    assert "<table>" in html  # the same figures without the map


def test_the_index_searches_without_javascript(gazetteer: Any) -> None:
    html = Client().get("/places/", {"q": "Agronomichna"}).content.decode()
    assert "No place matches" in html
    html = Client().get("/places/", {"q": "ahronomichna"}).content.decode()
    assert 'href="/places/UA0502001/"' in html


def test_an_area_page_shows_facts_children_and_a_map(
    gazetteer: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(8):
        response = Client().get("/places/UA0502/")

    html = response.content.decode()
    assert "Vinnytskyi" in html and 'href="/places/UA05/"' in html  # breadcrumb
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg"')
    end = html.index("</svg>\n", start) + len("</svg>")
    root = ET.fromstring(html[start:end])  # noqa: S314 - our own output
    circles = [e for e in root.iter("{http://www.w3.org/2000/svg}circle")]
    # the raion's hromadas, over the oblast outline
    assert len(circles) == AdminArea.objects.filter(parent__pcode="UA0502").count() == 16
    assert len([e for e in root.iter("{http://www.w3.org/2000/svg}path")]) == 1
    crimea = Client().get("/places/UA0102003/").content.decode()
    assert "Autonomous Republic of Crimea" in crimea


def test_an_area_page_is_translated(gazetteer: Any) -> None:
    client = Client(headers={"accept-language": "pl"})
    html = client.get("/places/PL0201/").content.decode()
    assert "Ludność" in html and "gmina miejska" in html
