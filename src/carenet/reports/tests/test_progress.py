"""Target progress counted from records, on cases computed by hand."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from carenet.conftest import People
from carenet.reporting.tests.factories import add_row
from carenet.reports import progress
from carenet.reports.models import Unit
from carenet.reports.tests.conftest import DUE, START, TODAY, programme, space, target

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("achieved", "today", "status", "expected"),
    [
        (5, TODAY, "on_track", 5.0),  # half the time, half the number
        (4.5, TODAY, "on_track", 5.0),  # 90 % of the pace: still on track
        (4, TODAY, "at_risk", 5.0),  # 80 %
        (3.5, TODAY, "at_risk", 5.0),  # 70 %
        (3, TODAY, "behind", 5.0),  # 60 %
        (0, START, "on_track", 0.0),  # nothing expected on the first day
        (10, TODAY, "met", 10.0),
        (9, datetime.date(2027, 1, 1), "behind", 10.0),  # the date has passed
        (10, datetime.date(2027, 1, 1), "met", 10.0),
    ],
)
def test_status_against_an_even_pace(
    achieved: float, today: datetime.date, status: str, expected: float
) -> None:
    found, by_now = progress.status_of(achieved, 10, START, DUE, today)  # type: ignore[arg-type]
    assert (found, round(by_now, 3)) == (status, expected)


def test_support_spaces_opened_count_in_the_window_and_area(
    people: People, areas: dict[str, Any]
) -> None:
    irpin, lviv = areas["irpin"], areas["lviv"]
    for i, day in enumerate(
        [datetime.date(2026, 2, 1), datetime.date(2026, 3, 1), datetime.date(2026, 5, 1), TODAY]
    ):
        space(people, irpin, day, f"Space {i}")
    space(people, irpin, datetime.date(2025, 12, 31), "Before the programme")
    space(people, irpin, datetime.date(2026, 7, 3), "After today")
    space(people, irpin, None, "Not open yet")
    space(people, lviv, datetime.date(2026, 3, 1), "Elsewhere")
    prog = programme(people)
    in_kyiv = target(people, prog, Unit.SPACES_OPENED, 10, area=areas["kyiv_obl"])
    everywhere = target(people, prog, Unit.SPACES_OPENED, 10)
    found = progress.progress_of(people.coordinator, in_kyiv, TODAY)
    assert (found.achieved, found.expected, found.status) == (4, 5.0, "at_risk")
    assert found.percent == 40 and found.shown == 4  # spaces are not people
    assert progress.progress_of(people.coordinator, everywhere, TODAY).achieved == 5
    # an oblast coordinator of Kyiv sees the Kyiv spaces only
    assert progress.progress_of(people.oblast_coordinator, everywhere, TODAY).achieved == 4


def test_people_reached_and_sessions_come_from_the_4w(
    people: People, areas: dict[str, Any], taxonomies: None
) -> None:
    march = datetime.date(2026, 3, 1)
    add_row(people.focal_point, people.org_a, month=march, reached_total=20, sessions=6)
    add_row(
        people.focal_point, people.org_a, month=march, activity="7.1", reached_total=30, sessions=5
    )
    add_row(
        people.focal_point,
        people.org_a,
        month=march,
        pcode="UA4606025",
        reached_total=40,
        sessions=0,
    )
    may = datetime.date(2026, 5, 1)  # after the reach target's date: not counted for it
    add_row(people.focal_point, people.org_a, month=may, reached_total=3, sessions=0)
    prog = programme(people, "Reach")
    reach = target(
        people,
        prog,
        Unit.PEOPLE_REACHED,
        100,
        area=areas["bucha"],
        due_on=datetime.date(2026, 4, 30),
    )
    found = progress.progress_of(people.coordinator, reach, TODAY)
    assert (found.achieved, found.status) == (50, "behind")  # 20 + 30 in Bucha raion by April
    sessions = target(people, prog, Unit.SESSIONS_DELIVERED, 10)
    assert progress.progress_of(people.coordinator, sessions, TODAY).status == "met"  # 6 + 5
    small = target(people, prog, Unit.PEOPLE_REACHED, 500, area=areas["irpin"], due_on=DUE)
    add_row(
        people.focal_point,
        people.org_a,
        month=datetime.date(2026, 6, 1),
        pcode="UA3208015",
        reached_total=2,
    )
    assert progress.progress_of(people.coordinator, small, TODAY).achieved == 55
    assert progress.progress_of(people.viewer, reach, TODAY).achieved == 50  # own rows


def test_a_count_of_few_people_is_suppressed_when_shown(
    people: People, areas: dict[str, Any], taxonomies: None
) -> None:
    add_row(people.focal_point, people.org_a, month=datetime.date(2026, 2, 1), reached_total=3)
    prog = programme(people, "Small")
    found = progress.progress_of(
        people.coordinator, target(people, prog, Unit.PEOPLE_REACHED, 10), TODAY
    )
    assert (found.achieved, found.shown) == (3, None)
