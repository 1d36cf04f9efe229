"""Load instruments, their reliabilities and the IASC M&E groups from `outcomes/data/`.

Idempotent: rows are matched by code. Existing rows are kept as they are (a superuser may
have edited them in the admin) unless `update=True`, when the files win. A malformed file is
refused as a whole: nothing is written from it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from carenet.outcomes.models import Instrument, Licence, MEGroup
from carenet.outcomes.scoring import Definition, InvalidDefinition

DATA_DIR = Path(__file__).resolve().parent / "data"
# Never loaded, whatever a file says (REFERENCE.md §8): their items may not ship.
FORBIDDEN_ITEMS = {"SDQ", "CD-RISC", "HADS", "BDI", "BDI-II"}


class InstrumentFileError(ValueError):
    """A data file that cannot be loaded; the message names the file and the problem."""


@dataclass
class LoadReport:
    counts: dict[str, list[int]] = field(default_factory=dict)  # name -> [created, updated, same]

    def add(self, name: str, outcome: int) -> None:
        self.counts.setdefault(name, [0, 0, 0])[outcome] += 1

    def lines(self) -> list[str]:
        return [
            f"{name}: {c[0]} created, {c[1]} updated, {c[2]} unchanged"
            for name, c in self.counts.items()
        ]


def _flag(value: str, where: str) -> bool:
    if value not in {"true", "false"}:
        raise InstrumentFileError(f"{where}: a flag is true or false, not {value!r}")
    return value == "true"


def read_instrument(path: Path) -> dict[str, Any]:
    """One instrument file, checked: it must score, and respect its licence."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InstrumentFileError(f"{path.name}: not readable JSON ({exc})") from exc
    if not isinstance(data, dict) or not data.get("code"):
        raise InstrumentFileError(f"{path.name}: no instrument code")
    code = str(data["code"]).upper()
    if code in FORBIDDEN_ITEMS and data.get("items"):
        raise InstrumentFileError(f"{path.name}: the items of {code} may not ship")
    if data.get("licence") not in Licence.values:
        raise InstrumentFileError(f"{path.name}: unknown licence {data.get('licence')!r}")
    if data["licence"] == Licence.SCORES_ONLY and data.get("items"):
        raise InstrumentFileError(f"{path.name}: a scores-only instrument may not list items")
    try:
        Definition.from_data(data)
    except InvalidDefinition as exc:
        raise InstrumentFileError(f"{path.name}: {exc}") from exc
    return data


def read_reliabilities(path: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            where = f"{path.name} line {line}"
            try:
                r, sd = float(row["reliability"]), float(row["sd"])
            except (KeyError, TypeError, ValueError) as exc:
                raise InstrumentFileError(f"{where}: reliability and sd are numbers") from exc
            if not 0 < r < 1 or sd <= 0:
                raise InstrumentFileError(f"{where}: reliability in (0, 1), sd above 0")
            out[row["instrument"]] = {
                "reliability": r,
                "reliability_kind": row.get("kind", ""),
                "sd": sd,
                "reliability_source": row.get("source", ""),
                "reliability_verified": _flag(row.get("verified", ""), where),
            }
    return out


def _upsert(model: Any, code: str, values: dict[str, Any], update: bool) -> tuple[Any, int]:
    obj = model.objects.filter(code=code).first()
    if obj is None:
        return model.objects.create(code=code, **values), 0
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if update and changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
        return obj, 1
    return obj, 2


@transaction.atomic
def load_instruments(data_dir: Path = DATA_DIR, *, update: bool = False) -> LoadReport:
    """Load M&E groups, then every instrument file with its reliability row."""
    report = LoadReport()
    groups = {}
    with (data_dir / "me-groups.csv").open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            where = f"me-groups.csv line {line}"
            values = {
                "label_en": row["label_en"],
                "label_uk": row.get("label_uk", ""),
                "label_pl": row.get("label_pl", ""),
                "description_en": row.get("description_en", ""),
                "source_url": row.get("source_url", ""),
                "verified": _flag(row.get("verified", ""), where),
                "sort_order": int(row.get("sort_order") or 0),
            }
            groups[row["code"]], outcome = _upsert(MEGroup, row["code"], values, update)
            report.add("M&E groups", outcome)
    reliabilities = read_reliabilities(data_dir / "reliability.csv")
    for path in sorted((data_dir / "instruments").glob("*.json")):
        data = read_instrument(path)
        if data.get("me_group") and data["me_group"] not in groups:
            raise InstrumentFileError(f"{path.name}: unknown M&E group {data['me_group']!r}")
        values = _instrument_values(data, groups, reliabilities.get(data["code"], {}))
        _, outcome = _upsert(Instrument, data["code"], values, update)
        report.add("instruments", outcome)
    return report


def _instrument_values(
    data: dict[str, Any], groups: dict[str, MEGroup], reliability: dict[str, Any]
) -> dict[str, Any]:
    name = data.get("name") or {}
    definition = {
        k: data[k]
        for k in (
            "recall",
            "scoring",
            "options",
            "items",
            "bands",
            "safety",
            "cutoff",
            "direction",
            "note",
        )
        if k in data
    }
    definition["code"] = data["code"]
    return {
        "name_en": name.get("en", data["code"]),
        "name_uk": name.get("uk", ""),
        "name_pl": name.get("pl", ""),
        "version": str(data.get("version", "")),
        "licence": data["licence"],
        "licence_note": data.get("licence_note", ""),
        "source_url": data.get("source_url", ""),
        "me_group": groups.get(data.get("me_group") or ""),
        "definition": definition,
        "verified": bool(data.get("verified")),
        "reliability": reliability.get("reliability"),
        "reliability_kind": reliability.get("reliability_kind", ""),
        "sd": reliability.get("sd"),
        "reliability_source": reliability.get("reliability_source", ""),
        "reliability_verified": reliability.get("reliability_verified", False),
    }


def shipped_definition(code: str) -> Definition:
    """The definition of a shipped instrument file, with its reliability (no database)."""
    for path in (DATA_DIR / "instruments").glob("*.json"):
        data = read_instrument(path)
        if data["code"].upper() == code.upper():
            rel = read_reliabilities(DATA_DIR / "reliability.csv").get(data["code"], {})
            return Definition.from_data(data, rel)
    raise InstrumentFileError(f"no instrument {code!r}")
