"""Loading the peer group kinds from `peer/data/group_kinds.csv` (idempotent, by code)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from carenet.peer.models import GroupKind

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_reference(*, update: bool = False, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Create missing kinds (and with `update`, rewrite existing ones from the file)."""
    counts = {"created": 0, "updated": 0}
    with (data_dir / "group_kinds.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            values = {
                "sort_order": int(row["sort_order"]),
                **{f"label_{lang}": row[f"label_{lang}"].strip() for lang in ("en", "uk", "pl")},
            }
            kind = GroupKind.objects.filter(code=row["code"].strip()).first()
            if kind is None:
                GroupKind.objects.create(code=row["code"].strip(), **values)
                counts["created"] += 1
            elif update:
                GroupKind.objects.filter(pk=kind.pk).update(**values)
                counts["updated"] += 1
    return counts
