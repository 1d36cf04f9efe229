"""The official HSDS 3.0 examples come back field by field: imported, exported again (JSON,
the HSDS API and the tabular data package), every field of the original is there with its
value, but for the exceptions listed below with their reasons."""

from __future__ import annotations

import copy
import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest

from carenet.accounts.models import Organisation
from carenet.conftest import client_for
from carenet.directory.hsds import exchange as hsds_exchange
from carenet.directory.models import Service, Site
from carenet.geo.models import AdminArea

OFFICIAL = Path(__file__).parent / "fixtures" / "hsds"

# Keys the official examples spell otherwise than the HSDS 3.0 schemas CareNet writes.
RENAMED = {
    "addresss": "addresses",
    "accessibilitys": "accessibility",
    "fundings": "funding",
}
# Fields that do not come back as they came, and why (paths: `*` stands for any key or index).
EXCEPTIONS = {
    # CareNet places every address by the P-code of its location: the country and oblast are
    # those of the area, whatever the file said
    "*.addresses.*.country": "country of the location's P-code",
    "*.addresses.*.state_province": "oblast (or voivodeship) of the location's P-code",
    # HSDS 3.0 has `taxonomy_term.taxonomy` as the taxonomy's name and the object under
    # `taxonomy_detail`; the examples nest the object under `taxonomy`, which is kept and
    # written back under `taxonomy_detail` (compared there)
    "*.attributes.*.taxonomy_term.taxonomy": "object written as taxonomy_detail",
    # values of another type than HSDS 3.0 declares are reported by the import and not kept
    # (the data package must validate against its descriptor)
    "*.schedules.*.count": "the examples' count is a date; HSDS 3.0 declares a number",
    "*.cost_options.*.valid_from": "the examples' valid_from is not a date",
    "*.cost_options.*.valid_to": "the examples' valid_to is not a date",
    "*.schedules.*.wkst": "the examples' TUE is not one of HSDS 3.0's MO, TU, ... SU",
}
# The examples' places are outside Ukraine and Poland (latitude 100, extent "extent"): the
# test gives every location a P-code and coordinates, and every service area a P-code, of the
# test gazetteer, as a person placing the imported drafts would; those values must come back.
PCODE, AREA_PCODE = "UA4606025", "UA46"
# Only in the data package: the examples give numbers where HSDS 3.0 declares text, and a
# CSV file carries text; times are written HH:MM:SS, as the descriptor's `time` type reads
AS_TEXT_IN_CSV = {
    "*.schedules.*.bymonthday",
    "*.schedules.*.byyearday",
    "*.schedules.*.opens_at",
    "*.schedules.*.closes_at",
}


def _placed(doc: Any, area: AdminArea) -> Any:
    doc = copy.deepcopy(doc)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "location_type" in node:  # a location
                node.update(
                    external_identifier=PCODE,
                    external_identifier_type="ocha_pcode",
                    latitude=area.lat,
                    longitude=area.lon,
                )
            if "extent" in node:  # a service area
                node["extent"] = AREA_PCODE
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    return doc


def _excepted(path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in EXCEPTIONS)


def differences(
    original: Any, exported: Any, path: str = "", *, loose: frozenset[str] = frozenset()
) -> list[str]:
    """Where `exported` lacks a field of `original` or holds another value (recursively;
    list items are matched by id). Exported fields the original does not have are fine."""
    if _excepted(path):
        return []
    if isinstance(original, dict):
        if not isinstance(exported, dict):
            return [f"{path}: not an object"]
        out = []
        for key, value in original.items():
            name = RENAMED.get(key, key)
            if key == "taxonomy" and isinstance(value, dict):
                name = "taxonomy_detail"
            if name not in exported:
                if not _excepted(f"{path}.{name}"):
                    out.append(f"{path}.{key}: missing")
                continue
            out += differences(value, exported[name], f"{path}.{name}", loose=loose)
        return out
    if isinstance(original, list):
        if not isinstance(exported, list):
            return [f"{path}: not a list"]
        out = []
        for i, item in enumerate(original):
            if isinstance(item, dict) and "id" in item:
                match = [e for e in exported if isinstance(e, dict) and e.get("id") == item["id"]]
                if not match:
                    out.append(f"{path}.{i}: no item with id {item['id']}")
                    continue
                out += differences(item, match[0], f"{path}.{i}", loose=loose)
            elif item not in exported:
                out.append(f"{path}.{i}: {item!r} missing")
        return out
    if any(fnmatch.fnmatchcase(path, p) for p in loose):
        same = str(exported) in (str(original), f"{original}:00")
        return [] if same else [f"{path}: {exported!r} != {original!r}"]
    if original != exported:
        return [f"{path}: {exported!r} != {original!r}"]
    return []


def _import(doc: Any) -> None:
    """Import as drafts (the organisation has no UA/PL country), then place and publish them
    as a person would."""
    tables = hsds_exchange.read_json(json.dumps(doc).encode())
    hsds_exchange.import_tables(tables, strict=False, country="UA")
    Service.objects.update(needs_review=False)
    Site.objects.update(needs_review=False)


def _exported_service(doc: dict[str, Any], service_id: str) -> dict[str, Any]:
    return next(s for s in doc["services"] if s["id"] == service_id)


def _exported_org(doc: dict[str, Any], org_id: str) -> dict[str, Any]:
    return next(o for o in doc["organizations"] if o["id"] == org_id)


