"""Load the gazetteers shipped in `geo/data/` into `AdminArea`.

Loading is an upsert by P-code, level by level (parents first), with bulk operations in one
transaction: loading the same files twice changes nothing and reports every row unchanged.
Rows of the country that the files no longer hold are left in place (other records point at
them) and counted as `not_in_files`. See docs/geo.md.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from carenet.geo.models import AdminArea, BoundarySet
from carenet.geo.text import search_text

DATA_DIR = Path(__file__).resolve().parent / "data"
UA_DIR = DATA_DIR / "ukraine"
PL_DIR = DATA_DIR / "poland"

UA_VERSION = "cod-ab-2026-02"
UA_SOURCE = (
    "Administrative boundaries and P-codes: OCHA COD-AB Ukraine (via DRC Ukraine "
    "ua-location), CC BY-IGO 3.0; KATOTTG, hromada population 2022 and attributes: KSE "
    "Decentralization Data Hub (State Statistics Service of Ukraine, NHSU), MIT; oblast "
    "outlines: geoBoundaries. See geo/data/ukraine/SOURCE.md."
)
UA_POPULATION_SOURCE = "State Statistics Service of Ukraine, 1 Jan 2022 (via KSE)"
UA_POPULATION_SUM_SOURCE = "Sum of hromada population, SSSU 2022 (via KSE)"

PL_VERSION = "terc-2024-01-01"
PL_SOURCE = (
    "TERYT/TERC: Statistics Poland (GUS), state 2024-01-01 (Źródło: GUS, TERYT). Boundaries: "
    "GUGiK PRG (via waszkiewiczja/GeoJSON-Polska, public domain; and ppatrzyk/polska-geojson, "
    "MIT). Gmina population and area: GUS figures via KuchnowskiP/Database-For-Administrative-"
    "Division-Of-Poland (no licence stated). See geo/data/poland/SOURCE.md."
)
PL_POPULATION_SOURCE = "GUS via KuchnowskiP database; reference date not stated (2021/2022)"


class GazetteerFileError(ValueError):
    """A shipped file is inconsistent (a parent that does not exist, a duplicate code)."""


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    """What one load did, per level (1 = oblast / voivodeship ... 4 = settlement)."""

    country: str
    version: str
    levels: dict[int, LevelCounts] = field(default_factory=dict)
    not_in_files: int = 0
    seconds: float = 0.0

    @property
    def created(self) -> int:
        return sum(c.created for c in self.levels.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.levels.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.levels.values())

    @property
    def total(self) -> int:
        return sum(c.total for c in self.levels.values())


@dataclass
class AreaRow:
    """One area as the files describe it, before it meets the database."""

    pcode: str
    level: int
    parent: str | None
    name_en: str
    name_uk: str = ""
    name_pl: str = ""
    kind: str = ""
    population: int | None = None
    population_year: int | None = None
    population_source: str = ""
    lat: float | None = None
    lon: float | None = None
    boundary: dict[str, Any] | None = None
    flags: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)


# --- reading files --------------------------------------------------------------------------


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows as dicts of stripped strings: codes stay text, leading zeros kept."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            yield {k: (v or "").strip() for k, v in row.items()}


def read_geometries(path: Path, key: str, prefix: str = "") -> dict[str, dict[str, Any]]:
    """GeoJSON geometries by `prefix + properties[key]`."""
    with path.open(encoding="utf-8") as f:
        collection = json.load(f)
    return {prefix + feat["properties"][key]: feat["geometry"] for feat in collection["features"]}


def _int(value: str) -> int | None:
    return int(float(value)) if value else None


def _float(value: str) -> float | None:
    return float(value) if value else None


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values, so that attributes hold only what the source says."""
    return {k: v for k, v in values.items() if v not in (None, "", [])}


# --- Ukraine --------------------------------------------------------------------------------


def _ua_flags(pcode: str, *, pseudo: bool = False, reform: bool = False,
              occupied: bool = False) -> list[str]:  # fmt: skip
    flags = []
    if pcode.startswith("UA01"):  # the Autonomous Republic of Crimea
        flags.append("crimea")
    # Crimea and Sevastopol have been occupied since 2014; KSE marks the other 31 hromadas.
    if occupied or pcode.startswith(("UA01", "UA85")):
        flags.append("occupied_before_2022")
    if pseudo:
        flags.append("pseudo_unit")
    if reform:
        flags.append("reform_2020")
    return flags


def _ua_oblast_kind(pcode: str) -> str:
    if pcode == "UA01":
        return "autonomous_republic"
    return "city_special_status" if pcode in {"UA80", "UA85"} else "oblast"


