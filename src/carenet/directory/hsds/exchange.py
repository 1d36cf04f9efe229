"""HSDS 3.0 exchange: export the public directory as JSON or as a tabular data package (CSV +
`datapackage.json`), and import either format from another HSDS directory.

One path for both formats: JSON is flattened into HSDS tables (`flatten`), which is also what
the CSV files hold; `load_tables` checks every row first and writes only when no row has an
error, in one transaction (a bad file changes nothing).
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid as uuid_lib
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import translation

from carenet.core import spreadsheets
from carenet.directory.hsds import out as hsds_out
from carenet.directory.hsds import queries
from carenet.directory.hsds.api import HSDS_DIR
from carenet.directory.queries import public_services, public_sites

Tables = dict[str, list[dict[str, Any]]]
MAX_ROWS = 500_000

# nested arrays of an HSDS object -> the table their items go to
_CHILDREN: dict[str, dict[str, str | None]] = {
    "organization": {
        "locations": "location",
        "attributes": "attribute",
        "phones": "phone",
        "contacts": "contact",
        "services": "service",
        "funding": "funding",
        "fundings": "funding",
        "programs": "program",
        "organization_identifiers": "organization_identifier",
        "metadata": "metadata",
    },
    "location": {
        "addresses": "address",
        "addresss": "address",  # the spelling of the official 3.0 examples
        "accessibilitys": "accessibility",
        "phones": "phone",
        "contacts": "contact",
        "accessibility": "accessibility",
        "attributes": "attribute",
        "languages": "language",
        "schedules": "schedule",
    },
    "service": {
        "phones": "phone",
        "contacts": "contact",
        "schedules": "schedule",
        "service_areas": "service_area",
        "service_at_locations": "service_at_location",
        "languages": "language",
        "cost_options": "cost_option",
        "attributes": "attribute",
        "funding": "funding",
        "fundings": "funding",
        "required_documents": "required_document",
        "metadata": "metadata",
    },
    "contact": {"phones": "phone"},
    "phone": {"languages": "language"},
    "service_at_location": {
        "phones": "phone",
        "contacts": "contact",
        "schedules": "schedule",
        "attributes": "attribute",
    },
}
# nested single objects -> their table (or None: described elsewhere, drop)
_OBJECTS: dict[str, str | None] = {
    "organization": "organization",
    "location": "location",
    "service": None,
    "program": "program",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
    "taxonomy": "taxonomy",
}
# a nested single object is the row's parent: its id fills the row's `<key>_id`
_OBJECT_LINKS = {
    "organization": "organization_id",
    "location": "location_id",
    "program": "program_id",
    "taxonomy_term": "taxonomy_term_id",
    "taxonomy": "taxonomy_id",
    "taxonomy_detail": "taxonomy_id",
}


@dataclass(frozen=True)
class RowError:
    """One problem in one row: `row` counts data rows from 1 (CSV line = row + 1)."""

    table: str
    row: int
    field: str
    message: str
    id: str = ""

    def __str__(self) -> str:
        where = f"{self.table} row {self.row}" if self.row else self.table
        return f"{where}{f' ({self.field})' if self.field else ''}: {self.message}"


class ImportFailed(Exception):
    """The file was refused; nothing was changed. `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # what the import could not use (kept as drafts for review when not strict)
    problems: list[RowError] = field(default_factory=list)
    review: dict[str, int] = field(default_factory=lambda: defaultdict(int))


# --- export ---------------------------------------------------------------------------------


def export_json() -> dict[str, Any]:
    """The whole public directory as one HSDS JSON document (in English, with the other
    languages as `carenet:` attributes)."""
    from carenet.directory.hsds.api import _render_organisations

    with translation.override("en"):
        orgs = list(
            queries.organisations().filter(
                Q(pk__in=public_sites().values("organisation"))
                | Q(pk__in=public_services().values("organisation"))
            )
        )
        services = list(queries.services_queryset())
        regions = hsds_out.region_names(
            lk.site.area.path for s in services for lk in getattr(s, "public_links", [])
        )
        return {
            "hsds_version": hsds_out.HSDS_VERSION,
            "profile": f"carenet-mhpss/{hsds_out.PROFILE_VERSION}",
            "organizations": _render_organisations(orgs, full=True, full_service=False),
            "services": [hsds_out.service(s, language="en", regions=regions) for s in services],
            "taxonomies": [hsds_out.taxonomy(s) for s in queries.schemes()],
            "taxonomy_terms": [hsds_out.taxonomy_term(t) for t in queries.terms()],
        }


def _datapackage() -> dict[str, Any]:
    return json.loads((HSDS_DIR / "datapackage.json").read_text())


def export_descriptor() -> dict[str, Any]:
    """The official descriptor, with the two constraints that no directory of several
    taxonomies or programs can meet dropped (see SOURCE.md): `taxonomy_term.code` is unique
    within a taxonomy, not across taxonomies, and an organization may run several programs."""
    package = _datapackage()
    for resource in package["resources"]:
        for spec in resource["schema"]["fields"]:
            if (resource["name"], spec["name"]) in (
                ("taxonomy_term", "code"),
                ("program", "organization_id"),
            ):
                spec.get("constraints", {}).pop("unique", None)
    package["title"] = "CareNet MHPSS service directory (HSDS 3.0)"
    return package


def flatten(doc: Any) -> Tables:
    """HSDS JSON (our export, an API page, a list of services or one service) as tables."""
    tables: Tables = defaultdict(list)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    if isinstance(doc, list):
        doc = {"services": doc}
    elif isinstance(doc, dict) and "contents" in doc:
        doc = {"services": doc["contents"]}
    elif isinstance(doc, dict) and "status" in doc and "name" in doc:
        doc = {"services": [doc]}
    elif isinstance(doc, dict) and "id" in doc and "name" in doc:
        doc = {"organizations": [doc]}  # one organization, its services nested in it
    if not isinstance(doc, dict):
        raise ImportFailed([RowError("file", 0, "", "not an HSDS JSON document")])
    for key, table in (
        ("taxonomies", "taxonomy"),
        ("taxonomy_terms", "taxonomy_term"),
        ("organizations", "organization"),
        ("services", "service"),
    ):
        items = doc.get(key) or []
        if not isinstance(items, list):
            raise ImportFailed([RowError(table, 0, "", f"{key} must be a list")])
        for item in items:
            _add(tables, seen, table, item)
    return dict(tables)


def _add(
    tables: Tables,
    seen: dict[tuple[str, str], dict[str, Any]],
    table: str,
    obj: Any,
    parent: tuple[str, Any] | None = None,
) -> None:
    """Add `obj` and its nested objects as rows. A nested item inherits its parent's id
    (a location inside an organization gets `organization_id`), and a nested single object
    (a service's `organization`, a link's `location`) gives the row its id."""
    if not isinstance(obj, dict):
        tables.setdefault(table, []).append({"__invalid__": True})
        return
    row: dict[str, Any] = {}
    if parent is not None and parent[1] not in (None, ""):
        if table == "attribute":  # attributes point at any row through link_id
            row.update(link_id=parent[1], link_entity=parent[0])
        elif table == "metadata":  # so does metadata, through resource_id
            row.update(resource_id=parent[1], resource_type=parent[0])
        else:
            row[f"{parent[0]}_id"] = parent[1]
    for key, value in obj.items():
        if isinstance(value, list):
            child = _CHILDREN.get(table, {}).get(key)
            if child is not None:
                for item in value:
                    _add(tables, seen, child, item, (table, obj.get("id")))
        elif isinstance(value, dict):
            child = _OBJECTS.get(key)
            if child:
                _add(tables, seen, child, value)
                link = _OBJECT_LINKS.get(key)
                if link and value.get("id") not in (None, "") and not obj.get(link):
                    row[link] = value["id"]
        else:
            row[key] = value
    key = (table, str(row.get("id", "")))
    if row.get("id") and key in seen:
        # the same row nested twice (a location under its organization and under a
        # service): one row, with the links each place gave it
        for name, value in row.items():
            seen[key].setdefault(name, value)
        return
    seen[key] = row
    tables.setdefault(table, []).append(row)


def export_zip() -> bytes:
    """The public directory as an HSDS tabular data package (zip of CSVs + descriptor)."""
    tables = flatten(export_json())
    package = export_descriptor()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for resource in package["resources"]:
            names = [f["name"] for f in resource["schema"]["fields"]]
            out = io.StringIO()
            writer = spreadsheets.CsvDictWriter(out, names, lineterminator="\n")
            writer.writeheader()
            times = [f["name"] for f in resource["schema"]["fields"] if f.get("type") == "time"]
            for row in tables.get(resource["name"], []):
                writer.writerow(_with_seconds(row, times))
            zf.writestr(resource["path"], out.getvalue())
        zf.writestr("datapackage.json", json.dumps(package, indent=2, ensure_ascii=False))
    return buffer.getvalue()


def _with_seconds(row: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Times as HH:MM:SS, the form the descriptor's `time` type reads (JSON has HH:MM)."""
    changed = {
        n: f"{row[n]}:00"
        for n in names
        if isinstance(row.get(n), str) and re.fullmatch(r"\d{2}:\d{2}", row[n])
    }
    return {**row, **changed} if changed else row


# --- reading files ----------------------------------------------------------------------------


def read_zip(data: bytes) -> Tables:
    """Tables from a tabular data package (zip); the descriptor's paths, else the defaults."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ImportFailed([RowError("file", 0, "", "not a zip file")]) from exc
    with zf:
        names = {Path(n).name: n for n in zf.namelist() if not n.endswith("/")}
        package = _datapackage()
        if "datapackage.json" in names:
            try:
                package = json.loads(zf.read(names["datapackage.json"]))
                resources = {r["name"]: Path(r["path"]).name for r in package["resources"]}
            except (ValueError, KeyError, TypeError) as exc:
                raise ImportFailed(
                    [RowError("datapackage.json", 0, "", "not a valid data package descriptor")]
                ) from exc
        else:
            resources = {r["name"]: Path(r["path"]).name for r in package["resources"]}
        tables: Tables = {}
        for table, filename in resources.items():
            if filename in names:
                tables[table] = _read_csv(table, zf.read(names[filename]))
        return tables


def _read_csv(table: str, raw: bytes) -> list[dict[str, Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(table, 0, "", "not UTF-8 text")]) from exc
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise ImportFailed([RowError(table, 0, "", f"not valid CSV: {exc}")]) from exc
    if len(rows) > MAX_ROWS:
        raise ImportFailed([RowError(table, 0, "", f"more than {MAX_ROWS} rows")])
    return [
        {k: spreadsheets.restore_cell(v) for k, v in row.items() if k and v not in (None, "")}
        for row in rows
    ]


def read_json(data: bytes) -> Tables:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportFailed([RowError("file", 0, "", "not valid JSON")]) from exc
    return flatten(doc)


def read_file(name: str, data: bytes) -> Tables:
    return read_zip(data) if name.lower().endswith(".zip") else read_json(data)


@transaction.atomic
def import_tables(
    tables: Tables, *, actor: Any = None, strict: bool = True, country: str = "UA"
) -> ImportReport:
    """Check every row, then write (see `loader.Loader`); raises ImportFailed.

    `strict=False` keeps what cannot be placed in Ukraine or Poland (a US address, a UPRN, a
    GeoJSON extent, a latitude out of range) as drafts for review instead of refusing the file;
    organisations with no UA/PL country are created under `country`."""
    from carenet.directory.hsds.loader import Loader

    return Loader(tables, actor=actor, strict=strict, country=country).run()


def iter_ids(rows: Iterable[dict[str, Any]]) -> list[str]:
    return [str(r.get("id", "")) for r in rows]


def is_uuid(value: Any) -> bool:
    try:
        uuid_lib.UUID(str(value))
    except ValueError:
        return False
    return True
