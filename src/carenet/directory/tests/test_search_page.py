"""The public search page as a newcomer meets it: an empty search says what to do, the way
back from a service keeps the search, the map has a legend and a link to it, and the API's
documentation page opens."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carenet.conftest import client_for
from carenet.taxonomy.models import Term

EMPTY = {"q": "", "place": "", "layer": "", "activity": "", "age": ""}


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Tell us what to look for"),
        ("uk", "Скажіть, що шукати"),
        ("pl", "Powiedz, czego szukasz"),
    ],
)
def test_an_empty_search_says_what_to_do(listing: dict, language: str, heading: str) -> None:
    client = client_for(None)
    client.cookies["django_language"] = language
    page = client.get("/services/", EMPTY).content.decode()
    assert heading in page
    assert 'id="empty-search"' in page and 'ol class="results"' not in page
    htmx = client.get("/services/", EMPTY, headers={"HX-Request": "true"}).content.decode()
    assert heading in htmx and "<h1>" not in htmx  # only the results part is swapped in


def test_the_first_visit_shows_no_empty_search_message(listing: dict) -> None:
    page = client_for(None).get("/services/").content.decode()
    assert 'id="empty-search"' not in page and "<h1>" in page


def test_a_result_leads_to_its_service_and_back_to_the_same_search(listing: dict) -> None:
    client = client_for(None)
    params = {"q": "групи", "place": "UA32", "layer": "3", "page": "1", "next": "//evil.test"}
    page = client.get("/services/", params).content.decode()
    uuid = listing["a_service"].uuid
    link = re.search(rf'href="(/services/{uuid}/[^"]*)"', page)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    carried = parse_qs(urlsplit(href).query)
    assert carried == {"q": ["групи"], "place": ["UA32"], "layer": ["3"]}  # no page, no next
    assert f'id="s-{uuid}"' in page  # where the way back lands
    service_page = client.get(href).content.decode()
    back = re.search(r'<a href="([^"]*)">Back to the search</a>', service_page)
    assert back is not None
    url = urlsplit(back.group(1).replace("&amp;", "&"))
    assert url.path == "/services/" and url.fragment == f"s-{uuid}"
    assert parse_qs(url.query) == carried
    assert "evil" not in service_page


def test_a_service_opened_directly_leads_back_to_an_empty_search(listing: dict) -> None:
    page = client_for(None).get(f"/services/{listing['a_service'].uuid}/").content.decode()
    assert '<a href="/services/">Back to the search</a>' in page
    forged = client_for(None).get(
        f"/services/{listing['a_service'].uuid}/", {"q": '"><script>', "place": "x"}
    )
    assert forged.status_code == 200
    assert "<script>" not in forged.content.decode().split("Back to the search")[0][-200:]


def test_the_map_has_a_legend_and_a_jump_link(listing: dict) -> None:
    page = client_for(None).get("/services/", {"place": "UA32"}).content.decode()
    assert '<a href="#results-map">Show them on the map</a>' in page
    assert 'id="results-map"' in page and "svg" in page
    legend = page.split('class="map-legend"')[1].split("</ul>")[0]
    assert "1 place of the services above" in legend
    assert "Kyivska" in legend  # the region outlined, by name
    assert page.index('href="#results-map"') < page.index('class="results"')
    assert '<a href="#results-heading">Back to the results</a>' in page


def test_no_map_and_no_jump_link_when_nothing_is_located(listing: dict) -> None:
    page = client_for(None).get("/services/", {"q": "no such service at all"}).content.decode()
    assert "No services found" in page
    assert "#results-map" not in page and "map-legend" not in page


def test_code_lists_come_from_the_cache_and_a_saved_term_is_seen_at_once(listing: dict) -> None:
    client = client_for(None)
    client.get("/services/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/services/")
    assert not any("taxonomy_term" in q["sql"] for q in ctx.captured_queries)
    term = Term.objects.get(scheme__code="pyramid-layer", code="3")
    term.label_en = "Focused support, renamed"
    term.save()
    assert "Focused support, renamed" in client.get("/services/").content.decode()
    cache.clear()


def test_the_api_documentation_opens_for_everyone(db: None) -> None:
    response = client_for(None).get("/services/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/services/api/openapi.json" in page
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn." not in page


def test_kept_filters_show_each_visitors_own_choice_and_language(listing: dict) -> None:
    client = client_for(None)
    chosen = client.get("/services/", {"layer": "3"}).content.decode()
    assert re.search(r'<option value="3" selected>', chosen)
    other = client.get("/services/", {"layer": "2"}).content.decode()
    assert re.search(r'<option value="2" selected>', other)
    assert not re.search(r'<option value="3" selected>', other)
    assert '<details class="filters" open>' in other
    client.cookies["django_language"] = "uk"
    ukrainian = client.get("/services/", {"layer": "3"}).content.decode()
    assert "Рівень підтримки" in ukrainian and "Level of support" not in ukrainian
    wrong = client.get("/services/", {"layer": "3", "age": "300"}).content.decode()
    assert 'class="field invalid"' in wrong  # an error is shown, not a kept fragment