def _ua_sum_population(row: dict[str, str]) -> dict[str, Any]:
    population = _int(row["population_2022_hromada_sum"])
    if population is None:
        return {}
    return {"population": population, "population_year": 2022,
            "population_source": UA_POPULATION_SUM_SOURCE}  # fmt: skip


def ua_oblasts() -> list[AreaRow]:
    shapes = read_geometries(UA_DIR / "ua_adm1_oblasts_simplified.geojson", "adm1_pcode")
    rows = []
    for r in read_csv(UA_DIR / "ua_adm1_oblasts.csv"):
        pcode = r["adm1_pcode"]
        rows.append(AreaRow(
            pcode=pcode, level=1, parent=None, name_en=r["adm1_name_en"],
            name_uk=r["adm1_name_uk"], kind=_ua_oblast_kind(pcode),
            lat=_float(r["lat"]), lon=_float(r["lon"]), boundary=shapes.get(pcode),
            flags=_ua_flags(pcode), **_ua_sum_population(r),
            attributes=_compact({
                "katottg": r["katottg"], "iso3166_2": r["iso3166_2"],
                "abbr3": r["adm1_abbr3"], "macro_region": r["macro_region_en"],
            }),
        ))  # fmt: skip
    return rows


def ua_raions() -> list[AreaRow]:
    rows = []
    for r in read_csv(UA_DIR / "ua_adm2_raions.csv"):
        pcode, pseudo = r["adm2_pcode"], not r["katottg"]
        rows.append(AreaRow(
            pcode=pcode, level=2, parent=r["adm1_pcode"], name_en=r["adm2_name_en"],
            name_uk=r["adm2_name_uk"], kind="" if pseudo else "raion",
            lat=_float(r["lat"]), lon=_float(r["lon"]), flags=_ua_flags(pcode, pseudo=pseudo),
            attributes=_compact({"katottg": r["katottg"]}), **_ua_sum_population(r),
        ))  # fmt: skip
    return rows


def _ua_hromada_attributes(r: dict[str, str]) -> dict[str, Any]:
    centre = None
    if r["admin_centre_lat"] and r["admin_centre_lon"]:
        centre = [float(r["admin_centre_lat"]), float(r["admin_centre_lon"])]
    return _compact({
        "katottg": r["katottg"], "area_km2": _float(r["area_km2"]),
        "n_settlements": _int(r["n_settlements"]),
        "population_urban": _int(r["population_urban_2022"]),
        "centre_name_uk": r["admin_centre_name_uk"], "centre_katottg": r["admin_centre_katottg"],
        "centre": centre,
    })  # fmt: skip


def ua_hromadas() -> list[AreaRow]:
    rows = []
    for r in read_csv(UA_DIR / "ua_adm3_hromadas.csv"):
        pcode, population = r["adm3_pcode"], _int(r["population_2022"])
        flags = _ua_flags(
            pcode, pseudo=not r["katottg"], reform=r["in_1469_reform_set"] == "1",
            occupied=r["occupied_before_2022"] == "1",
        )  # fmt: skip
        rows.append(AreaRow(
            pcode=pcode, level=3, parent=r["adm2_pcode"], name_en=r["adm3_name_en"],
            name_uk=r["adm3_name_uk"], kind=r["hromada_type"], population=population,
            population_year=2022 if population is not None else None,
            population_source=UA_POPULATION_SOURCE if population is not None else "",
            lat=_float(r["lat"]), lon=_float(r["lon"]), flags=flags,
            attributes=_ua_hromada_attributes(r),
        ))  # fmt: skip
    return rows


INHERITED_FLAGS = ("crimea", "occupied_before_2022")


def ua_settlements(hromadas: list[AreaRow]) -> list[AreaRow]:
    """Settlements under their hromada. 31 Crimean settlements name a hromada that is not a
    COD unit (the Sevastopol-area KATOTTG hromadas): they hang under the raion instead,
    flagged `hromada_not_in_cod`, with the hromada code kept in attributes."""
    by_pcode = {h.pcode: h for h in hromadas}
    rows = []
    for r in read_csv(UA_DIR / "ua_adm4_settlements.csv"):
        hromada = by_pcode.get(r["adm3_pcode"])
        flags = [f for f in INHERITED_FLAGS if f in (hromada.flags if hromada else [])]
        attributes = {}
        if hromada is None:
            flags = [*_ua_flags(r["adm4_pcode"])[:2], "hromada_not_in_cod"]
            attributes = {"adm3_pcode": r["adm3_pcode"]}
        rows.append(AreaRow(
            pcode=r["adm4_pcode"], level=4,
            parent=hromada.pcode if hromada else r["adm2_pcode"],
            name_en=r["adm4_name_en"], name_uk=r["adm4_name_uk"],
            lat=_float(r["lat"]), lon=_float(r["lon"]), flags=flags, attributes=attributes,
        ))  # fmt: skip
    return rows


