"""Loading HSDS tables into the directory: check every row, then write everything or nothing.

Rows are matched by `id` (our UUIDs), so importing our own export again updates in place.
Organisations unknown here are created (through the accounts services); existing ones are
left as they are. A location or service that exists under another organisation is refused.
"""

from __future__ import annotations

import datetime
import re
import uuid as uuid_lib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from carenet.accounts import services as account_services
from carenet.accounts.models import Country, Organisation, OrganisationKind
from carenet.core import audit
from carenet.core.models import AuditAction
from carenet.directory import indexing
from carenet.directory.hsds import kept
from carenet.directory.hsds import out as hsds_out
from carenet.directory.hsds.exchange import ImportFailed, ImportReport, RowError, Tables
from carenet.directory.models import (
    OrganisationHsds,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Sex,
    Site,
    SiteKind,
)
from carenet.geo.queries import areas_by_pcodes, areas_near
from carenet.taxonomy.models import Term

STATUS = {
    "active": ServiceStatus.ACTIVE,
    "inactive": ServiceStatus.INACTIVE,
    "defunct": ServiceStatus.INACTIVE,
    "temporarily closed": ServiceStatus.TEMPORARILY_CLOSED,
}
TERM_FIELDS = {
    "iasc-4w": "activities",
    "intervention": "interventions",
    "target-group": "target_groups",
    "language": "languages",
    "delivery-mode": "delivery_modes",
    "pyramid-layer": "layer",
}
_TIME = re.compile(r"^(\d{2}):(\d{2})")
# a wait_time CareNet reads as days ("14", "14 days"); any other text is kept as it came
_WAIT = re.compile(r"^\s*(\d+)\s*(days?)?\s*$", re.IGNORECASE)
_DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
_TEXT = "text"
_INT = "int"
_BOOL = "bool"
SERVICE_EXTRA_TYPES = {
    "name_en": _TEXT,
    "name_uk": _TEXT,
    "name_pl": _TEXT,
    "description_en": _TEXT,
    "description_uk": _TEXT,
    "description_pl": _TEXT,
    "schedule_note": _TEXT,
    "sex": Sex.values,
    "free": _BOOL,
    "referral_required": _BOOL,
    "capacity_places": _INT,
    "available_places": _INT,
    "waiting_days": _INT,
    "eligibility_uk": _TEXT,
    "eligibility_pl": _TEXT,
    "fees_uk": _TEXT,
    "fees_pl": _TEXT,
    "how_to_apply_uk": _TEXT,
    "how_to_apply_pl": _TEXT,
}
SITE_EXTRA_TYPES = {
    "name_en": _TEXT,
    "name_uk": _TEXT,
    "name_pl": _TEXT,
    "kind": SiteKind.values,
    "wheelchair_accessible": _BOOL,
}
ORG_EXTRA_TYPES = {
    "kind": OrganisationKind.values,
    "country": Country.values,
    "coordination_member": _BOOL,
}


# tables whose rows are not kept as such: a taxonomy term is kept where an attribute of a kept
# record uses it (see `kept`), and CareNet describes its own tables
NOT_KEPT = frozenset({"meta_table_description"})
# the organization fields an import keeps for an organisation it creates
ORG_KEPT = (
    frozenset(kept.descriptor_types()["organization"])
    - kept.MAPPED["organization"]
    - {"alternate_name"}
)
# columns that only link a row to its parent (flattened JSON, or CSV from other producers)
_LINK_COLUMNS = frozenset({*kept.LINKS, "resource_id", "link_entity", "taxonomy_term_id"})


def unused_fields(tables: Tables) -> dict[str, list[str]]:
    """Per table, the fields (or whole tables) the import does not keep: reported, so that
    nothing is dropped without a word. Every HSDS 3.0 field of the tables CareNet holds is
    used or kept (`kept`); what is left is what HSDS does not define."""
    known = kept.descriptor_types()
    out: dict[str, list[str]] = {}
    for table, rows in tables.items():
        names = {k for row in rows for k in row if not k.startswith("__")}
        if table in NOT_KEPT or table not in known:
            out[table] = ["(the whole table)"] if rows else []
        else:
            out[table] = sorted(names - set(known[table]) - _LINK_COLUMNS)
    return {table: names for table, names in out.items() if names}


