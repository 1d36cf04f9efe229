"""Reports test data, made through the real services of each app."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from carenet.conftest import People
from carenet.reports import services
from carenet.reports.models import Programme, Target

START = datetime.date(2026, 1, 1)
DUE = datetime.date(2026, 12, 31)
TODAY = datetime.date(2026, 7, 2)  # 182 of the 364 days from START to DUE: half the time


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def codes(taxonomies: None) -> None:
    """The real code lists (4W activities, target groups)."""


def space(people: People, place: Any, opened: datetime.date | None, name: str) -> Any:
    from carenet.community import services as community

    return community.space_create(
        actor=people.org_admin,
        community=place,
        organisation=people.org_a,
        offers=[],
        name=name,
        opened_on=opened,
    )


def programme(people: People, name: str = "Support spaces", **fields: Any) -> Programme:
    return services.programme_save(
        actor=people.coordinator,
        programme=Programme(name=name, starts_on=fields.pop("starts_on", START), **fields),
    )


def target(people: People, prog: Programme, unit: str, number: int, **fields: Any) -> Target:
    return services.target_save(
        actor=people.coordinator,
        target=Target(
            programme=prog, unit=unit, number=number, due_on=fields.pop("due_on", DUE), **fields
        ),
    )
