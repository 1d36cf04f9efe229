"""Model fields that point at the terms of one code list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def term_m2m(scheme: str, verbose_name: str | _StrPromise) -> models.ManyToManyField[Any, Any]:
    """Many terms of the code list `scheme` (e.g. "language"), chosen only from that list.

    Optional, with no reverse accessor: code lists are shared by every app, and a term does
    not need to know what points at it.
    """
    return models.ManyToManyField(
        "taxonomy.Term",
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        limit_choices_to={"scheme__code": scheme},
    )