class RowProblem(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Unplaced(RowProblem):
    """A record that cannot be placed in Ukraine or Poland (not strict: kept for review)."""


@dataclass
class Plan:
    obj: Any  # a Site or a Service, unsaved or changed
    org_uuid: str
    new: bool
    extra: dict[str, Any] = field(default_factory=dict)


def _uuid(value: Any, name: str = "id") -> str:
    try:
        return str(uuid_lib.UUID(str(value)))
    except ValueError as exc:
        raise RowProblem(name, "must be a UUID") from exc


def _convert(kind: Any, value: Any, name: str) -> Any:
    text = str(value).strip()
    if kind == _TEXT:
        return text
    if kind == _BOOL:
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
        raise RowProblem(name, "must be true or false")
    if kind == _INT:
        try:
            number = float(text)
        except ValueError as exc:
            raise RowProblem(name, "must be a whole number") from exc
        if number < 0 or not number.is_integer() or number > 1_000_000:
            raise RowProblem(name, "must be a whole number from 0")
        return int(number)
    if text not in kind:
        raise RowProblem(name, f"must be one of {', '.join(kind)}")
    return text


def _float(value: Any, name: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise RowProblem(name, "must be a number") from exc
    if not low <= number <= high:
        raise RowProblem(name, f"must be between {low} and {high}")
    return number


class Loader:
    """One import: `run()` returns a report or raises ImportFailed with every row error."""

    def __init__(
        self, tables: Tables, *, actor: Any = None, strict: bool = True, country: str = "UA"
    ) -> None:
        self.t = tables
        self.actor = actor
        self.strict = strict
        self.country = country
        self.errors: list[RowError] = []
        # not strict: what could not be placed, by service or location id, for the review note
        self.notes: dict[str, list[str]] = defaultdict(list)
        self.unplaced_orgs: set[str] = set()
        self.unplaced_sites: dict[str, str] = {}
        self._row_cache: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.report = ImportReport()
        self.index = kept.Index(tables)
        self.org_extra: dict[str, dict[str, Any]] = {}
        self._placed_areas: dict[str, list[tuple[str, Any, dict[str, Any]]]] = {}
        self.by_parent: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for table in (
            "phone",
            "contact",
            "address",
            "accessibility",
            "schedule",
            "service_area",
            "language",
            "cost_option",
        ):
            for row in tables.get(table, []):
                for key in ("service_id", "location_id", "organization_id"):
                    if row.get(key):
                        self.by_parent[(table, str(row[key]))].append(row)

    def _rows(self, table: str) -> list[tuple[int, dict[str, Any]]]:
        """The rows of a table with their numbers; rows that are not objects are reported
        once."""
        if table not in self._row_cache:
            rows = []
            for n, row in enumerate(self.t.get(table, []), start=1):
                if row.get("__invalid__"):
                    self.errors.append(RowError(table, n, "", "not an object"))
                    continue
                rows.append((n, row))
            self._row_cache[table] = rows
        return self._row_cache[table]

    def _problem(self, table: str, n: int, row: dict[str, Any], exc: Exception) -> None:
        if isinstance(exc, RowProblem):
            self.errors.append(RowError(table, n, exc.field, str(exc), str(row.get("id", ""))))
        elif isinstance(exc, ValidationError):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.errors.append(
                        RowError(
                            table,
                            n,
                            "" if name == "__all__" else name,
                            message,
                            str(row.get("id", "")),
                        )
                    )

    def _placement(self, table: str, n: int, row: dict[str, Any], exc: RowProblem) -> str:
        """A record that cannot be placed in Ukraine or Poland: an error when strict, else a
        reported problem and a note on the record kept for review."""
        error = RowError(table, n, exc.field, str(exc), str(row.get("id", "")))
        if self.strict:
            self.errors.append(error)
        else:
            self.report.problems.append(error)
        return f"{table} {row.get('name') or row.get('id', '')}: {exc.field}: {exc}"

    def run(self) -> ImportReport:
        terms = self._terms()
        self.attrs = self._attributes(terms)
        self.orgs = self._organisations()
        self.sites = self._sites()
        self.services = self._services()
        self.links = self._links()
        if self.errors:
            raise ImportFailed(self.errors)
        for table, rid, what in dict.fromkeys(self.index.untyped):
            self.report.problems.append(RowError(table, 0, "", f"{what}: not kept", rid))
        self._write()
        return self.report

    # --- taxonomy terms and attributes -------------------------------------------------------

    def _terms(self) -> dict[str, Term]:
        """HSDS term id -> our term: by our stable ids, else by taxonomy name and code."""
        ours = list(Term.objects.filter(scheme__is_current=True).select_related("scheme"))
        by_id = {hsds_out.term_id(t): t for t in ours}
        by_code = {(t.scheme.code, t.code): t for t in ours}
        taxonomy_names = {
            str(r.get("id")): r.get("name", "")
            for r in self.t.get("taxonomy", [])
            if isinstance(r, dict)
        }
        for _n, row in self._rows("taxonomy_term"):
            tid = str(row.get("id", ""))
            if tid in by_id:
                continue
            scheme = row.get("taxonomy") or taxonomy_names.get(str(row.get("taxonomy_id")), "")
            term = by_code.get((scheme, str(row.get("code", ""))))
            if term is not None:
                by_id[tid] = term
        return by_id

    def _attributes(self, terms: dict[str, Term]) -> dict[str, dict[str, Any]]:
        attrs: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"extras": {}, "terms": [], "foreign": []}
        )
        for n, row in self._rows("attribute"):
            link = str(row.get("link_id", ""))
            link_type = str(row.get("link_type", ""))
            if link_type.startswith("carenet:"):
                attrs[link]["extras"][link_type[8:]] = (n, row.get("value", ""))
            elif row.get("taxonomy_term_id"):
                term = terms.get(str(row["taxonomy_term_id"]))
                if term is not None:
                    attrs[link]["terms"].append(term)
                elif link_type in TERM_FIELDS:
                    self.errors.append(
                        RowError(
                            "attribute",
                            n,
                            "taxonomy_term_id",
                            "unknown term of a CareNet taxonomy",
                            str(row.get("id", "")),
                        )
                    )
                else:  # a term of another directory's taxonomy: kept with its record
                    attrs[link]["foreign"].append(row)
            elif link_type not in TERM_FIELDS:
                attrs[link]["foreign"].append(row)
        return attrs

    def _foreign(self, link_id: str) -> dict[str, Any]:
        """The attributes of a record that are not CareNet's, nested with their terms."""
        rows = self.attrs.get(link_id, {}).get("foreign", [])
        return {"attributes": [self.index.nested("attribute", r) for r in rows]} if rows else {}

    def _kept_lists(self, table: str, rid: str, keys: tuple[str, ...]) -> dict[str, Any]:
        out = {}
        for key in keys:
            rows = self.index.children(table, rid, key)
            if rows:
                out[key] = [self.index.nested(kept.CHILDREN[table][key], r) for r in rows]
        return out

    def _kept(self, table: str, row: dict[str, Any], rid: str, keys: tuple[str, ...]) -> Any:
        extra = (
            self.index.scalars(table, row) | self._kept_lists(table, rid, keys) | self._foreign(rid)
        )
        try:
            return kept.check(table, extra)
        except kept.BadExtra as exc:
            raise RowProblem(table, str(exc)) from exc

    def _extras(self, link_id: str, types: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, (n, value) in self.attrs.get(link_id, {"extras": {}})["extras"].items():
            if name not in types:
                continue
            try:
                out[name] = _convert(types[name], value, name)
            except RowProblem as exc:
                self.errors.append(RowError("attribute", n, f"carenet:{name}", str(exc)))
        return out

    # --- organisations --------------------------------------------------------------------

    def _organisations(self) -> dict[str, Organisation | dict[str, Any]]:
        rows = self._rows("organization")
        ids = []
        for n, row in rows:
            try:
                ids.append(_uuid(row.get("id")))
            except RowProblem as exc:
                self._problem("organization", n, row, exc)
        existing = {str(o.uuid): o for o in Organisation.objects.filter(uuid__in=ids)}
        acronyms = set(Organisation.objects.values_list("acronym", flat=True))
        orgs: dict[str, Organisation | dict[str, Any]] = dict(existing)
        for n, row in rows:
            oid = str(row.get("id", ""))
            if oid in orgs or not hsds_out_is_uuid(oid):
                continue
            try:
                new = self._new_org(row, oid, acronyms)
                self.org_extra[oid] = self._org_extra(row, oid, new)
                orgs[oid] = new
            except RowProblem as exc:
                self._problem("organization", n, row, exc)
        for n, row in rows:
            oid = str(row.get("id", ""))
            if oid in existing and set(row) & ORG_KEPT:
                self.report.problems.append(
                    RowError(
                        "organization",
                        n,
                        "",
                        "exists here: its other HSDS fields were left as they are",
                        oid,
                    )
                )
        return orgs

    def _org_extra(self, row: dict[str, Any], oid: str, org: dict[str, Any]) -> dict[str, Any]:
        extra = self._kept(
            "organization",
            row,
            oid,
            ("funding", "contacts", "phones", "programs", "organization_identifiers", "metadata"),
        )
        if extra.get("alternate_name") == org["acronym"]:
            del extra["alternate_name"]
        return extra

    def _new_org(self, row: dict[str, Any], oid: str, acronyms: set[str]) -> dict[str, Any]:
        name = str(row.get("name", "")).strip()
        if not name:
            raise RowProblem("name", "is required")
        extras = self._extras(oid, ORG_EXTRA_TYPES)
        country = extras.get("country") or self._country_of(oid)
        if not country:
            problem = RowProblem(
                "country",
                "unknown: give a carenet:country attribute or an address with country UA or PL",
            )
            if self.strict:
                raise problem
            self._placement("organization", 0, row, problem)
            self.unplaced_orgs.add(oid)
            country = self.country
        base = (
            str(row.get("alternate_name") or "").strip()
            or "".join(w[0] for w in name.split() if w[:1].isalpha()).upper()
            or "ORG"
        )[:24]
        acronym, i = base, 1
        while acronym in acronyms:
            i += 1
            acronym = f"{base}-{i}"
        acronyms.add(acronym)
        return {
            "uuid": uuid_lib.UUID(oid),
            "name": name[:200],
            "acronym": acronym,
            "kind": extras.get("kind", OrganisationKind.NNGO),
            "country": country,
            "coordination_member": extras.get("coordination_member", False),
            "website": str(row.get("website", ""))[:200],
        }

    def _country_of(self, oid: str) -> str:
        inferred = self._org_of_locations()
        for _n, loc in self._rows("location"):
            owner = loc.get("organization_id") or inferred.get(str(loc.get("id")), "")
            if str(owner) == oid:
                for address in self.by_parent[("address", str(loc.get("id")))]:
                    country = str(address.get("country", "")).upper()
                    if country in Country.values:
                        return country
        return ""

    def _org_uuid(self, value: Any) -> str:
        oid = _uuid(value, "organization_id")
        if oid not in self.orgs:
            raise RowProblem("organization_id", "unknown organization")
        return oid

    # --- locations --------------------------------------------------------------------------

    def _sites(self) -> dict[str, Plan]:
        rows = self._rows("location")
        pcodes = [
            r.get("external_identifier", "")
            for _n, r in rows
            if r.get("external_identifier_type", "ocha_pcode") == "ocha_pcode"
        ]
        self.areas = areas_by_pcodes(str(p) for p in pcodes if p)
        ids = [str(r.get("id")) for _n, r in rows if hsds_out_is_uuid(r.get("id"))]
        existing = {
            str(s.uuid): s for s in Site.objects.filter(uuid__in=ids).select_related("organisation")
        }
        org_of_location = self._org_of_locations()
        plans: dict[str, Plan] = {}
        for n, row in rows:
            try:
                plan = self._site(row, existing, org_of_location, n)
                plan.obj.full_clean(exclude=["organisation"], validate_unique=False)
                plans[str(plan.obj.uuid)] = plan
            except Unplaced as exc:
                self.unplaced_sites[str(row.get("id", ""))] = self._placement(
                    "location", n, row, exc
                )
            except (RowProblem, ValidationError) as exc:
                self._problem("location", n, row, exc)
        return plans

    def _org_of_locations(self) -> dict[str, str]:
        """Locations without organization_id belong to the organisation of their services."""
        service_org = {
            str(r.get("id")): str(r.get("organization_id")) for _n, r in self._rows("service")
        }
        return {
            str(r.get("location_id")): service_org.get(str(r.get("service_id")), "")
            for _n, r in self._rows("service_at_location")
        }

    def _site(
        self,
        row: dict[str, Any],
        existing: dict[str, Site],
        org_of_location: dict[str, str],
        n: int = 0,
    ) -> Plan:
        sid = _uuid(row.get("id"))
        oid = self._org_uuid(row.get("organization_id") or org_of_location.get(sid) or "")
        site = existing.get(sid)
        if site is not None and str(site.organisation.uuid) != oid:
            raise RowProblem("organization_id", "this location belongs to another organisation")
        notes = []
        try:
            lat = _float(row.get("latitude"), "latitude", -90, 90)
            lon = _float(row.get("longitude"), "longitude", -180, 180)
        except RowProblem as exc:
            if self.strict:
                raise
            notes.append(self._placement("location", n, row, exc))
            lat = lon = None
        extras = self._extras(sid, SITE_EXTRA_TYPES)
        address = (self.by_parent[("address", sid)] or [{}])[0]
        data = {
            "name_en": extras.get("name_en", str(row.get("name") or "")[:200]),
            "name_uk": extras.get("name_uk", ""),
            "name_pl": extras.get("name_pl", ""),
            "kind": extras.get("kind", SiteKind.OTHER),
            "area": self._area(row, lat, lon),
            "address": str(address.get("address_1", ""))[:300],
            "city": str(address.get("city", ""))[:120],
            "postal_code": str(address.get("postal_code", ""))[:20],
            "lat": lat,
            "lon": lon,
            "directions": str(row.get("transportation", "")),
            "accessibility": "\n".join(
                str(a.get("description", "")) for a in self.by_parent[("accessibility", sid)]
            ).strip(),
            "wheelchair_accessible": extras.get("wheelchair_accessible", False),
            "phone": str((self.by_parent[("phone", sid)] or [{}])[0].get("number", ""))[:40],
            "email": str((self.by_parent[("contact", sid)] or [{}])[0].get("email", "")),
        }
        data["hsds_extra"] = self._site_extra(row, sid, data)
        obj = site or Site(uuid=uuid_lib.UUID(sid))
        for name, value in data.items():
            setattr(obj, name, value)
        if oid in self.unplaced_orgs:
            notes.append(f"organization {oid}: no country UA or PL")
        if notes:
            obj.needs_review, obj.review_note = True, "\n".join(notes)
        return Plan(obj=obj, org_uuid=oid, new=site is None)

    def _site_extra(self, row: dict[str, Any], sid: str, data: dict[str, Any]) -> dict[str, Any]:
        """The location's fields CareNet does not use; the first address, phone and contact
        and the accessibility rows are merged again with CareNet's values on export."""
        extra = self._kept(
            "location",
            row,
            sid,
            ("addresses", "phones", "contacts", "accessibility", "languages", "schedules",
             "metadata"),
        )  # fmt: skip
        if extra.get("location_type") == "physical":
            del extra["location_type"]
        firsts = {
            "addresses": [data["address"], data["city"], data["postal_code"]],
            "phones": data["phone"],
            "contacts": data["email"],
        }
        for key, value in firsts.items():
            if extra.get(key) and value:
                extra[key][0] = kept.modelled(extra[key][0], value)
        if extra.get("accessibility") and data["accessibility"]:
            extra["accessibility"] = [
                kept.modelled(r, data["accessibility"]) for r in extra["accessibility"]
            ]
        return kept.without_own_rows(extra, _own_ids(sid, extra))

    def _area(self, row: dict[str, Any], lat: float | None, lon: float | None) -> Any:
        code = str(row.get("external_identifier", "")).strip().upper()
        if code and row.get("external_identifier_type", "ocha_pcode") == "ocha_pcode":
            if code not in self.areas:
                raise Unplaced("external_identifier", f"unknown P-code {code}")
            return self.areas[code]
        if lat is not None and lon is not None:
            near = areas_near(lat, lon, 30, level=3)
            if near:
                return near[0][0]
        raise Unplaced("external_identifier", "no P-code, and no known area at the coordinates")

    # --- services ----------------------------------------------------------------------------

    def _services(self) -> dict[str, Plan]:
        rows = self._rows("service")
        ids = [str(r.get("id")) for _n, r in rows if hsds_out_is_uuid(r.get("id"))]
        existing = {
            str(s.uuid): s
            for s in Service.objects.filter(uuid__in=ids).select_related("organisation")
        }
        self.language_terms = {t.code.lower(): t for t in Term.objects.of("language")}
        plans: dict[str, Plan] = {}
        for n, row in rows:
            try:
                plan = self._service(row, existing, n)
                plan.obj.full_clean(exclude=["organisation", "sites"], validate_unique=False)
                plans[str(plan.obj.uuid)] = plan
            except (RowProblem, ValidationError) as exc:
                self._problem("service", n, row, exc)
        return plans

    def _service(self, row: dict[str, Any], existing: dict[str, Service], n: int = 0) -> Plan:
        sid = _uuid(row.get("id"))
        oid = self._org_uuid(row.get("organization_id"))
        service = existing.get(sid)
        if service is not None and str(service.organisation.uuid) != oid:
            raise RowProblem("organization_id", "this service belongs to another organisation")
        status = STATUS.get(str(row.get("status", "")).strip().lower())
        if status is None:
            raise RowProblem("status", "must be active, inactive, defunct or temporarily closed")
        extras = self._extras(sid, SERVICE_EXTRA_TYPES)
        data = self._service_data(row, sid, extras) | {"status": status}
        obj = service or Service(uuid=uuid_lib.UUID(sid))
        for name, value in data.items():
            setattr(obj, name, value)
        terms = self.attrs.get(sid, {"terms": []})["terms"]
        m2m: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            target = TERM_FIELDS.get(term.scheme.code)
            if target == "layer":
                obj.layer = term
            elif target:
                m2m[target].append(term)
        for lang in self.by_parent[("language", sid)]:
            # a language not in CareNet's list is kept in `hsds_extra` (not searchable)
            term = self.language_terms.get(str(lang.get("code", "")).lower())
            if term is not None and term not in m2m["languages"]:
                m2m["languages"].append(term)
        areas = self._service_areas(sid, row, n)
        obj.hsds_extra = self._service_extra(row, sid, obj)
        if oid in self.unplaced_orgs:
            self.notes[sid].append(f"organization {oid}: no country UA or PL")
        return Plan(obj=obj, org_uuid=oid, new=service is None, extra={"m2m": m2m, "areas": areas})

    def _service_data(
        self, row: dict[str, Any], sid: str, extras: dict[str, Any]
    ) -> dict[str, Any]:
        costs = self.by_parent[("cost_option", sid)]
        free = extras.get(
            "free",
            bool(costs)
            and all(
                str(c.get("option", "")).lower() == "free" or c.get("amount") in (0, "0", "0.0")
                for c in costs
            ),
        )
        wait = extras.get("waiting_days")
        if wait is None and row.get("wait_time"):
            match = _WAIT.match(str(row["wait_time"]))
            wait = int(match.group(1)) if match else None
        return {
            "name_en": extras.get("name_en", str(row.get("name") or "")[:200]),
            "name_uk": extras.get("name_uk", ""),
            "name_pl": extras.get("name_pl", ""),
            "description_en": extras.get("description_en", str(row.get("description", ""))),
            "description_uk": extras.get("description_uk", ""),
            "description_pl": extras.get("description_pl", ""),
            "url": str(row.get("url", "")),
            "email": str(row.get("email", "")),
            "how_to_apply": str(row.get("application_process", "")),
            "fees": str(row.get("fees_description", ""))[:300],
            "eligibility": str(row.get("eligibility_description", "")),
            "age_min": _age(row.get("minimum_age"), "minimum_age"),
            "age_max": _age(row.get("maximum_age"), "maximum_age"),
            "last_verified": _date(row.get("assured_date"), "assured_date"),
            "free": free,
            "waiting_days": wait,
            "sex": extras.get("sex", Sex.ANY),
            "referral_required": extras.get("referral_required", False),
            "capacity_places": extras.get("capacity_places"),
            "available_places": extras.get("available_places"),
            "schedule_note": extras.get("schedule_note", "")[:300],
            **{
                f"{name}_{lang}": str(extras.get(f"{name}_{lang}", ""))[
                    : 300 if name == "fees" else None
                ]
                for name in ("eligibility", "fees", "how_to_apply")
                for lang in ("uk", "pl")
            },
            "schedule": self._schedule(sid),
            "phone": str((self.by_parent[("phone", sid)] or [{}])[0].get("number", ""))[:40],
            "layer": None,
        }

    def _service_extra(self, row: dict[str, Any], sid: str, obj: Service) -> dict[str, Any]:
        """The service's fields CareNet does not use. Rows CareNet took a value from (the
        first phone, readable schedules, known languages, cost options) are merged again with
        CareNet's values on export; service areas outside the gazetteer are kept whole."""
        extra = self._kept(
            "service",
            row,
            sid,
            ("phones", "contacts", "languages", "cost_options", "funding",
             "required_documents", "metadata"),
        )  # fmt: skip
        if obj.waiting_days is not None and _WAIT.match(str(row.get("wait_time", ""))):
            extra.pop("wait_time", None)
        program = self.index.by_id.get(("program", str(row.get("program_id", ""))))
        if program is not None:
            extra["program"] = self.index.nested("program", program)
        if extra.get("phones") and obj.phone:
            extra["phones"][0] = kept.modelled(extra["phones"][0], obj.phone)
        codes = {t.code.lower(): t.code for t in self.language_terms.values()}
        extra["languages"] = [
            kept.modelled(r, codes[str(r.get("code", "")).lower()])
            if str(r.get("code", "")).lower() in codes
            else r
            for r in extra.get("languages", [])
        ]
        extra["cost_options"] = [kept.modelled(r, obj.free) for r in extra.get("cost_options", [])]
        schedules = [
            kept.modelled(self.index.nested("schedule", r), days) if days else
            self.index.nested("schedule", r)
            for r, days in self._schedule_rows(sid, report=False)
        ]  # fmt: skip
        placed = {aid for aid, _area, _extra in self._placed_areas.get(sid, [])}
        unplaced = [
            self.index.nested("service_area", r)
            for r in self.by_parent[("service_area", sid)]
            if str(r.get("id", "")) not in placed
        ]
        extra |= {"schedules": schedules, "service_areas": unplaced}
        extra = kept.without_own_rows(extra, _own_ids(sid, extra))
        return {k: v for k, v in extra.items() if v not in ([], None, "")}

    def _schedule(self, sid: str) -> list[dict[str, str]]:
        return [e for _row, entries in self._schedule_rows(sid) for e in entries]

    def _schedule_rows(
        self, sid: str, *, report: bool = True
    ) -> list[tuple[dict[str, Any], list[dict[str, str]]]]:
        """Each schedule row with the opening hours CareNet reads from it (none: unreadable,
        kept whole)."""
        result: list[tuple[dict[str, Any], list[dict[str, str]]]] = []
        for row in self.by_parent[("schedule", sid)]:
            opens, closes = (
                _time(row.get("opens_at"), "opens_at"),
                _time(row.get("closes_at"), "closes_at"),
            )
            days = [d.strip().upper() for d in str(row.get("byday", "")).split(",") if d.strip()]
            if not days or not opens or not closes:
                result.append((row, []))
                continue
            if not set(days) <= _DAYS:
                problem = RowProblem("byday", "days must be MO, TU, WE, TH, FR, SA or SU")
                if self.strict:
                    raise problem
                if report:
                    self.report.problems.append(
                        RowError("schedule", 0, "byday", str(problem), str(row.get("id", "")))
                    )
                    self.notes[sid].append(f"schedule {row.get('id', '')}: byday: {problem}")
                result.append((row, []))
                continue
            result.append((row, [{"day": d, "opens": opens, "closes": closes} for d in days]))
        return result

    def _service_areas(
        self, sid: str, service: dict[str, Any] | None = None, n: int = 0
    ) -> list[tuple[str, Any, dict[str, Any]]]:
        """The service areas CareNet can place (by P-code), with their other HSDS fields;
        the others are kept whole in the service's `hsds_extra`."""
        rows = self.by_parent[("service_area", sid)]
        found = areas_by_pcodes(str(r.get("extent") or "") for r in rows)
        result = []
        for row in rows:
            code = str(row.get("extent") or "").strip().upper()
            if code not in found:
                kind = str(row.get("extent_type") or "").strip()
                problem = RowProblem(
                    "service_area",
                    f"unknown P-code {code[:40] or '(empty)'}"
                    + (f" (extent_type {kind[:20]})" if kind else ""),
                )
                if self.strict:
                    raise problem
                self.notes[sid].append(self._placement("service", n, service or {}, problem))
                continue
            extra = self.index.scalars("service_area", row)
            if extra.get("name") == found[code].name_en:
                del extra["name"]
            if extra.get("extent_type") == "text":
                del extra["extent_type"]
            result.append((_uuid(row.get("id"), "service_area.id"), found[code], extra))
        self._placed_areas[sid] = result
        return result

    # --- service at location ------------------------------------------------------------------

    def _links(self) -> list[tuple[str, str, str, str, dict[str, Any]]]:
        links = []
        known_sites = {
            str(s)
            for s in Site.objects.filter(
                uuid__in=[
                    r.get("location_id")
                    for _n, r in self._rows("service_at_location")
                    if hsds_out_is_uuid(r.get("location_id"))
                ]
            ).values_list("uuid", flat=True)
        }
        for n, row in self._rows("service_at_location"):
            try:
                lid, sid = _uuid(row.get("id")), _uuid(row.get("service_id"), "service_id")
                loc = _uuid(row.get("location_id"), "location_id")
                if sid not in self.services:
                    raise RowProblem("service_id", "unknown service")
                if loc in self.unplaced_sites:
                    self.notes[sid].append(self.unplaced_sites[loc])
                    continue
                if loc in self.sites and self.sites[loc].obj.needs_review:
                    self.notes[sid].append(f"location {loc}: needs review")
                if loc not in self.sites and loc not in known_sites:
                    raise RowProblem("location_id", "unknown location")
                if loc in self.sites and self.sites[loc].org_uuid != self.services[sid].org_uuid:
                    raise RowProblem("location_id", "location of another organisation")
                extra = self._kept(
                    "service_at_location",
                    row,
                    lid,
                    ("contacts", "phones", "schedules", "metadata"),
                )
                links.append((lid, sid, loc, str(row.get("description", ""))[:300], extra))
            except RowProblem as exc:
                self._problem("service_at_location", n, row, exc)
        return links

    # --- writing ------------------------------------------------------------------------------

    def _write(self) -> None:
        orgs: dict[str, Organisation] = {}
        for oid, org in self.orgs.items():
            if isinstance(org, dict):
                orgs[oid] = account_services.organisation_create(actor=self.actor, **org)
                if self.org_extra.get(oid):
                    OrganisationHsds.objects.create(
                        organisation=orgs[oid], hsds_extra=self.org_extra[oid]
                    )
                self.report.created["organization"] += 1
            else:
                orgs[oid] = org
        for plan in self.sites.values():
            plan.obj.organisation = orgs[plan.org_uuid]  # type: ignore[attr-defined]
            plan.obj.save()
            (self.report.created if plan.new else self.report.updated)["location"] += 1
            if plan.obj.needs_review:
                self.report.review["location"] += 1
        sites = {
            str(s.uuid): s.pk
            for s in Site.objects.filter(uuid__in=[loc for _l, _s, loc, _d, _e in self.links])
        }
        for plan in self.services.values():
            self._write_service(plan, orgs)
        ServiceAtLocation.objects.filter(service__uuid__in=list(self.services)).delete()
        ServiceAtLocation.objects.bulk_create(
            [
                ServiceAtLocation(
                    uuid=uuid_lib.UUID(lid),
                    service=self.services[sid].obj,
                    site_id=sites[loc],
                    note=note,
                    hsds_extra=extra,
                )
                for lid, sid, loc, note, extra in self.links
            ]
        )
        self.report.created["service_at_location"] += len(self.links)
        indexing.reindex(plan.obj.pk for plan in self.services.values())
        audit.record(
            AuditAction.IMPORT,
            actor=self.actor,
            detail="HSDS import: "
            + ", ".join(f"{k} +{v}" for k, v in sorted(self.report.created.items())),
        )

    def _write_service(self, plan: Plan, orgs: dict[str, Organisation]) -> None:
        service = plan.obj
        service.organisation = orgs[plan.org_uuid]  # type: ignore[attr-defined]
        notes = self.notes.get(str(service.uuid))
        if notes:
            service.needs_review, service.review_note = True, "\n".join(dict.fromkeys(notes))
            self.report.review["service"] += 1
        service.save()
        for name in ("activities", "interventions", "target_groups", "languages", "delivery_modes"):
            getattr(service, name).set(plan.extra["m2m"].get(name, []))
        service.areas.all().delete()  # type: ignore[attr-defined]
        ServiceArea.objects.bulk_create(
            [
                ServiceArea(uuid=uuid_lib.UUID(aid), service=service, area=area, hsds_extra=extra)
                for aid, area, extra in plan.extra["areas"]
            ]
        )
        (self.report.created if plan.new else self.report.updated)["service"] += 1


def _own_ids(rid: str, extra: dict[str, Any]) -> set[str]:
    """The ids CareNet's export gives the nested rows of record `rid` (see `out`)."""
    ids = {hsds_out.stable_id(rid, k) for k in ("phone", "contact", "address", "accessibility")}
    ids.add(hsds_out.stable_id(rid, "cost"))
    ids |= {hsds_out.stable_id(rid, "language", r.get("code")) for r in extra.get("languages", [])}
    ids |= {hsds_out.stable_id(rid, "schedule", i) for i in range(len(extra.get("schedules", [])))}
    return ids


def hsds_out_is_uuid(value: Any) -> bool:
    try:
        uuid_lib.UUID(str(value))
    except ValueError:
        return False
    return True


def _age(value: Any, name: str) -> int | None:
    number = _float(value, name, 0, 130)
    return None if number is None else int(number)


def _date(value: Any, name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise RowProblem(name, "must be a date (YYYY-MM-DD)") from exc


def _time(value: Any, name: str) -> str:
    if value in (None, ""):
        return ""
    match = _TIME.match(str(value))
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        raise RowProblem(name, "must be a time (HH:MM)")
    return f"{match.group(1)}:{match.group(2)}"
