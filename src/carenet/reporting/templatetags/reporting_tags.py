"""Template helpers of the 4W pages: sortable headers, suppressed cells, status badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from carenet.core.suppression import label as suppressed_label
from carenet.reporting.models import PeriodStatus

register = template.Library()

_BADGES = {
    PeriodStatus.VALIDATED: "ok",
    PeriodStatus.SUBMITTED: "ok",
    PeriodStatus.RETURNED: "bad",
    PeriodStatus.DRAFT: "warn",
    "none": "warn",
}


@register.simple_tag
def sort_url(query: str, current: str, key: str) -> str:
    """`?…&sort=key`, or `-key` when the table is already sorted by `key` ascending."""
    new = f"-{key}" if current == key else key
    return f"?{query}&sort={new}" if query else f"?sort={new}"


@register.simple_tag
def sort_state(current: str, key: str) -> str:
    """aria-sort value of a column header."""
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.filter
def cell(row: dict[str, Any], key: str) -> Any:
    return row.get(key)


@register.filter
def people(value: Any) -> str:
    """A count of people that may have been suppressed (None reads "<5")."""
    if value is None:
        return suppressed_label(None)
    return number_format(value, force_grouping=True)


@register.filter
def figure(value: Any) -> str:
    """A number, or an en dash when there is none."""
    if value is None or value == "":
        return "\u2013"
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, int | float):
        return number_format(
            value, force_grouping=True, decimal_pos=None if isinstance(value, int) else 1
        )
    return str(value)


@register.simple_tag
def status_badge(status: str) -> SafeString:
    try:
        text = str(PeriodStatus(status).label)
    except ValueError:
        text = _("Not started")
    return format_html('<span class="badge {}">{}</span>', _BADGES.get(status, ""), text)


@register.simple_tag
def layer_cell(row: dict[str, Any], key: str) -> SafeString:
    """One layer of an area: organisations · people reached, and a gap badge."""
    n = key[1]
    orgs, reached, gap = row.get(f"l{n}_orgs"), row.get(key), row.get(f"l{n}_gap")
    badge = format_html(' <span class="badge bad">{}</span>', _("gap")) if gap else ""
    return format_html('<td class="layer">{} · {}{}</td>', figure(orgs), people(reached), badge)