def load_ukraine(*, settlements: bool = False) -> LoadReport:
    """Load Ukraine's oblasts, raions and hromadas (and settlements when asked)."""
    hromadas = ua_hromadas()
    levels = {1: ua_oblasts(), 2: ua_raions(), 3: hromadas}
    if settlements:
        levels[4] = ua_settlements(hromadas)
    return load_rows("UA", UA_VERSION, UA_SOURCE, levels)


# --- Poland ---------------------------------------------------------------------------------


def _pl_population(value: str) -> dict[str, Any]:
    population = _int(value)
    if population is None:
        return {}
    return {"population": population, "population_source": PL_POPULATION_SOURCE}


def pl_voivodeships() -> list[AreaRow]:
    path = PL_DIR / "pl_adm1_voivodeships_simplified.geojson"
    shapes = read_geometries(path, "voivodeship_teryt", prefix="PL")
    rows = []
    for r in read_csv(PL_DIR / "pl_adm1_voivodeships.csv"):
        teryt, name = r["voivodeship_teryt"], r["voivodeship_name_pl"]
        rows.append(AreaRow(
            pcode="PL" + teryt, level=1, parent=None, name_en=name, name_pl=name,
            kind="województwo", lat=_float(r["lat"]), lon=_float(r["lon"]),
            boundary=shapes.get("PL" + teryt), **_pl_population(r["population"]),
            attributes=_compact({"teryt": teryt, "plate_prefix": r["plate_prefix"],
                                 "area_km2": _float(r["area_km2"])}),
        ))  # fmt: skip
    return rows


def pl_powiats() -> list[AreaRow]:
    shapes = read_geometries(
        PL_DIR / "pl_adm2_powiats_simplified.geojson", "powiat_teryt", prefix="PL"
    )
    rows = []
    for r in read_csv(PL_DIR / "pl_adm2_powiats.csv"):
        teryt, name = r["powiat_teryt"], r["powiat_name_pl"]
        rows.append(AreaRow(
            pcode="PL" + teryt, level=2, parent="PL" + r["voivodeship_teryt"], name_en=name,
            name_pl=name, kind=r["powiat_kind_pl"], lat=_float(r["lat"]), lon=_float(r["lon"]),
            boundary=shapes.get("PL" + teryt), **_pl_population(r["population"]),
            attributes=_compact({
                "teryt": teryt, "plate_prefix": r["plate_prefix"],
                "area_km2": _float(r["area_km2"]),
                "city_with_powiat_rights": r["city_with_powiat_rights"] == "1",
            }),
        ))  # fmt: skip
    return rows


def pl_gminas(powiats: list[AreaRow]) -> list[AreaRow]:
    """Gminas. The files have no gmina centroid: each takes its powiat's, flagged
    `centroid_from_powiat`, so that distance queries still work (to ~20 km)."""
    centroid = {p.pcode: (p.lat, p.lon) for p in powiats}
    rows = []
    for r in read_csv(PL_DIR / "pl_adm3_gminas.csv"):
        teryt, name, parent = r["gmina_teryt"], r["gmina_name_pl"], "PL" + r["powiat_teryt"]
        lat, lon = centroid.get(parent, (None, None))
        rows.append(AreaRow(
            pcode="PL" + teryt, level=3, parent=parent, name_en=name, name_pl=name,
            kind=r["gmina_type_pl"], lat=lat, lon=lon, flags=["centroid_from_powiat"],
            **_pl_population(r["population"]),
            attributes=_compact({"teryt": teryt, "type": r["gmina_type"],
                                 "area_km2": _float(r["area_km2"])}),
        ))  # fmt: skip
    return rows


def load_poland() -> LoadReport:
    """Load Poland's voivodeships, powiats and gminas (P-code = "PL" + TERYT)."""
    powiats = pl_powiats()
    levels = {1: pl_voivodeships(), 2: powiats, 3: pl_gminas(powiats)}
    return load_rows("PL", PL_VERSION, PL_SOURCE, levels)


# --- the upsert -----------------------------------------------------------------------------


