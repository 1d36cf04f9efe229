"""The gap map of hromadas and gminas (`reporting.symbols`): as much as the full map showed,
in a fraction of the bytes, on the national gazetteers."""

from __future__ import annotations

import gzip
import random
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation

from carenet.accounts.models import Organisation
from carenet.conftest import People, client_for
from carenet.geo import queries as geo
from carenet.geo.loaders import load_poland, load_ukraine
from carenet.geo.maps import svg_map
from carenet.geo.models import AdminArea, BoundarySet
from carenet.reporting import demo
from carenet.reporting.symbols import symbol_map
from carenet.reporting.tests.conftest import MONTH

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_it_draws_every_area_where_as_large_and_in_the_colour_the_full_map_did() -> None:
    load_ukraine()
    load_poland()
    for country in ("UA", "PL"):
        areas = list(geo.areas_at_level(country, 3))
        values = {a.pcode: None if i % 7 == 0 else a.population for i, a in enumerate(areas)}
        full = _full_circles(str(svg_map(areas, values=values, title="x", legend_title="x")))
        lean = _lean_circles(str(symbol_map(areas, values=values, title="x")))
        assert len(full) == len(areas) == len(lean), country
        for pcode, (css, label, x, y, r) in full.items():
            css2, label2, x2, y2, r2 = lean[pcode]
            assert (css2, label2) == (css, label), pcode
            assert abs(x2 - x) < 1 and abs(y2 - y) < 1 and abs(r2 - r) < 0.2, pcode


def _full_circles(svg: str) -> dict[str, tuple[str, str, float, float, float]]:
    """P-code -> (class, title, x, y, r) of `geo.maps.svg_map`, in its outer 640 units."""
    root = parse(svg)
    inner = root.find(f"{SVG}svg")
    assert inner is not None
    vx, vy, vw, _vh = (float(v) for v in inner.get("viewBox", "").split())
    scale = 640 / vw
    out = {}
    for c in root.iter(f"{SVG}circle"):
        label = c.findtext(f"{SVG}title", "")
        x, y, r = (float(c.get(k, "")) for k in ("cx", "cy", "r"))
        css = c.get("class", "").split()[-1]
        out[_pcode(label)] = (css, label, (x - vx) * scale, (y - vy) * scale, r * scale)
    return out


def _lean_circles(svg: str) -> dict[str, tuple[str, str, float, float, float]]:
    """P-code -> (class, title line, x, y, r) of `symbol_map`: every area of every circle."""
    out = {}
    for group in parse(svg).iter(f"{SVG}g"):
        for c in group.findall(f"{SVG}circle"):
            x, y, r = (float(c.get(k, "")) for k in ("cx", "cy", "r"))
            for label in c.findtext(f"{SVG}title", "").split("\n"):
                assert _pcode(label) not in out
                out[_pcode(label)] = (group.get("class", ""), label, x, y, r)
    return out


def _pcode(label: str) -> str:
    found = re.search(r"\((UA\d+|PL\d+)\): ", label)
    assert found, label
    return found.group(1)


def test_gminas_at_one_place_with_one_value_are_one_circle_naming_them_all() -> None:
    load_poland()
    gminas = list(geo.areas_at_level("PL", 3))
    places = {(a.lat, a.lon) for a in gminas}  # each gmina carries its powiat's centroid
    root = parse(str(symbol_map(gminas, values={}, title="Gminas")))
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == len(places) == 380
    titles = [c.findtext(f"{SVG}title", "").split("\n") for c in circles]
    named = Counter(_pcode(line) for lines in titles for line in lines)
    assert set(named) == {a.pcode for a in gminas} and set(named.values()) == {1}
    assert max(len(lines) for lines in titles) > 10  # a powiat with many gminas


