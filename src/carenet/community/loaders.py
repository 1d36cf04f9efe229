"""Load the community app's reference data from `community/data/*.csv`.

Idempotent: rows are matched by their natural key (code, or edition + code, or stage number).
Missing rows are created. Existing rows are left as they are, because superusers may have
edited them in the admin (e.g. replaced CareNet's default implementation stages by the
published list); with `update=True` the files win and changed rows are rewritten.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from carenet.community.models import (
    ChecklistItem,
    CommunitySector,
    CrmDimension,
    CrmEdition,
    CrmStage,
    CrmStageAction,
    ImplementationStage,
    Programme,
    SupportOffer,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


class ReferenceFileError(ValueError):
    """A shipped reference file is inconsistent."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    files: dict[str, Counts] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            for name, c in self.files.items()
        ]


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _flag(value: str) -> bool:
    if value not in {"0", "1"}:
        raise ReferenceFileError(f"A flag is 0 or 1, not {value!r}.")
    return value == "1"


def _upsert(
    model: type[models.Model],
    key: dict[str, Any],
    values: dict[str, Any],
    update: bool,
    counts: Counts,
) -> models.Model:
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        counts.created += 1
        return model._default_manager.create(**key, **values)
    changed = [f for f, v in values.items() if getattr(obj, f) != v]
    if update and changed:
        for f in changed:
            setattr(obj, f, values[f])
        obj.save(update_fields=changed)
        counts.updated += 1
    else:
        counts.unchanged += 1
    return obj


def _simple(
    model: type[models.Model], name: str, extra: tuple[str, ...], update: bool, report: LoadReport
) -> None:
    counts = report.files.setdefault(name, Counts())
    for row in _rows(name):
        values: dict[str, Any] = {
            "label_en": row["label_en"],
            "label_uk": row["label_uk"],
            "label_pl": row["label_pl"],
            "sort_order": int(row["sort_order"]),
        }
        values.update({f: row[f] for f in extra})
        _upsert(model, {"code": row["code"]}, values, update, counts)


def _editions(update: bool, report: LoadReport) -> dict[str, CrmEdition]:
    counts = report.files.setdefault("crm_editions.csv", Counts())
    editions: dict[str, CrmEdition] = {}
    for row in _rows("crm_editions.csv"):
        values = {
            "name_en": row["name_en"],
            "name_uk": row["name_uk"],
            "name_pl": row["name_pl"],
            "source_url": row["source_url"],
            "verified": _flag(row["verified"]),
            "is_default": _flag(row["is_default"]),
            "sort_order": int(row["sort_order"]),
        }
        obj = _upsert(CrmEdition, {"code": row["code"]}, values, update, counts)
        editions[row["code"]] = obj  # type: ignore[assignment]
    return editions


def _dimensions(editions: dict[str, CrmEdition], update: bool, report: LoadReport) -> None:
    counts = report.files.setdefault("crm_dimensions.csv", Counts())
    for row in _rows("crm_dimensions.csv"):
        if row["edition"] not in editions:
            raise ReferenceFileError(f"Dimension {row['code']} names an unknown edition.")
        values: dict[str, Any] = {
            f: row[f]
            for f in (
                "letter",
                "name_en",
                "name_uk",
                "name_pl",
                "question_en",
                "question_uk",
                "question_pl",
            )
        }
        values["verified"] = _flag(row["verified"])
        key = {"edition": editions[row["edition"]], "code": row["code"]}
        _upsert(CrmDimension, key, values, update, counts)


def _stages(update: bool, report: LoadReport) -> None:
    counts = report.files.setdefault("crm_stages.csv", Counts())
    stages: dict[int, CrmStage] = {}
    for row in _rows("crm_stages.csv"):
        values: dict[str, Any] = {
            f: row[f]
            for f in (
                "name_en",
                "name_uk",
                "name_pl",
                "goal_en",
                "goal_uk",
                "goal_pl",
                "source_url",
            )
        }
        values["name_verified"] = _flag(row["name_verified"])
        values["goal_verified"] = _flag(row["goal_verified"])
        number = int(row["number"])
        stages[number] = _upsert(  # type: ignore[assignment]
            CrmStage, {"number": number}, values, update, counts
        )
    counts = report.files.setdefault("crm_stage_actions.csv", Counts())
    for row in _rows("crm_stage_actions.csv"):
        stage = stages.get(int(row["stage"]))
        if stage is None:
            raise ReferenceFileError(f"Action {row['code']} names an unknown stage.")
        values = {
            "stage": stage,
            "label_en": row["label_en"],
            "label_uk": row["label_uk"],
            "label_pl": row["label_pl"],
            "sort_order": int(row["sort_order"]),
            "verified": _flag(row["verified"]),
        }
        _upsert(CrmStageAction, {"code": row["code"]}, values, update, counts)


def _implementation_stages(update: bool, report: LoadReport) -> None:
    counts = report.files.setdefault("implementation_stages.csv", Counts())
    for row in _rows("implementation_stages.csv"):
        values: dict[str, Any] = {
            f: row[f]
            for f in (
                "name_en",
                "name_uk",
                "name_pl",
                "description_en",
                "description_uk",
                "description_pl",
                "source",
            )
        }
        values["number"] = int(row["number"])
        values["carenet_default"] = _flag(row["carenet_default"])
        _upsert(ImplementationStage, {"code": row["code"]}, values, update, counts)


@transaction.atomic
def load_reference(*, update: bool = False) -> LoadReport:
    """Load every reference file of the community app (see the module docstring)."""
    report = LoadReport()
    editions = _editions(update, report)
    _dimensions(editions, update, report)
    _stages(update, report)
    _implementation_stages(update, report)
    _simple(CommunitySector, "community_sectors.csv", (), update, report)
    _simple(
        Programme,
        "programmes.csv",
        ("description_en", "description_uk", "description_pl"),
        update,
        report,
    )
    _simple(SupportOffer, "support_offers.csv", (), update, report)
    _simple(ChecklistItem, "checklist_items.csv", ("help_en", "help_uk", "help_pl"), update, report)
    return report
