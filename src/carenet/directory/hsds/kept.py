"""The HSDS 3.0 fields CareNet's tables do not use: kept on import, written back on export.

`hsds_extra` (on `Service`, `Site`, `ServiceAtLocation`, `ServiceArea` and
`OrganisationHsds`) holds, for one HSDS object, `{HSDS field: value}`:

* a field CareNet has no column for (`alternate_name`, `tax_id`, `licenses`...), typed as the
  data package descriptor declares it (a number read from CSV is a number again);
* a nested object (`program`) or a list of nested rows (`phones`, `contacts`, `schedules`,
  `funding`, `metadata`...) as they came, nested again as in HSDS JSON (a contact with its
  phones, a phone with its languages) and without the link ids that nesting implies.

A kept row CareNet took a value from (the first phone's number, a schedule's opening hours,
the accessibility text) carries `_carenet`: that value as it was imported. On export the row
is merged with the row CareNet writes while CareNet still holds the same value; once a person
has changed or removed it, the kept row is left out, since it described the old value. Kept
rows without `_carenet` (a second phone, a schedule CareNet cannot read, a funding source)
come back whole.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

MARK = "_carenet"
# nested lists an HSDS object can hold -> the table of their rows (HSDS 3.0 names); lists
# CareNet stores as its own rows (an organization's locations and services) are not here
CHILDREN: dict[str, dict[str, str]] = {
    "organization": {
        "funding": "funding",
        "contacts": "contact",
        "phones": "phone",
        "programs": "program",
        "organization_identifiers": "organization_identifier",
        "attributes": "attribute",
        "metadata": "metadata",
    },
    "service": {
        "phones": "phone",
        "schedules": "schedule",
        "service_areas": "service_area",
        "languages": "language",
        "funding": "funding",
        "cost_options": "cost_option",
        "required_documents": "required_document",
        "contacts": "contact",
        "attributes": "attribute",
        "metadata": "metadata",
    },
    "location": {
        "languages": "language",
        "addresses": "address",
        "contacts": "contact",
        "accessibility": "accessibility",
        "phones": "phone",
        "schedules": "schedule",
        "attributes": "attribute",
        "metadata": "metadata",
    },
    "service_at_location": {
        "contacts": "contact",
        "phones": "phone",
        "schedules": "schedule",
        "attributes": "attribute",
        "metadata": "metadata",
    },
    "contact": {"phones": "phone", "attributes": "attribute", "metadata": "metadata"},
    "phone": {"languages": "language", "attributes": "attribute", "metadata": "metadata"},
}
# nested single objects: key -> (table, the column of the parent row that points at it)
OBJECTS: dict[str, dict[str, tuple[str, str]]] = {
    "service": {"program": ("program", "program_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", "taxonomy_id")},
}
# the columns that link a nested row to its parent: implied by nesting, so not kept
# (a program's organization_id is its owner, not its place in the document: kept)
LINKS = frozenset(
    {
        "service_id",
        "location_id",
        "organization_id",
        "contact_id",
        "phone_id",
        "service_at_location_id",
        "link_id",
    }
)
OWN_LINKS = {"program": frozenset({"organization_id"})}
# the fields of each table CareNet stores in its own columns (not kept twice)
MAPPED: dict[str, frozenset[str]] = {
    "organization": frozenset({"id", "name", "website"}),
    "service": frozenset(
        {
            "id", "organization_id", "program_id", "name", "description", "url", "email",
            "status", "application_process", "fees_description", "eligibility_description",
            "minimum_age", "maximum_age", "assured_date", "last_modified",
        }
    ),
    "location": frozenset(
        {
            "id", "organization_id", "name", "latitude", "longitude", "external_identifier",
            "external_identifier_type", "transportation",
        }
    ),
    "service_at_location": frozenset({"id", "service_id", "location_id", "description"}),
    "service_area": frozenset({"id", "service_id", "extent"}),
}  # fmt: skip


class BadExtra(ValueError):
    """A kept value that is not a field of its HSDS table."""


@cache
def descriptor_fields() -> dict[str, dict[str, dict[str, Any]]]:
    """Per HSDS table, its fields as the data package descriptor declares them."""
    package = json.loads((Path(__file__).parent / "datapackage.json").read_text())
    return {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in package["resources"]}


@cache
def descriptor_types() -> dict[str, dict[str, str]]:
    """Per HSDS table, its fields and their types."""
    return {
        table: {name: spec.get("type", "string") for name, spec in specs.items()}
        for table, specs in descriptor_fields().items()
    }


class Untyped(ValueError):
    """A value that is not of the type the descriptor declares: not kept, reported."""


_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")


def typed(table: str, name: str, value: Any) -> Any:
    """`value` as the type the descriptor declares (a number read from CSV is a number
    again); Untyped if it is not one (a date where a number is declared)."""
    kind = descriptor_types().get(table, {}).get(name)
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise Untyped(f"{table}.{name}: not a number")
        if not isinstance(value, str):
            return value
        try:
            number = float(value)
        except ValueError as exc:
            raise Untyped(f"{table}.{name}: not a number") from exc
        return int(number) if number.is_integer() and "." not in value else number
    if kind == "date":
        try:
            datetime.date.fromisoformat(str(value))
        except ValueError as exc:
            raise Untyped(f"{table}.{name}: not a date (YYYY-MM-DD)") from exc
    if kind == "time" and not _TIME.match(str(value)):
        raise Untyped(f"{table}.{name}: not a time (HH:MM)")
    allowed = descriptor_fields().get(table, {}).get(name, {}).get("constraints", {}).get("enum")
    if allowed and value not in allowed:
        raise Untyped(f"{table}.{name}: not one of {', '.join(allowed)}")
    return value


class Index:
    """The rows of HSDS tables by id and by the columns that link them to a parent."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.by_id: dict[tuple[str, str], dict[str, Any]] = {}
        self.by_link: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        # (table, row id, what) of the values left out for not being of their declared type
        self.untyped: list[tuple[str, str, str]] = []
        for table, rows in tables.items():
            for row in rows:
                if not isinstance(row, dict) or row.get("__invalid__"):
                    continue
                if row.get("id") not in (None, ""):
                    self.by_id.setdefault((table, str(row["id"])), row)
                for column in (*LINKS, "resource_id"):
                    if row.get(column) not in (None, ""):
                        self.by_link[(table, column, str(row[column]))].append(row)

    def children(self, parent: str, parent_id: str, key: str) -> list[dict[str, Any]]:
        table = CHILDREN[parent][key]
        if table == "attribute":
            column = "link_id"
        elif table == "metadata":
            column = "resource_id"
        else:
            column = f"{parent}_id"
        return self.by_link.get((table, column, parent_id), [])

    def nested(self, table: str, row: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        """`row` as a nested HSDS object: its own fields, typed, and its nested rows."""
        dropped = LINKS - OWN_LINKS.get(table, frozenset())
        names = descriptor_types().get(table, {})
        out = self.typed_fields(
            table, {k: v for k, v in row.items() if k in names and k not in dropped}
        )
        if depth > 4 or row.get("id") in (None, ""):
            return out
        for key in CHILDREN.get(table, {}):
            found = self.children(table, str(row["id"]), key)
            if found:
                out[key] = [self.nested(CHILDREN[table][key], r, depth + 1) for r in found]
        for key, (child, column) in OBJECTS.get(table, {}).items():
            target = self.by_id.get((child, str(row.get(column, ""))))
            if target is not None:
                out[key] = self.nested(child, target, depth + 1)
        return out

    def typed_fields(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """The non-empty values of `row`, typed; the untyped ones are noted and left out."""
        out = {}
        for name, value in row.items():
            if value in (None, ""):
                continue
            try:
                out[name] = typed(table, name, value)
            except Untyped as exc:
                self.untyped.append((table, str(row.get("id", "")), str(exc)))
        return out

    def scalars(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """The fields of `row` CareNet has no column for, typed."""
        fields = descriptor_types().get(table, {})
        mapped = MAPPED.get(table, frozenset())
        return self.typed_fields(
            table,
            {k: v for k, v in row.items() if k in fields and k not in mapped and k not in LINKS},
        )


# the fields CareNet writes itself in each list (see `out`): a row with no other field and
# one of CareNet's own ids (our export read back) is not kept, CareNet writes it again
WRITTEN: dict[str, frozenset[str]] = {
    "phones": frozenset({"id", "number"}),
    "contacts": frozenset({"id", "email"}),
    "languages": frozenset({"id", "name", "code"}),
    "cost_options": frozenset({"id", "option", "amount", "amount_description"}),
    "schedules": frozenset({"id", "freq", "wkst", "byday", "opens_at", "closes_at", "timezone"}),
    "addresses": frozenset(
        {"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"}
    ),
    "accessibility": frozenset({"id", "description"}),
}


def without_own_rows(extra: dict[str, Any], own_ids: set[str]) -> dict[str, Any]:
    """`extra` without the rows CareNet wrote itself (see WRITTEN)."""
    out = dict(extra)
    for key, names in WRITTEN.items():
        if key not in out:
            continue
        out[key] = [
            r for r in out[key] if not (str(r.get("id")) in own_ids and set(r) - {MARK} <= names)
        ]
        if not out[key]:
            del out[key]
    return out


def modelled(row: dict[str, Any], value: Any) -> dict[str, Any]:
    """A kept row CareNet took `value` from (see the module docstring)."""
    return {**row, MARK: _plain(value)}


def check(table: str, extra: Any, depth: int = 0) -> dict[str, Any]:
    """`extra` if it is shaped as a kept HSDS object of `table`; BadExtra otherwise."""
    if not isinstance(extra, dict) or depth > 6:
        raise BadExtra(f"{table}: not an object")
    fields = descriptor_types().get(table, {})
    for key, value in extra.items():
        if key == MARK:
            continue
        if key in CHILDREN.get(table, {}):
            if not isinstance(value, list):
                raise BadExtra(f"{table}.{key}: not a list")
            for item in value:
                check(CHILDREN[table][key], item, depth + 1)
        elif key in OBJECTS.get(table, {}):
            check(OBJECTS[table][key][0], value, depth + 1)
        elif key not in fields:
            raise BadExtra(f"{table}.{key}: not an HSDS field")
        elif isinstance(value, dict | list):
            raise BadExtra(f"{table}.{key}: not a single value")
    return extra


# --- export -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != MARK}


def merge(
    extra: dict[str, Any] | None,
    key: str,
    generated: Iterable[tuple[Any, dict[str, Any]]],
    link: dict[str, Any],
    *,
    kept_wins: Iterable[str] = (),
    group: bool = False,
) -> list[dict[str, Any]]:
    """The rows of list `key`: CareNet's (`(value, row)` pairs), each merged with the kept row
    imported with the same value (its id and its other fields; CareNet's fields win but for
    `kept_wins`), then the kept rows CareNet took nothing from. `group`: CareNet holds all
    the rows as one value (accessibility text, free of charge); while it holds the imported
    value, the kept rows replace CareNet's one row."""
    kept = [r for r in (extra or {}).get(key, []) if isinstance(r, dict)]
    waiting = [r for r in kept if MARK in r]
    wins = set(kept_wins)
    out: list[dict[str, Any]] = []
    for value, row in generated:
        plain = _plain(value)
        matches = [r for r in waiting if r[MARK] == plain]
        if not matches:
            out.append(row)
            continue
        if group:
            out += [{**link, **_public(r)} for r in matches]
            waiting = [r for r in waiting if r not in matches]
            continue
        match = matches[0]
        waiting.remove(match)
        ours = {k: v for k, v in row.items() if k != "id" and not (k in wins and k in match)}
        out.append({**_public(match), **ours})
    ids = {r.get("id") for r in out}
    out += [{**link, **r} for r in kept if MARK not in r and r.get("id") not in ids]
    return out


def fields(extra: dict[str, Any] | None, table: str) -> dict[str, Any]:
    """The kept single-valued fields of an object (not its lists)."""
    names = descriptor_types().get(table, {})
    return {k: v for k, v in (extra or {}).items() if k in names}


def lists(
    extra: dict[str, Any] | None, table: str, link: dict[str, Any], skip: Iterable[str] = ()
) -> dict[str, Any]:
    """The kept nested lists and objects of an object CareNet writes none of itself."""
    out: dict[str, Any] = {}
    for key, value in (extra or {}).items():
        if key in skip:
            continue
        if key in CHILDREN.get(table, {}) and isinstance(value, list):
            out[key] = [{**link, **_public(r)} for r in value if isinstance(r, dict)]
        elif key in OBJECTS.get(table, {}) and isinstance(value, dict):
            out[key] = value
    return out


def schedules(
    extra: dict[str, Any] | None, entries: list[dict[str, str]], link: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The kept schedule rows whose opening hours CareNet still holds, and the hours left
    for CareNet to write (one row per day)."""
    left = list(entries)
    out = []
    for row in (extra or {}).get("schedules", []):
        if not isinstance(row, dict) or MARK not in row:
            continue
        wanted = row[MARK]
        if isinstance(wanted, list) and all(e in left for e in wanted):
            for e in wanted:
                left.remove(e)
            out.append({**link, **_public(row)})
    out += [{**link, **r} for r in (extra or {}).get("schedules", []) if MARK not in r]
    return out, left
