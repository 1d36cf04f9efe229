"""The public code-list pages and JSON: open to everyone, in three languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from carenet.conftest import People, assert_access
from carenet.core.nav import items_for
from carenet.taxonomy import services
from carenet.taxonomy.models import Scheme


def test_everyone_may_read_the_code_lists(taxonomies: None, people: People) -> None:
    for url in ("/taxonomies/", "/taxonomies/iasc-4w/", "/taxonomies/iasc-4w.json"):
        assert_access(url, allowed=people.all(), denied={})


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["Code lists", "Psychological first aid", "Specialised services", "verified",
                "to be checked", "IASC 4Ws activity codes for MHPSS"]),
        ("uk", ["Довідники", "Психологічна перша допомога", "Спеціалізовані послуги",
                "перевірено", "потребує перевірки", "Коди діяльності IASC 4W у сфері ПЗПСП"]),  # noqa: RUF001
        ("pl", ["Słowniki", "Pierwsza pomoc psychologiczna", "Usługi specjalistyczne",
                "zweryfikowano", "do sprawdzenia", "Kody działań IASC 4W w obszarze MHPSS"]),
    ],
)  # fmt: skip
def test_the_page_renders_in_each_language(taxonomies: None, language: str, texts: list[str]
                                           ) -> None:  # fmt: skip
    response = Client(headers={"accept-language": language}).get("/taxonomies/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in texts:
        assert text in page, text
    assert 'href="https://github.com/mhpss-nepal/mhpss-nepal.github.io"' in page
    assert 'style="' not in page and "<script>" not in page


def test_the_page_takes_a_fixed_number_of_queries(taxonomies: None) -> None:
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get("/taxonomies/").status_code == 200
    assert len(ctx.captured_queries) <= 4


def test_the_page_asks_for_a_load_when_empty(db: None) -> None:
    assert "carenet load-taxonomies" in Client().get("/taxonomies/").content.decode()


def test_the_json_holds_every_label_and_attribute(taxonomies: None) -> None:
    data = Client().get("/taxonomies/iasc-4w.json").json()
    assert (data["scheme"], data["version"], data["is_current"]) == ("iasc-4w", "2012", True)
    terms = {t["code"]: t for t in data["terms"]}
    assert len(terms) == 30
    assert terms["10.2"]["parent"] == "10" and terms["10.2"]["attributes"]["layer"] == "4"
    assert terms["7.1"]["label"]["uk"] == "Психологічна перша допомога"
    assert terms["7.1"]["verified"] is True and terms["7"]["verified"] is False


def test_an_unknown_scheme_is_not_found(taxonomies: None) -> None:
    client = Client()
    for url in (
        "/taxonomies/nothing/",
        "/taxonomies/nothing.json",
        "/taxonomies/sector/?version=1999",
        "/taxonomies/sector.json?version=1999",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/taxonomies/").status_code == 405


def test_older_versions_stay_readable(taxonomies: None) -> None:
    old = Scheme.objects.get(code="sector")
    services.scheme_new_version(actor=None, scheme=old, version="2027", make_current=True)
    client = Client()
    page = client.get("/taxonomies/sector/").content.decode()
    assert "2027" in page and "?version=carenet-1" in page
    data: dict[str, Any] = client.get("/taxonomies/sector.json?version=carenet-1").json()
    assert (data["version"], data["is_current"]) == ("carenet-1", False)
    assert client.get("/taxonomies/sector.json").json()["version"] == "2027"


def test_signed_in_people_find_the_code_lists(taxonomies: None, people: People) -> None:
    request = RequestFactory().get("/")
    request.user = people.viewer
    assert "/taxonomies/" in [item.url for item in items_for(request)]