def _service_differences(original: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    """A service, and its organization compared with the organization export (a service
    carries its organization in brief: without the organization's lists)."""
    service = _exported_service(doc, original["id"])
    found = differences({k: v for k, v in original.items() if k != "organization"}, service)
    if "organization" in original:
        org = original["organization"]
        found += differences(org, _exported_org(doc, org["id"]), ".organization")
    return found


def _org_differences(original: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    """An organization, and its nested services compared with the full service export."""
    org = _exported_org(doc, original["id"])
    found = differences({k: v for k, v in original.items() if k != "services"}, org)
    for i, service in enumerate(original.get("services", [])):
        found += [
            f".services.{i}{d}" for d in differences(service, _exported_service(doc, service["id"]))
        ]
    return found


@pytest.fixture
def official(located_areas: dict[str, AdminArea]) -> dict[str, Any]:
    area = located_areas["lviv"]
    return {
        name: _placed(json.loads((OFFICIAL / name).read_text()), area)
        for name in ("service_full.json", "organization_full.json")
    }


def test_it_gives_back_every_field_of_the_official_service(official: dict[str, Any]) -> None:
    original = official["service_full.json"]
    _import(original)
    assert _service_differences(original, hsds_exchange.export_json()) == []


def test_it_gives_back_every_field_of_the_official_organization(
    official: dict[str, Any],
) -> None:
    original = official["organization_full.json"]
    _import(original)
    assert _org_differences(original, hsds_exchange.export_json()) == []


def test_the_hsds_api_gives_back_every_field_of_the_official_service(
    official: dict[str, Any],
) -> None:
    original = official["service_full.json"]
    _import(original)
    client = client_for(None)
    service = client.get(f"/hsds/services/{original['id']}").json()
    rest = {k: v for k, v in original.items() if k != "organization"}
    assert differences(rest, service) == []
    org = original["organization"]
    exported_org = client.get(f"/hsds/organizations/{org['id']}").json()
    assert differences(org, exported_org) == []
    # the organization nested in the service: its fields, in brief
    brief = {k: v for k, v in org.items() if not isinstance(v, list)}
    assert differences(brief, service["organization"]) == []


@pytest.mark.parametrize("name", ["service_full.json", "organization_full.json"])
def test_the_data_package_gives_back_every_field_of_the_official_examples(
    official: dict[str, Any], name: str
) -> None:
    original = official[name]
    _import(original)
    package = hsds_exchange.export_zip()
    Organisation.objects.filter(uuid=_org_id(original)).delete()  # its sites and services too
    assert not Service.objects.exists()
    hsds_exchange.import_tables(hsds_exchange.read_zip(package), strict=False, country="UA")
    Service.objects.update(needs_review=False)
    Site.objects.update(needs_review=False)
    doc = hsds_exchange.export_json()
    loose = frozenset(AS_TEXT_IN_CSV)
    if name == "service_full.json":
        service = _exported_service(doc, original["id"])
        rest = {k: v for k, v in original.items() if k != "organization"}
        found = differences(rest, service, loose=loose)
        org = original["organization"]
        found += differences(org, _exported_org(doc, org["id"]), ".organization", loose=loose)
    else:
        org = _exported_org(doc, original["id"])
        rest = {k: v for k, v in original.items() if k != "services"}
        found = differences(rest, org, loose=loose)
        for service in original["services"]:
            found += differences(service, _exported_service(doc, service["id"]), loose=loose)
    assert found == []


def _org_id(doc: dict[str, Any]) -> str:
    return doc["organization"]["id"] if "organization" in doc else doc["id"]


def test_a_field_that_does_not_come_back_is_found() -> None:
    """The comparison itself: a missing field, another value, a missing list item."""
    original = {"a": 1, "phones": [{"id": "p", "number": "1", "extension": 2}]}
    assert differences(original, {"a": 1, "phones": [{"id": "p", "number": "1"}]}) == [
        ".phones.0.extension: missing"
    ]
    assert differences(original, {"a": 2, "phones": []}) == [
        ".a: 2 != 1",
        ".phones.0: no item with id p",
    ]
    assert differences(original, {**original, "more": True}) == []


def test_a_kept_row_goes_when_a_person_changes_what_carenet_took_from_it(
    official: dict[str, Any],
) -> None:
    """The imported phone's extension described the imported number: after a person changes
    the number, CareNet's phone is written alone; rows CareNet took nothing from stay."""
    original = official["service_full.json"]
    _import(original)
    Site.objects.update(phone="+380 32 000 0000")
    Service.objects.update(schedule=[{"day": "MO", "opens": "09:00", "closes": "12:00"}])
    doc = hsds_exchange.export_json()
    location = _exported_org(doc, original["organization"]["id"])["locations"][0]
    assert [(p["number"], p.get("extension")) for p in location["phones"]] == [
        ("+380 32 000 0000", None)
    ]
    assert location["contacts"][0]["title"] == "title"  # its e-mail is unchanged
    service = _exported_service(doc, original["id"])
    hours = [(s.get("byday"), s.get("opens_at")) for s in service["schedules"]]
    assert ("MO", "09:00") in hours and ("byday", "20:20") in hours  # unreadable: kept whole


def test_a_kept_value_must_be_of_its_hsds_type() -> None:
    from carenet.directory.hsds import kept

    assert kept.typed("phone", "extension", "100") == 100
    with pytest.raises(kept.Untyped):
        kept.typed("schedule", "count", "2005-01-01")
    with pytest.raises(kept.Untyped):
        kept.typed("schedule", "wkst", "TUE")
    with pytest.raises(kept.BadExtra):
        kept.check("service", {"phones": [{"id": "p", "fax": "1"}]})
    with pytest.raises(kept.BadExtra):
        kept.check("service", {"alternate_name": {"nested": True}})
    assert kept.check("service", {"phones": [{"id": "p", "number": "1"}]})
