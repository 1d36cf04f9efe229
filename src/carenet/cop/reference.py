"""Loading the CoP reference data from `cop/data/*.csv`.

Idempotent: rows are matched by their natural keys. Existing rows are left as superusers
edited them unless `update=True`, which rewrites them from the files.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_noop

from carenet.cop.models import (
    CompetencyFramework,
    CompetencyItem,
    CompetencyLevel,
    Curriculum,
    Profession,
    SupervisionTheme,
    WellbeingItem,
    WellbeingMeasure,
    WellbeingOption,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


def rows(name: str, data_dir: Path = DATA_DIR) -> Iterator[dict[str, str]]:
    """The rows of one CSV file, with surrounding spaces stripped."""
    with (data_dir / name).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield {k.strip(): (v or "").strip() for k, v in row.items() if k}


def _bool(value: str) -> bool:
    if value.lower() not in {"true", "false", "1", "0", ""}:
        raise ValueError(f"not a boolean: {value!r}")
    return value.lower() in {"true", "1"}


def _put(
    model: type[models.Model],
    keys: dict[str, Any],
    values: dict[str, Any],
    update: bool,
    counts: dict[str, int],
) -> Any:
    obj = model._default_manager.filter(**keys).first()
    if obj is None:
        obj = model._default_manager.create(**keys, **values)
        counts["created"] += 1
    elif update:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        counts["updated"] += 1
    return obj


def _names(row: dict[str, str], stem: str = "name") -> dict[str, str]:
    return {f"{stem}_{lang}": row.get(f"{stem}_{lang}", "") for lang in ("en", "uk", "pl")}


@transaction.atomic
def load_reference(*, update: bool = False, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load every reference file; returns how many rows were created and updated."""
    counts = {"created": 0, "updated": 0}
    for row in rows("professions.csv", data_dir):
        _put(
            Profession,
            {"code": row["code"]},
            {**_names(row), "sector": row["sector"], "sort_order": int(row["sort_order"])},
            update,
            counts,
        )
    for row in rows("supervision_themes.csv", data_dir):
        _put(
            SupervisionTheme,
            {"code": row["code"]},
            {**_names(row), "sort_order": int(row["sort_order"])},
            update,
            counts,
        )
    for row in rows("curricula.csv", data_dir):
        _put(
            Curriculum,
            {"code": row["code"]},
            {
                **_names(row),
                **_names(row, "description"),
                "intervention": row["intervention"],
                "typical_hours": row["typical_hours"] or None,
                "source_url": row["source_url"],
                "verified": _bool(row["verified"]),
                "sort_order": int(row["sort_order"]),
            },
            update,
            counts,
        )
    _load_frameworks(data_dir, update, counts)
    _load_measures(data_dir, update, counts)
    return counts


def _load_frameworks(data_dir: Path, update: bool, counts: dict[str, int]) -> None:
    frameworks: dict[str, CompetencyFramework] = {}
    for row in rows("competency_frameworks.csv", data_dir):
        frameworks[row["code"]] = _put(
            CompetencyFramework,
            {"code": row["code"], "version": row["version"]},
            {
                **_names(row),
                **_names(row, "description"),
                "source_url": row["source_url"],
                "is_default": _bool(row["is_default"]),
            },
            update,
            counts,
        )
    for row in rows("competency_levels.csv", data_dir):
        _put(
            CompetencyLevel,
            {"framework": frameworks[row["framework"]], "level": int(row["level"])},
            {**_names(row, "label"), **_names(row, "description")},
            update,
            counts,
        )
    for row in rows("competency_items.csv", data_dir):
        _put(
            CompetencyItem,
            {"framework": frameworks[row["framework"]], "code": row["code"]},
            {**_names(row), **_names(row, "description"), "sort_order": int(row["sort_order"])},
            update,
            counts,
        )


def _load_measures(data_dir: Path, update: bool, counts: dict[str, int]) -> None:
    measures: dict[str, WellbeingMeasure] = {}
    for row in rows("wellbeing_measures.csv", data_dir):
        measures[row["code"]] = _put(
            WellbeingMeasure,
            {"code": row["code"], "version": row["version"]},
            {
                **_names(row),
                **_names(row, "instructions"),
                **{
                    f: int(row[f])
                    for f in (
                        "item_min",
                        "item_max",
                        "multiplier",
                        "poor_raw_below",
                        "interval_days",
                    )
                },
                "low_item_at_most": int(row["low_item_at_most"])
                if row["low_item_at_most"]
                else None,
                "licence": row["licence"],
                "credit": row["credit"],
                "source_url": row["source_url"],
                "official_languages": row["official_languages"],
            },
            update,
            counts,
        )
    for row in rows("wellbeing_items.csv", data_dir):
        _put(
            WellbeingItem,
            {"measure": measures[row["measure"]], "number": int(row["number"])},
            _names(row, "text"),
            update,
            counts,
        )
    for row in rows("wellbeing_options.csv", data_dir):
        _put(
            WellbeingOption,
            {"measure": measures[row["measure"]], "value": int(row["value"])},
            _names(row, "label"),
            update,
            counts,
        )


# The shipped measure's licence and credit, as in data/wellbeing_measures.csv, marked for
# translation: the page shows them in the reader's language when a translation exists.
ATTRIBUTION = (
    gettext_noop(
        "The WHO-5 is free to use without permission. CareNet shows it unmodified with "
        "its source credited. The item text is official in English; the Ukrainian and "
        "Polish wording shipped here is a working translation, marked as such on screen, "
        "to be replaced by the official language versions published by the Psychiatric "
        "Research Unit, which asks that any deviation from its language versions be "
        "clearly marked."
    ),
    gettext_noop(
        "WHO-5 Well-Being Index. Psychiatric Research Unit, Mental Health Centre North "
        "Zealand, Hillerød, Denmark (WHO Collaborating Centre in Mental Health). World "
        "Health Organization (1998), Wellbeing Measures in Primary Health Care: The "
        "DepCare Project, WHO Regional Office for Europe."
    ),
)
