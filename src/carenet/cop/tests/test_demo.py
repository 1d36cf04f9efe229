"""The demo builder makes a believable CoP network through the services."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.urls import reverse

from carenet.accounts import demo as accounts_demo
from carenet.conftest import client_for
from carenet.cop import demo
from carenet.cop.models import (
    Attendance,
    Certificate,
    CommunityOfPractice,
    CompetencyAssessment,
    SupervisionLog,
    WellbeingCheckIn,
)
from carenet.cop.queries.wellbeing import cop_wellbeing
from carenet.core.demo import DemoContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(settings: Any) -> DemoContext:
    settings.CARENET_REQUIRE_2FA = False
    context = DemoContext(seed=1, scale="small", rng=random.Random(1), log=lambda _: None)
    accounts_demo.build(context)
    return context


def test_the_demo_builds_cops_across_organisations(ctx: DemoContext) -> None:
    demo.build(ctx)
    cops = CommunityOfPractice.objects.all()
    assert cops.count() >= 8 and cops.filter(visibility="private").exists()
    assert len({c.host_id for c in cops}) >= 5
    assert Attendance.objects.filter(present=True).exists()
    assert SupervisionLog.objects.filter(kind="group").exists()
    assert Certificate.objects.exists() and CompetencyAssessment.objects.exists()
    kyiv = CommunityOfPractice.objects.get(name="Kyiv region psychosocial practitioners")
    assert cop_wellbeing(kyiv)[0].mean_percent is not None  # enough check-ins to show
    page = client_for(ctx.users["practitioner"]).get(reverse("cop:me")).context["page"]
    assert page.upcoming and page.trainings and page.hours_received > 0 and page.trends
    assert WellbeingCheckIn.objects.filter(user=ctx.users["practitioner"]).exists()
    assert "cops" in ctx.shared