def test_large_circles_come_first_and_the_description_counts_each_class() -> None:
    load_ukraine()
    hromadas = list(geo.areas_at_level("UA", 3))
    values = {a.pcode: a.population for a in hromadas[::2]}
    svg = str(symbol_map(hromadas, values=values, title="People"))
    root = parse(svg)
    radii = [float(c.get("r", "")) for c in root.iter(f"{SVG}circle")]
    assert radii == sorted(radii, reverse=True)  # small circles stay on top, visible
    assert len(radii) == len(hromadas)
    groups = [g.get("class") for g in root.iter(f"{SVG}g") if g.find(f"{SVG}circle") is not None]
    assert groups == ["geo-c5", "geo-c4", "geo-c3", "geo-c2", "geo-c1", "geo-nodata"]
    desc = root.findtext(f"{SVG}desc", "")
    counts = [int(n.replace(",", "")) for n in re.findall(r": ([\d,]+)(?:;|\.$)", desc)]
    assert desc.startswith("People. Number of areas in each class: ")
    assert len(counts) == 6 and sum(counts) == len(hromadas)
    assert counts[-1] == len(hromadas) - sum(v is not None for v in values.values())
    assert root.get("role") == "img" and root.get("aria-label") == "People"
    numbers = re.findall(r' (?:cx|cy|r)="([^"]+)"', svg)
    assert numbers and all(re.fullmatch(r"\d+(\.\d)?", n) for n in numbers)
    assert "style=" not in svg  # CSP: no style attributes


def test_names_are_escaped_and_areas_without_a_place_are_counted_not_drawn() -> None:
    bs = BoundarySet.objects.create(country="UA", version="t")
    evil = AdminArea.objects.create(
        pcode="UA99", level=1, path="UA99/", country="UA", boundary_set=bs,
        name_en='<b>"Evil" & co</b>', lat=50, lon=30,
    )  # fmt: skip
    nowhere = AdminArea.objects.create(
        pcode="UA98", level=1, path="UA98/", country="UA", boundary_set=bs, name_en="Nowhere"
    )
    root = parse(str(symbol_map([evil, nowhere], values={"UA99": 3}, title='<i>"x"</i>')))
    assert root.get("aria-label") == '<i>"x"</i>'
    assert [c.findtext(f"{SVG}title") for c in root.iter(f"{SVG}circle")] == [
        '<b>"Evil" & co</b> (UA99): 3'
    ]
    assert (
        root.findtext(f"{SVG}desc")
        == '<i>"x"</i>. Number of areas in each class: 3: 1; no data: 1.'
    )
    assert symbol_map([nowhere], values={}, title="x") is None
    with translation.override("pl"):
        desc = parse(str(symbol_map([evil, nowhere], values={}, title="x"))).findtext(f"{SVG}desc")
    assert desc == "x. Liczba obszarów w każdej klasie: brak danych: 2."


@pytest.fixture
def poland(people: People, codes: dict[str, str]) -> list[AdminArea]:
    """Every gmina, and 300 Polish organisations working in 12 gminas each."""
    load_poland()
    gminas = list(AdminArea.objects.filter(country="PL", level=3))
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Org {i}", acronym=f"PL{i:04d}", kind="nngo", country="PL")
        for i in range(300)
    )
    rng = random.Random(4)
    demo.bulk_rows(orgs, {o.pk: rng.sample(gminas, 12) for o in orgs}, [MONTH], 8, rng)
    return gminas


def test_the_gmina_gap_page_is_light_and_sent_compressed(
    poland: list[AdminArea], people: People
) -> None:
    client = client_for(people.coordinator)
    base = reverse("reporting:gaps") + "?month=2026-03&country=PL"
    for metric in ("per_10k", "orgs", "gaps"):
        url = f"{base}&level=3&metric={metric}"
        plain = client.get(url)
        page = plain.content
        assert plain.get("Content-Encoding") is None
        assert len(page) < 250_000, metric  # 535-542 KB with a full circle element per gmina
        svg = re.search(rb'<svg xmlns="http://www.w3.org/2000/svg" class="map.*?</svg>', page, re.S)
        assert svg is not None
        titles = b"\n".join(re.findall(rb"<circle [^>]*><title>([^<]*)</title>", svg.group(0)))
        named = {_pcode(line) for line in titles.decode().split("\n")}
        assert named == {a.pcode for a in poland}, metric
        packed = client.get(url, headers={"accept-encoding": "gzip"})
        assert packed["Content-Encoding"] == "gzip"
        assert len(packed.content) < 60_000, metric
        assert gzip.decompress(packed.content).count(b"<circle ") == page.count(b"<circle ")
    powiats = client.get(f"{base}&level=2").content.decode()
    assert powiats.count('class="geo-area geo-') == 380  # boundaries: still a choropleth
