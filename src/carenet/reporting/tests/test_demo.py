"""The demo builder and the benchmarks' bulk path."""

from __future__ import annotations

import random

import pytest

from carenet.conftest import People
from carenet.core.demo import DemoContext
from carenet.reporting import demo, months
from carenet.reporting.models import (
    ActivityReport,
    AreaRollup,
    PeriodStatus,
    ReportingMonth,
    ReportingPeriod,
)

pytestmark = pytest.mark.django_db


def _ctx(people: People, areas: dict, scale: str = "small") -> DemoContext:
    ctx = DemoContext(seed=3, scale=scale, rng=random.Random(3), log=lambda _m: None)
    ctx.organisations = [people.org_a, people.org_b]
    ctx.areas = [areas["irpin"], areas["lviv"]]
    ctx.users = {"coordinator": people.coordinator, "focal": people.focal_point}
    ctx.members = {
        people.org_a.pk: {"focal_point": people.focal_point},
        people.org_b.pk: {"focal_point": people.outsider},
    }
    ctx.shared["org_areas"] = {
        people.org_a.pk: [areas["irpin"], areas["lviv"]],
        people.org_b.pk: [areas["lviv"]],
    }
    return ctx


def test_the_small_demo_reports_through_the_workflow(
    people: People, areas: dict, codes: dict[str, str]
) -> None:
    demo.build(_ctx(people, areas))
    assert ActivityReport.objects.exists()
    statuses = set(ReportingPeriod.objects.values_list("status", flat=True))
    assert PeriodStatus.VALIDATED in statuses
    oldest = min(months.recent(demo.SMALL_MONTHS))
    assert ReportingMonth.objects.get(month=oldest).locked
    assert AreaRollup.objects.filter(area=areas["lviv"]).exists()
    for row in ActivityReport.objects.all():
        parts = [
            getattr(row, f)
            for f in (
                "reached_f_0_17",
                "reached_m_0_17",
                "reached_f_18_59",
                "reached_m_18_59",
                "reached_f_60",
                "reached_m_60",
            )
        ]
        assert sum(parts) == row.reached_total


def test_the_bulk_path_writes_rows_and_rollups(
    people: People, areas: dict, codes: dict[str, str]
) -> None:
    ctx = _ctx(people, areas, "national")
    wanted = sorted(months.recent(2))
    count = demo.bulk_rows(ctx.organisations, ctx.shared["org_areas"], wanted, 5, ctx.rng)
    assert count == ActivityReport.objects.count() >= 12
    newest = ReportingPeriod.objects.filter(month=wanted[-1]).values_list("status", flat=True)
    assert set(newest) == {PeriodStatus.SUBMITTED}
    lviv = AreaRollup.objects.get(month=wanted[0], area=areas["lviv"])
    assert lviv.reached_total == sum(
        ActivityReport.objects.filter(month=wanted[0], area=areas["lviv"]).values_list(
            "reached_total", flat=True
        )
    )
