"""The demo builder makes the network's meetings, applications and advocacy goal."""

from __future__ import annotations

import random
from typing import Any

import pytest

from carenet.accounts import demo as accounts_demo
from carenet.conftest import client_for
from carenet.core.demo import DemoContext
from carenet.network import demo
from carenet.network.models import ActionPoint, Application, Decision, NetworkMeeting

pytestmark = pytest.mark.django_db


def test_the_demo_builds_meetings_with_an_overdue_action_for_the_focal_point(
    settings: Any,
) -> None:
    settings.CARENET_REQUIRE_2FA = False
    ctx = DemoContext(seed=1, scale="small", rng=random.Random(1), log=lambda _: None)
    accounts_demo.build(ctx)
    demo.build(ctx)
    assert NetworkMeeting.objects.count() == 4
    assert Decision.objects.filter(is_public=True).exists()
    assert ActionPoint.objects.overdue().exists()
    assert Application.objects.filter(status="pending").count() == 2
    body = client_for(ctx.users["focal"]).get("/").content.decode()
    assert "overdue action point" in body
