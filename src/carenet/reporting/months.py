"""Reporting months: the first day of a calendar month stands for the month."""

from __future__ import annotations

import calendar
import datetime
import re

from django.utils import timezone

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class BadMonth(ValueError):
    """A month that is not written YYYY-MM."""


def parse_month(text: str) -> datetime.date:
    """`"2025-03"` -> `date(2025, 3, 1)`; raises BadMonth otherwise."""
    match = _MONTH.match(text or "")
    if not match:
        raise BadMonth(text)
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise BadMonth(text)
    return datetime.date(year, month, 1)


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_day(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def key(month: datetime.date) -> str:
    """`date(2025, 3, 1)` -> `"2025-03"` (URLs, file names, exports)."""
    return f"{month.year:04d}-{month.month:02d}"


def current_reporting_month(today: datetime.date | None = None) -> datetime.date:
    """The month organisations report on now: the previous calendar month."""
    today = today or timezone.localdate()
    return add_months(month_of(today), -1)


def recent(n: int, today: datetime.date | None = None) -> list[datetime.date]:
    """The last `n` reporting months, newest first."""
    start = current_reporting_month(today)
    return [add_months(start, -i) for i in range(n)]


class MonthConverter:
    """URL converter for `YYYY-MM`."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        try:
            return parse_month(value)
        except BadMonth as exc:
            raise ValueError(value) from exc

    def to_url(self, value: datetime.date | str) -> str:
        return value if isinstance(value, str) else key(value)
