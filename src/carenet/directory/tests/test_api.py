"""Our own JSON API: public search, listing updates by their organisation only, and a
schemathesis run over its OpenAPI that must find no server error."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

from carenet.conftest import People, client_for
from carenet.core.models import AuditEntry
from carenet.wsgi import application

schema = schemathesis.openapi.from_wsgi("/services/api/openapi.json", application)


def test_the_openapi_document_is_published_at_a_stable_url(db: None) -> None:
    spec = client_for(None).get("/services/api/openapi.json").json()
    assert spec["info"]["title"] == "CareNet directory API"
    assert {
        "/services/api/search",
        "/services/api/services/{service_id}",
        "/services/api/mine",
    } <= set(spec["paths"])


def test_search_api_uses_the_same_engine(listing: dict) -> None:
    body = (
        client_for(None)
        .get("/services/api/search", {"q": "кпт", "lat": 49.84, "lon": 24.03})
        .json()
    )
    assert [m["name"] for m in body] == ["CBT for adults"]
    assert body[0]["distance_km"] == pytest.approx(0, abs=0.1)
    assert body[0]["site"]["pcode"] == "UA4606025"
    everything = client_for(None).get("/services/api/search", {"limit": 100}).content
    assert b"Safe House" not in everything and b"Shelter" not in everything


def test_service_detail_api(listing: dict) -> None:
    body = client_for(None).get(f"/services/api/services/{listing['a_service'].uuid}").json()
    assert body["languages"] == ["uk"] and body["layer"] == "3"
    hidden = client_for(None).get(f"/services/api/services/{listing['shelter_service'].uuid}")
    assert hidden.status_code == 404


def test_a_focal_point_updates_own_listing_by_api(listing: dict, people: People) -> None:
    service = listing["a_service"]
    response = client_for(people.focal_point).patch(
        f"/services/api/services/{service.uuid}",
        {"waiting_days": 0, "verified": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["waiting_days"] == 0
    service.refresh_from_db()
    assert service.waiting_days == 0
    entries = AuditEntry.objects.filter(object_id=str(service.uuid)).values_list(
        "changes", flat=True
    )
    assert ["waiting_days"] in list(entries) and ["last_verified"] in list(entries)


@pytest.mark.parametrize(
    "persona", ["focal_point", "org_admin", "viewer", "coordinator", "anonymous"]
)
def test_nobody_outside_the_organisation_updates_its_listing_by_api(
    listing: dict, people: People, persona: str
) -> None:
    service = listing["b_service"]
    response = client_for(people.all()[persona]).patch(
        f"/services/api/services/{service.uuid}",
        {"status": "inactive"},
        content_type="application/json",
    )
    assert response.status_code in (401, 404)
    service.refresh_from_db()
    assert service.status == "active"


def test_bad_api_input_is_422_not_500(listing: dict, people: People) -> None:
    client = client_for(people.focal_point)
    url = f"/services/api/services/{listing['a_service'].uuid}"
    assert (
        client.patch(url, {"waiting_days": -1}, content_type="application/json").status_code == 422
    )
    assert client.patch(url, "{oops", content_type="application/json").status_code in (400, 422)
    assert client.get("/services/api/search", {"lat": 100}).status_code == 422
    assert client.get("/services/api/services/not-a-uuid").status_code == 422


def test_mine_lists_only_my_organisations_services(listing: dict, people: People) -> None:
    body = client_for(people.focal_point).get("/services/api/mine").json()
    assert [s["name_en"] for s in body] == ["Self-Help Plus groups"]
    assert client_for(None).get("/services/api/mine").status_code == 401


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Calls through the WSGI app keep the test's database connection, as Django's test
    client does (otherwise request_finished closes it inside the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _session_cookie(user: Any) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_finds_no_server_error(
    case: Any, listing: dict, people: People, keep_connection: None
) -> None:
    response = case.call(cookies=_session_cookie(people.focal_point))
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