def load_rows(country: str, version: str, source: str,
              levels: dict[int, list[AreaRow]]) -> LoadReport:  # fmt: skip
    """Upsert `levels` (parents before children) as one boundary set, in one transaction."""
    started = time.perf_counter()
    report = LoadReport(country=country, version=version)
    with transaction.atomic():
        boundary_set, _ = BoundarySet.objects.get_or_create(
            country=country, version=version, defaults={"source": source}
        )
        existing = {a.pcode: a for a in AdminArea.objects.filter(country=country, level__in=levels)}
        placed: dict[str, tuple[int, str]] = {}  # pcode -> (id, path)
        for level in sorted(levels):
            report.levels[level] = _upsert_level(levels[level], existing, placed, boundary_set)
        loaded = set(placed)
        report.not_in_files = sum(
            1 for a in existing.values() if a.level in levels and a.pcode not in loaded
        )
        if report.created or report.updated or boundary_set.source != source:
            boundary_set.source = source
            boundary_set.save()
    if report.updated:
        from carenet.geo import maps

        maps.clear_cache()
    report.seconds = time.perf_counter() - started
    return report


def _upsert_level(rows: list[AreaRow], existing: dict[str, AdminArea],
                  placed: dict[str, tuple[int, str]],
                  boundary_set: BoundarySet) -> LevelCounts:  # fmt: skip
    counts = LevelCounts()
    to_create: list[dict[str, Any]] = []
    to_update: list[AdminArea] = []
    changed_fields: set[str] = set()
    seen: set[str] = set()
    for row in rows:
        if row.pcode in seen or row.pcode in placed:
            raise GazetteerFileError(f"P-code {row.pcode} appears twice in the files.")
        seen.add(row.pcode)
        values = _values(row, placed, boundary_set)
        area = existing.get(row.pcode)
        if area is None:
            to_create.append({"pcode": row.pcode, **values})
            continue
        changed = [name for name, value in values.items() if getattr(area, name) != value]
        if changed:
            for name in changed:
                setattr(area, name, values[name])
            changed_fields.update(changed)
            to_update.append(area)
        else:
            counts.unchanged += 1
        placed[row.pcode] = (area.pk, values["path"])
    _insert(to_create)
    ids = _ids_of([new["pcode"] for new in to_create])
    for new in to_create:
        placed[new["pcode"]] = (ids[new["pcode"]], new["path"])
    if to_update:
        names = [name.removesuffix("_id") for name in sorted(changed_fields)]
        AdminArea.objects.bulk_update(to_update, names, batch_size=500)
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _insert(new_rows: list[dict[str, Any]]) -> None:
    """INSERT with executemany from plain dicts of column values. `bulk_create` on SQLite is
    held to ~50 rows a statement by the parameter limit and builds a model instance per row:
    30,000 settlements took 6 s that way, under 2 s this way."""
    if not new_rows:
        return
    conn = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is asked 500,000 times
    fields = [f for f in AdminArea._meta.concrete_fields if not f.primary_key]
    # only JSON needs adapting; text, numbers and ids go to the driver as they are
    adapt = {f.attname: f for f in fields if f.get_internal_type() == "JSONField"}
    names = [f.attname for f in fields]
    table = conn.ops.quote_name(AdminArea._meta.db_table)
    columns = ", ".join(conn.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [
        [adapt[n].get_db_prep_save(new[n], conn) if n in adapt else new[n] for n in names]
        for new in new_rows
    ]
    with conn.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _ids_of(pcodes: list[str], chunk: int = 5000) -> dict[str, int]:
    ids: dict[str, int] = {}
    for i in range(0, len(pcodes), chunk):
        query = AdminArea.objects.filter(pcode__in=pcodes[i : i + chunk])
        ids.update(query.values_list("pcode", "id"))
    return ids


def _values(row: AreaRow, placed: dict[str, tuple[int, str]],
            boundary_set: BoundarySet) -> dict[str, Any]:  # fmt: skip
    parent_id, parent_path = None, ""
    if row.parent is not None:
        if row.parent not in placed:
            raise GazetteerFileError(f"{row.pcode}: parent {row.parent} is not in the files.")
        parent_id, parent_path = placed[row.parent]
    return {
        "level": row.level, "parent_id": parent_id, "path": f"{parent_path}{row.pcode}/",
        "country": boundary_set.country, "boundary_set_id": boundary_set.pk,
        "name_en": row.name_en, "name_uk": row.name_uk, "name_pl": row.name_pl,
        "kind": row.kind, "population": row.population,
        "population_year": row.population_year, "population_source": row.population_source,
        "lat": row.lat, "lon": row.lon, "boundary": row.boundary, "flags": row.flags,
        "attributes": row.attributes,
        "search_text": search_text([row.name_en, row.name_uk, row.name_pl, row.pcode]),
    }  # fmt: skip
