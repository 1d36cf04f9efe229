"""HSDS import and export: a round trip loses nothing; a bad file changes nothing."""

import csv
import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from carenet.accounts.models import Organisation
from carenet.conftest import People, client_for
from carenet.core.models import AuditEntry
from carenet.directory.hsds import exchange as hsds_exchange
from carenet.directory.hsds import loader as hsds_loader
from carenet.directory.hsds.exchange import ImportFailed
from carenet.directory.models import SearchEntry, Service, ServiceArea, ServiceAtLocation, Site
from carenet.directory.tests.hsds_schemas import errors, schema_validator


def _normalised(doc: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(doc, sort_keys=True)
    data = json.loads(text)
    for service in data["services"]:
        service.pop("last_modified")
        service["organization"].pop("last_modified", None)
        for link in service.get("service_at_locations", []):
            link.get("service", {}).pop("last_modified", None)
    return data


def _wipe() -> None:
    ServiceAtLocation.objects.all().delete()
    ServiceArea.objects.all().delete()
    SearchEntry.objects.all().delete()
    Service.objects.all().delete()
    Site.objects.all().delete()


@pytest.fixture
def published(listing: dict, located_areas: dict) -> dict[str, Any]:
    service = listing["b_service"]
    ServiceArea.objects.create(service=service, area=located_areas["lviv_obl"])
    Service.objects.filter(pk=service.pk).update(
        schedule=[{"day": "MO", "opens": "09:00", "closes": "13:00"}],
        age_min=18,
        capacity_places=10,
        available_places=4,
        referral_required=True,
        sex="female",
        schedule_note="Closed on public holidays",
        email="cbt@beta.example",
        url="https://beta.example/cbt",
        free=False,
        fees="100 UAH",
    )
    from carenet.directory import indexing

    indexing.reindex_all()
    return listing


def test_the_json_export_validates_and_holds_no_confidential_site(published: dict) -> None:
    doc = client_for(None).get("/hsds/export/hsds.json").json()
    validator = schema_validator("compiled/service.json", strict=True)
    for service in doc["services"]:
        assert errors(validator, service) == []
    assert "Safe House" not in json.dumps(doc, ensure_ascii=False)
    assert {s["name"] for s in doc["services"]} == {"Self-Help Plus groups", "CBT for adults"}


def test_a_json_round_trip_loses_nothing(published: dict) -> None:
    before = hsds_exchange.export_json()
    _wipe()
    report = hsds_exchange.import_tables(hsds_exchange.read_json(json.dumps(before).encode()))
    assert report.created["service"] == 2 and report.created["location"] == 2
    assert _normalised(hsds_exchange.export_json()) == _normalised(before)
    cbt = Service.objects.get(name_en="CBT for adults")
    assert cbt.uuid == published["b_service"].uuid and cbt.sex == "female"
    assert cbt.schedule == [{"day": "MO", "opens": "09:00", "closes": "13:00"}]
    assert [a.area.pcode for a in cbt.areas.all()] == ["UA46"]
    assert SearchEntry.objects.filter(service=cbt).count() == 2  # its site and its area


def test_a_data_package_round_trip_loses_nothing(published: dict) -> None:
    before = hsds_exchange.export_json()
    package = client_for(None).get("/hsds/export/datapackage.zip")
    assert package["Content-Type"] == "application/zip"
    data = b"".join([package.content])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert {
            "datapackage.json",
            "services.csv",
            "locations.csv",
            "service_at_location.csv",
            "taxonomy_terms.csv",
        } <= set(zf.namelist())
        descriptor = json.loads(zf.read("datapackage.json"))
        assert descriptor["license"] or descriptor.get("licenses")
    _wipe()
    hsds_exchange.import_tables(hsds_exchange.read_zip(data))
    assert _normalised(hsds_exchange.export_json()) == _normalised(before)


def test_importing_twice_updates_in_place(published: dict) -> None:
    doc = json.dumps(hsds_exchange.export_json()).encode()
    report = hsds_exchange.import_tables(hsds_exchange.read_json(doc))
    assert report.updated["service"] == 2 and not report.created.get("service")
    assert Service.objects.count() == 3  # the confidential one is untouched
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_another_directory_can_be_loaded(people: People, located_areas: dict, terms: dict) -> None:
    org, loc, svc = (str(uuid.uuid4()) for _ in range(3))
    doc = {
        "contents": [
            {
                "id": svc,
                "name": "Walk-in counselling",
                "status": "active",
                "organization": {"id": org, "name": "Open Door Lviv", "description": "A charity"},
                "organization_id": org,
                "minimum_age": 16,
                "wait_time": "3 days",
                "cost_options": [{"id": str(uuid.uuid4()), "service_id": svc, "option": "Free"}],
                "languages": [{"id": str(uuid.uuid4()), "service_id": svc, "code": "uk"}],
                "service_at_locations": [
                    {
                        "id": str(uuid.uuid4()),
                        "service_id": svc,
                        "location_id": loc,
                        "location": {
                            "id": loc,
                            "location_type": "physical",
                            "name": "Open Door",
                            "latitude": 49.84,
                            "longitude": 24.03,
                            "addresses": [
                                {
                                    "id": str(uuid.uuid4()),
                                    "location_id": loc,
                                    "address_1": "vul. Franka 1",
                                    "city": "Lviv",
                                    "state_province": "",
                                    "postal_code": "79000",
                                    "country": "UA",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
            }
        ]
    }
    hsds_exchange.import_tables(hsds_exchange.flatten(doc))
    service = Service.objects.get(uuid=svc)
    assert service.organisation.name == "Open Door Lviv" and service.organisation.country == "UA"
    assert service.waiting_days == 3 and service.age_min == 16 and service.free
    assert [t.code for t in service.languages.all()] == ["uk"]
    site = Site.objects.get(uuid=loc)
    assert site.area == located_areas["lviv"]  # found from the coordinates
    assert site.address == "vul. Franka 1" and site.postal_code == "79000"


def _zip(tables: dict[str, list[dict[str, str]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, rows in tables.items():
            out = io.StringIO()
            fields = sorted({k for r in rows for k in r})
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
            zf.writestr(name, out.getvalue())
    return buffer.getvalue()


def test_a_bad_file_gets_row_errors_and_changes_nothing(published: dict, people: People) -> None:
    org = str(people.org_a.uuid)
    good_loc, bad_loc = str(uuid.uuid4()), str(uuid.uuid4())
    data = _zip(
        {
            "organizations.csv": [{"id": org, "name": "ALPHA", "description": "x"}],
            "locations.csv": [
                {
                    "id": good_loc,
                    "organization_id": org,
                    "name": "OK",
                    "location_type": "physical",
                    "external_identifier": "UA3208015",
                    "external_identifier_type": "ocha_pcode",
                },
                {
                    "id": bad_loc,
                    "organization_id": org,
                    "name": "Nowhere",
                    "location_type": "physical",
                    "external_identifier": "UA9999",
                    "latitude": "95",
                },
                {
                    "id": str(published["b_site"].uuid),
                    "organization_id": org,
                    "name": "Stolen",
                    "location_type": "physical",
                    "external_identifier": "UA4606025",
                },
            ],
            "services.csv": [
                {"id": "not-a-uuid", "organization_id": org, "name": "X", "status": "active"},
                {"id": str(uuid.uuid4()), "organization_id": org, "name": "Y", "status": "open"},
                {
                    "id": str(uuid.uuid4()),
                    "organization_id": str(uuid.uuid4()),
                    "name": "Z",
                    "status": "active",
                },
                {
                    "id": str(uuid.uuid4()),
                    "organization_id": org,
                    "name": "W",
                    "status": "active",
                    "email": "not an address",
                    "minimum_age": "-3",
                },
            ],
            "service_at_location.csv": [
                {"id": str(uuid.uuid4()), "service_id": str(uuid.uuid4()), "location_id": good_loc},
            ],
        }
    )
    before = (Service.objects.count(), Site.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ImportFailed) as failure:
        hsds_exchange.import_tables(hsds_exchange.read_zip(data))
    found = {(e.table, e.row, e.field) for e in failure.value.errors}
    assert ("location", 2, "external_identifier") in found or ("location", 2, "latitude") in found
    assert ("location", 3, "organization_id") in found  # belongs to BETA
    assert ("service", 1, "id") in found
    assert ("service", 2, "status") in found
    assert ("service", 3, "organization_id") in found
    assert ("service", 4, "minimum_age") in found or ("service", 4, "email") in found
    assert ("service_at_location", 1, "service_id") in found
    assert any(
        str(e).startswith("location row 3 (organization_id): ") for e in failure.value.errors
    )
    assert (Service.objects.count(), Site.objects.count(), AuditEntry.objects.count()) == before
    published["b_site"].refresh_from_db()
    assert published["b_site"].name_en == "Lviv Clinic"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("x.zip", b"not a zip"),
        ("x.json", b"{not json"),
        ("x.json", b"[1, 2]"),
        ("x.json", b'{"services": {"id": 1}}'),
        ("x.json", "\ufeff".encode() + b"\xff\xfe"),
        ("x.zip", None),
    ],
)
def test_malformed_files_are_refused(people: People, name: str, data: bytes | None) -> None:
    if data is None:
        data = _zip({"services.csv": [{"id": "1"}]})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("services.csv", b"\xff\xfe\x00bad")
        data = buffer.getvalue()
    with pytest.raises(ImportFailed) as failure:
        hsds_exchange.import_tables(hsds_exchange.read_file(name, data))
    assert failure.value.errors
    assert Organisation.objects.count() == 2 and Service.objects.count() == 0


def test_the_import_command_reports_errors(people: People, tmp_path: Any) -> None:
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.json"
    bad.write_text('{"services": [{"id": "x", "name": "A", "status": "active"}]}')
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("hsds_import", str(bad))


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("datapackage.json", '{"name": "x", "resources": []}'),
        ("empty_list.json", "[]"),
        ("tabular.json", '{"tables": {}}'),
    ],
)
def test_a_file_that_imports_nothing_says_why_and_fails(
    people: People, tmp_path: Any, name: str, body: str
) -> None:
    from django.core.management import CommandError, call_command

    path = tmp_path / name
    path.write_text(body)
    with pytest.raises(CommandError, match="Nothing was imported: the file holds no HSDS"):
        call_command("hsds_import", str(path), stdout=io.StringIO())


OFFICIAL = Path(__file__).parent / "fixtures" / "hsds"


def test_nested_official_objects_inherit_their_parents_ids() -> None:
    doc = json.loads((OFFICIAL / "service_full.json").read_text())
    tables = hsds_exchange.flatten(doc)
    service_id, org_id = doc["id"], doc["organization"]["id"]
    location = tables["location"][0]
    assert location["organization_id"] == org_id  # nested in the organization's locations
    assert tables["service"][0]["organization_id"] == org_id  # the service's organization
    link = tables["service_at_location"][0]
    assert (link["service_id"], link["location_id"]) == (service_id, location["id"])
    assert tables["address"][0]["location_id"] == location["id"]  # upstream's "addresss"
    assert tables["accessibility"][0]["location_id"] == location["id"]
    assert tables["cost_option"][0]["service_id"] == service_id
    assert tables["attribute"][0]["taxonomy_term_id"] == doc["attributes"][0]["taxonomy_term"]["id"]
    assert {r["id"] for r in tables["funding"]} == {doc["fundings"][0]["id"]}


def test_an_organizations_nested_services_are_its_services() -> None:
    doc = json.loads((OFFICIAL / "service_full.json").read_text())
    organization = {**doc["organization"], "services": [{"id": doc["id"], "name": "x"}]}
    tables = hsds_exchange.flatten({"organizations": [organization]})
    assert tables["service"][0]["organization_id"] == organization["id"]


def test_translations_and_hsds_fields_carenet_does_not_use_survive_a_round_trip(
    published: dict,
) -> None:
    kept = {
        "alternate_name": "Adult CBT",
        "interpretation_services": "Ukrainian sign language on request",
        "accreditations": "Ministry of Health licence",
        "licenses": "L-123",
        "alert": "Closed in August",
        "assurer_email": "checker@beta.example",
    }
    Service.objects.filter(pk=published["b_service"].pk).update(
        hsds_extra=kept,
        eligibility="Adults",
        eligibility_uk="Дорослі",
        eligibility_pl="Dorośli",
        how_to_apply_uk="Зателефонуйте",
        fees_pl="100 UAH za sesję",
    )
    before = hsds_exchange.export_json()
    exported = next(s for s in before["services"] if s["name"] == "CBT for adults")
    assert {k: exported[k] for k in kept} == kept
    validator = schema_validator("compiled/service.json", strict=True)
    assert errors(validator, exported) == []
    _wipe()
    hsds_exchange.import_tables(hsds_exchange.read_json(json.dumps(before).encode()))
    cbt = Service.objects.get(name_en="CBT for adults")
    assert cbt.hsds_extra == kept
    assert (cbt.eligibility_uk, cbt.eligibility_pl) == ("Дорослі", "Dorośli")
    assert (cbt.how_to_apply_uk, cbt.fees_pl) == ("Зателефонуйте", "100 UAH za sesję")
    assert _normalised(hsds_exchange.export_json()) == _normalised(before)
    with translation.override("uk"):
        assert cbt.translated("eligibility") == "Дорослі"
        assert cbt.translated("fees") == cbt.fees  # no Ukrainian text: the English one


def test_the_import_command_lists_every_field_it_does_not_keep(
    people: People, tmp_path: Any
) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("hsds_import", str(OFFICIAL / "service_full.json"), stdout=out)
    assert "not kept: " not in out.getvalue()  # every HSDS 3.0 field is used or kept
    doc = json.loads((OFFICIAL / "service_full.json").read_text())
    doc["phones"][0]["fax"] = "+1 555"  # not an HSDS field
    doc["contacts"][0]["phones"][0]["fax"] = "+1 555"
    path = tmp_path / "service.json"
    path.write_text(json.dumps(doc))
    out = io.StringIO()
    call_command("hsds_import", str(path), stdout=out)
    assert "not kept: phone: fax" in out.getvalue()
    tables = {"meta_table_description": [{"id": "m", "name": "services"}]}
    assert hsds_loader.unused_fields(tables) == {"meta_table_description": ["(the whole table)"]}


def _import(name: str, *args: str) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("hsds_import", str(OFFICIAL / name), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "service_name"),
    [("service_full.json", None), ("organization_full.json", "name")],
)
def test_official_examples_from_abroad_import_as_drafts_for_review(
    listing: dict, located_areas: dict, name: str, service_name: str | None
) -> None:
    doc = json.loads((OFFICIAL / name).read_text())
    service_id = doc["id"] if name == "service_full.json" else doc["services"][0]["id"]
    before = Organisation.objects.count()
    report = _import(name)  # no CommandError: exit code 0
    service = Service.objects.get(uuid=service_id)
    assert service.needs_review and service.review_note
    assert Organisation.objects.count() == before + 1
    assert "not used: organization" in report and "country" in report
    assert "latitude" in report or "external_identifier" in report
    assert "service_area" in report
    assert "kept as drafts for review" in report
    # what CareNet does not use is kept (`hsds.kept`), but values that are not of the type
    # HSDS 3.0 declares (the examples' schedule count is a date)
    assert "not used: schedule: schedule.count: not a number: not kept" in report
    assert "not kept: " not in report
    # not public: neither on the search page nor in the HSDS API
    client = client_for(None)
    assert client.get(f"/hsds/services/{service_id}").status_code == 404
    listed = client.get("/hsds/services", {"per_page": 100}).json()
    assert service_id not in {s["id"] for s in listed["contents"]}
    assert str(service_id) not in json.dumps(hsds_exchange.export_json())
    page = client.get("/services/", {"q": service.name_en}).content.decode()
    assert str(service.uuid) not in page
    assert not SearchEntry.objects.filter(service=service).exists()
    # a person places it and clears the flag: then it is public
    assert not Site.objects.filter(organisation=service.organisation).exists()  # no P-code
    ServiceArea.objects.create(service=service, area=located_areas["lviv_obl"])
    Service.objects.filter(pk=service.pk).update(needs_review=False)
    assert client.get(f"/hsds/services/{service_id}").status_code == 200


@pytest.mark.parametrize("name", ["service_full.json", "organization_full.json"])
def test_strict_refuses_an_official_example_from_abroad(listing: dict, name: str) -> None:
    from django.core.management import CommandError

    orgs, services = Organisation.objects.count(), Service.objects.count()
    with pytest.raises(CommandError, match="Nothing was imported"):
        _import(name, "--strict")
    assert (Organisation.objects.count(), Service.objects.count()) == (orgs, services)


def test_strict_import_tables_refuses_what_it_cannot_place(listing: dict) -> None:
    tables = hsds_exchange.read_json((OFFICIAL / "service_full.json").read_bytes())
    with pytest.raises(ImportFailed) as failure:
        hsds_exchange.import_tables(tables, strict=True)
    fields = {e.field for e in failure.value.errors}
    assert "country" in fields
    assert Service.objects.filter(needs_review=True).count() == 0


def test_an_administrator_sees_an_imported_draft_and_places_it(
    listing: dict, located_areas: dict, people: People
) -> None:
    from carenet.directory import services

    _import("service_full.json")
    draft = Service.objects.get(needs_review=True)
    url = f"/services/manage/{draft.uuid}/edit/"
    page = client_for(people.superuser).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Imported for review" in body and "service_area" in body
    assert client_for(people.org_admin).get(url).status_code in (403, 404)  # another org
    services.service_update(
        actor=people.superuser,
        service=draft,
        data={"needs_review": False},
        areas=[located_areas["lviv_obl"]],
    )
    assert client_for(None).get(f"/hsds/services/{draft.uuid}").status_code == 200
    assert SearchEntry.objects.filter(service=draft).exists()
