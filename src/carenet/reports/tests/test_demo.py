"""The reports part of the demo network."""

from __future__ import annotations

import random
from typing import Any

import pytest

from carenet.conftest import People
from carenet.core.demo import DemoContext
from carenet.reports import demo
from carenet.reports.models import Grant, Programme, Target

pytestmark = pytest.mark.django_db


def test_the_demo_makes_programmes_targets_and_grants(
    people: People, areas: dict[str, Any]
) -> None:
    ctx = DemoContext(
        seed=1,
        scale="small",
        rng=random.Random(1),
        log=lambda _text: None,
        organisations=[people.org_a, people.org_b],
        areas=[areas["irpin"], areas["lviv"]],
    )
    demo.build(ctx)
    demo.build(ctx)  # twice: nothing more
    assert Programme.objects.count() == 2 and Target.objects.count() == 4
    assert Grant.objects.count() == 2
    assert Target.objects.get(unit="sessions_delivered").area == areas["kyiv_obl"]
