"""Template helpers of the 4W pages: sortable headers, suppressed cells, status badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import get_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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


class Numbers:
    """`figure` and `people` for the cells of a long table: the active language's
    separators looked up once per row rather than once per number."""

    def __init__(self) -> None:
        lang = get_language()
        self.grouping = get_format("NUMBER_GROUPING", lang)
        self.separator = get_format("THOUSAND_SEPARATOR", lang)

    def whole(self, value: int) -> str:
        if self.grouping != 3:  # not one of CareNet's languages: the general way
            return number_format(value, force_grouping=True)
        text = f"{value:,}"
        return text if self.separator == "," else text.replace(",", self.separator)

    def figure(self, value: Any) -> str:
        if type(value) is int:
            return self.whole(value)
        return figure(value)

    def people(self, value: Any) -> str:
        if type(value) is int:
            return self.whole(value)
        return people(value)


@register.simple_tag
def area_row(row: dict[str, Any], columns: list[Any]) -> SafeString:
    """One row of the gap table: the area's name as the row header, people counts that may
    be suppressed, one cell per pyramid layer. A tag rather than template nodes per cell:
    the table shows dozens of rows of some twenty cells."""
    numbers = Numbers()
    gap = escape(_("gap"))
    cells = []
    for c in columns:
        key, value = c.key, row.get(c.key)
        if key == "name":
            cells.append(f'<th scope="row">{escape(value)}</th>')
        elif key == "reached":
            cells.append(f"<td>{escape(numbers.people(value))}</td>")
        elif key.endswith("_reached"):  # one layer: organisations · people reached, gap
            n = key[1]
            orgs = escape(numbers.figure(row.get(f"l{n}_orgs")))
            badge = f' <span class="badge bad">{gap}</span>' if row.get(f"l{n}_gap") else ""
            cells.append(f'<td class="layer">{orgs} · {escape(numbers.people(value))}{badge}</td>')
        else:
            cells.append(f"<td>{escape(numbers.figure(value))}</td>")
    return mark_safe("<tr>" + "".join(cells) + "</tr>")  # noqa: S308 - each cell is escaped
