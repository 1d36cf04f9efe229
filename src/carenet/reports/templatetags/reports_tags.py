"""Template filters of the reports: how a suppressed count reads."""

from __future__ import annotations

from typing import Any

from django import template

from carenet.core.suppression import label

register = template.Library()


@register.filter
def cell(value: Any) -> str:
    """A count as shown: None (suppressed) reads "<5"; floats keep one decimal."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return label(value)
