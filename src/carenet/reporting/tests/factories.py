"""Rows made through the real services."""

from __future__ import annotations

import datetime
from typing import Any

from carenet.accounts.models import Organisation, User
from carenet.reporting import services
from carenet.reporting.models import ActivityReport
from carenet.reporting.tests.conftest import MONTH


def add_row(
    actor: User, organisation: Organisation, *, month: datetime.date = MONTH, **cells: Any
) -> ActivityReport:
    values: dict[str, Any] = {
        "activity": "8.1",
        "pcode": "UA3208015",
        "status": "ongoing",
        "start_date": month.replace(day=3),
        "reached_total": 20,
    }
    values.update(cells)
    row, errors = services.row_save(
        actor=actor, organisation=organisation, month=month, cells=values
    )
    assert row is not None, errors
    return row
