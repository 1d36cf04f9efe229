"""Loading the feedback code lists from `feedback/data/*.csv` (idempotent, by code)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from carenet.feedback.models import (
    CodeListEntry,
    ComplaintCategory,
    SatisfactionQuestion,
    Theme,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES: tuple[tuple[str, type[CodeListEntry]], ...] = (
    ("satisfaction_questions.csv", SatisfactionQuestion),
    ("complaint_categories.csv", ComplaintCategory),
    ("themes.csv", Theme),
)


def _values(row: dict[str, str]) -> dict[str, object]:
    values: dict[str, object] = {
        "sort_order": int(row["sort_order"]),
        **{f"label_{lang}": row[f"label_{lang}"].strip() for lang in ("en", "uk", "pl")},
    }
    if "sensitive" in row:
        flag = row["sensitive"].strip().lower()
        if flag not in {"true", "false"}:
            raise ValueError(f"{row['code']}: sensitive must be true or false, not {flag!r}")
        values["sensitive"] = flag == "true"
    return values


@transaction.atomic
def load_reference(*, update: bool = False, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Create missing rows (and with `update`, rewrite existing ones from the files)."""
    counts = {"created": 0, "updated": 0}
    for name, model in FILES:
        with (data_dir / name).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                values = _values(row)
                obj = model._default_manager.filter(code=row["code"].strip()).first()
                if obj is None:
                    model._default_manager.create(code=row["code"].strip(), **values)
                    counts["created"] += 1
                elif update:
                    for field, value in values.items():
                        setattr(obj, field, value)
                    obj.save()
                    counts["updated"] += 1
    return counts
