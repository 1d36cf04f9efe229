"""Small-cell suppression: the one function every aggregate leaving an organisation uses.

A count below CARENET_MIN_CELL (default 5), other than zero, could single out a small group
of people; it is replaced by None (shown as "<5"). Rates and shares computed from a suppressed
count are suppressed with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings


def min_cell() -> int:
    return int(settings.CARENET_MIN_CELL)


def suppress(value: int | None, threshold: int | None = None) -> int | None:
    """The count, or None when it is small enough to identify people."""
    if value is None:
        return None
    limit = min_cell() if threshold is None else threshold
    return None if 0 < value < limit else value


def suppress_rows(
    rows: Iterable[Mapping[str, Any]],
    count_fields: Sequence[str],
    derived: Mapping[str, str] | None = None,
    threshold: int | None = None,
) -> list[dict[str, Any]]:
    """Suppress `count_fields` in every row; each field in `derived` (field -> the count it
    is computed from) is blanked when its source count is suppressed."""
    out = []
    for row in rows:
        new = dict(row)
        for name in count_fields:
            new[name] = suppress(row.get(name), threshold)
        for name, source in (derived or {}).items():
            if new.get(source) is None and row.get(source) is not None:
                new[name] = None
        out.append(new)
    return out


def label(value: int | None) -> str:
    """How a suppressed cell reads in tables and exports."""
    return f"<{min_cell()}" if value is None else str(value)
