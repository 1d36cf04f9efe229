"""Every HSDS endpoint validates against the official HSDS 3.0 schemas (offline)."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carenet.conftest import People, client_for
from carenet.directory.hsds import out as hsds_out
from carenet.directory.models import ServiceArea
from carenet.directory.tests.hsds_schemas import errors, response_validator, schema_validator

FULL_ITEM = {
    "/services": "compiled/service.json",
    "/service_at_locations": "compiled/service_at_location.json",
    "/organizations": "compiled/organization.json",
}


def get(url: str, **params: Any) -> Any:
    response = client_for(None).get(url, params)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def assert_valid(path: str, body: Any, *, full: bool = False) -> None:
    """Valid against the OpenAPI response schema; also strictly (no unknown properties)
    against the item schema, the fully nested one when `full` was asked."""
    assert errors(response_validator(path), body) == []
    if "contents" in body and full:
        item = schema_validator(FULL_ITEM[path], strict=True)
        for obj in body["contents"]:
            assert errors(item, obj) == []
    elif full is False:
        assert errors(response_validator(path, strict=True), body) == []


@pytest.fixture
def hsds(listing: dict, people: People, located_areas: dict) -> dict[str, Any]:
    ServiceArea.objects.create(service=listing["b_service"], area=located_areas["lviv_obl"])
    link = listing["a_service"].at_locations.get()
    return {**listing, "link": link, "org": people.org_a}


def test_root_declares_version_profile_and_openapi(hsds: dict) -> None:
    body = get("/hsds/")
    assert_valid("/", body)
    assert body["version"] == "3.0"
    assert body["profile"].endswith("/hsds/profile/")
    profile = get("/hsds/profile/")
    assert profile["name"] == "CareNet MHPSS" and profile["uri"] == body["profile"]
    spec = get("/hsds/openapi.json")
    sal = spec["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    assert sal["content"]["application/json"]["schema"]["$ref"].endswith(
        "compiled/service_at_location.json"
    )
    assert spec["paths"]["/taxonomy_terms"]["get"]["operationId"] == (
        "getPaginatedListOfTaxonomyTerms"
    )


@pytest.mark.parametrize(
    "params",
    [{}, {"full": "true"}, {"minimal": "true"}, {"search": "кпт"}, {"per_page": "1", "page": "2"}],
)
def test_services_list(hsds: dict, params: dict) -> None:
    body = get("/hsds/services", **params)
    assert_valid("/services", body, full=params.get("full") == "true")
    assert body["total_items"] == (1 if "search" in params else 2)
    if "page" in params:
        assert body["page_number"] == 2 and body["size"] == 1 and body["last_page"]
        assert not body["first_page"] and body["total_pages"] == 2


def test_services_filters(hsds: dict, terms: dict, people: People) -> None:
    layer = hsds_out.term_id(terms["pyramid-layer"]["4"])
    assert [s["name"] for s in get("/hsds/services", taxonomy_term_id=layer)["contents"]] == [
        "CBT for adults"
    ]
    scheme = hsds_out.scheme_id(terms["intervention"]["shp"].scheme)
    assert get("/hsds/services", taxonomy_id=scheme)["total_items"] == 2
    only_a = get("/hsds/services", organization_id=str(people.org_a.uuid))
    assert [s["name"] for s in only_a["contents"]] == ["Self-Help Plus groups"]
    assert get("/hsds/services", modified_after="2999-01-01T00:00:00Z")["empty"] is True
    assert get("/hsds/services", modified_after="2000-01-01")["total_items"] == 2


def test_services_as_ndjson_stream_every_item(hsds: dict) -> None:
    response = client_for(None).get("/hsds/services", {"format": "ndjson", "full": "true"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2
    validator = schema_validator("compiled/service.json", strict=True)
    for line in lines:
        assert errors(validator, json.loads(line)) == []


def test_service_detail_is_fully_nested(hsds: dict) -> None:
    body = get(f"/hsds/services/{hsds['b_service'].uuid}")
    assert_valid("/services/{id}", body)
    assert body["status"] == "active" and body["wait_time"] == "14 days"
    assert body["service_areas"][0]["extent"] == "UA46"
    links = {a["link_type"]: a for a in body["attributes"]}
    assert links["pyramid-layer"]["taxonomy_term"]["code"] == "4"
    assert links["carenet:name_uk"]["value"] == "КПТ для дорослих"
    assert body["service_at_locations"][0]["location"]["external_identifier"] == "UA4606025"


def test_names_follow_the_requested_language(hsds: dict) -> None:
    response = client_for(None).get(
        f"/hsds/services/{hsds['b_service'].uuid}", headers={"Accept-Language": "uk"}
    )
    assert response.json()["name"] == "КПТ для дорослих"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"full": "true"},
        {"postcode": "UA4606025"},
        {"postcode": "UA3208015", "proximity": "5000"},
    ],
)
def test_service_at_locations(hsds: dict, params: dict) -> None:
    body = get("/hsds/service_at_locations", **params)
    assert_valid("/service_at_locations", body, full=params.get("full") == "true")
    expected = {"postcode": 1, "proximity": 1}.get(list(params)[-1] if params else "", 2)
    assert body["total_items"] == expected


def test_proximity_leaves_out_far_sites(hsds: dict) -> None:
    body = get("/hsds/service_at_locations", postcode="UA4606025", proximity="1000")
    assert [c["service"]["name"] for c in body["contents"]] == ["CBT for adults"]


def test_service_at_location_detail_follows_the_schema_not_the_defect(hsds: dict) -> None:
    body = get(f"/hsds/service_at_locations/{hsds['link'].uuid}")
    assert_valid("/service_at_locations/{id}", body)
    assert body["service"]["name"] == "Self-Help Plus groups"
    assert body["location"]["name"] == "Irpin Resilience Centre"


@pytest.mark.parametrize(
    "params", [{}, {"full": "true"}, {"full_service": "true"}, {"search": "alpha"}]
)
def test_organizations(hsds: dict, params: dict) -> None:
    body = get("/hsds/organizations", **params)
    full = bool(params) and "search" not in params
    assert_valid("/organizations", body, full=full)
    assert body["total_items"] == (1 if "search" in params else 2)


def test_organization_detail(hsds: dict) -> None:
    body = get(f"/hsds/organizations/{hsds['org'].uuid}")
    assert_valid("/organizations/{id}", body)
    assert [loc["name"] for loc in body["locations"]] == ["Irpin Resilience Centre"]
    nested = get(f"/hsds/organizations/{hsds['org'].uuid}", full_service="true")
    assert errors(schema_validator("compiled/organization.json", strict=True), nested) == []
    assert nested["services"][0]["service_at_locations"]


def test_taxonomies_and_terms(hsds: dict, terms: dict) -> None:
    body = get("/hsds/taxonomies")
    assert_valid("/taxonomies", body)
    codes = {t["name"] for t in body["contents"]}
    assert {"iasc-4w", "pyramid-layer", "intervention", "language"} <= codes
    scheme = terms["iasc-4w"]["3.1"].scheme
    one = get(f"/hsds/taxonomies/{hsds_out.scheme_id(scheme)}")
    assert_valid("/taxonomies/{id}", one)
    listed = get("/hsds/taxonomy_terms", taxonomy_id=hsds_out.scheme_id(scheme), top_only="true")
    assert_valid("/taxonomy_terms", listed)
    assert {t["code"] for t in listed["contents"]} == {"3.1", "4.3"}
    assert get("/hsds/taxonomy_terms", search="Self-Help")["total_items"] == 1
    term = get(f"/hsds/taxonomy_terms/{hsds_out.term_id(terms['intervention']['cbt'])}")
    assert_valid("/taxonomy_terms/{id}", term)
    assert term["taxonomy"] == "intervention"


def test_confidential_sites_never_appear(hsds: dict) -> None:
    shelter, service = str(hsds["shelter"].uuid), str(hsds["shelter_service"].uuid)
    client = client_for(None)
    for url in (
        "/hsds/services?full=true",
        "/hsds/service_at_locations?full=true",
        "/hsds/organizations?full=true&full_service=true",
        f"/hsds/organizations/{hsds['b_service'].organisation.uuid}?full_service=true",
        "/hsds/export/hsds.json",
    ):
        body = client.get(url).content.decode()
        assert shelter not in body and service not in body and "Safe House" not in body
    assert client.get(f"/hsds/services/{service}").status_code == 404
    link = hsds["shelter_service"].at_locations.get().uuid
    assert client.get(f"/hsds/service_at_locations/{link}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/hsds/services?page=0",
        "/hsds/services?page=x",
        "/hsds/services?per_page=100000",
        "/hsds/services?full=maybe",
        "/hsds/services?format=xml",
        "/hsds/services?organization_id=nope",
        "/hsds/services?modified_after=yesterday",
        "/hsds/services/not-a-uuid",
        "/hsds/service_at_locations?proximity=10",
        "/hsds/service_at_locations?postcode=UA32&proximity=far",
    ],
)
def test_bad_parameters_are_400(hsds: dict, url: str) -> None:
    response = client_for(None).get(url)
    assert response.status_code == 400 and "detail" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/hsds/services/00000000-0000-0000-0000-000000000000",
        "/hsds/organizations/00000000-0000-0000-0000-000000000000",
        "/hsds/service_at_locations/00000000-0000-0000-0000-000000000000",
        "/hsds/taxonomies/00000000-0000-0000-0000-000000000000",
        "/hsds/taxonomy_terms/00000000-0000-0000-0000-000000000000",
    ],
)
def test_unknown_ids_are_404(hsds: dict, url: str) -> None:
    assert client_for(None).get(url).status_code == 404


def test_pages_run_a_fixed_number_of_queries(hsds: dict) -> None:
    client = client_for(None)
    with CaptureQueriesContext(connection) as small:
        client.get("/hsds/services", {"full": "true", "per_page": "1"})
    with CaptureQueriesContext(connection) as large:
        client.get("/hsds/services", {"full": "true", "per_page": "50"})
    assert len(large.captured_queries) == len(small.captured_queries)
