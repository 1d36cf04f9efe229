"""Fixtures of the CoP tests: reference data, an open and a private CoP, and factories."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from carenet.accounts.models import Organisation, User
from carenet.conftest import People
from carenet.cop import services
from carenet.cop.models import CommunityOfPractice, CopMember, Meeting, Profession
from carenet.cop.reference import load_reference


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Argon2 is slow on purpose; these tests sign in with force_login only."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference(db: None) -> None:
    load_reference()


def make_cop(
    facilitator: User,
    host: Organisation,
    *,
    visibility: str = "open",
    name: str = "Kyiv psychologists",
) -> CommunityOfPractice:
    return services.cop_create(
        actor=facilitator,
        host=host,
        profession=Profession.objects.get(code="psychologist"),
        name=name,
        topic="Peer learning",
        description="",
        scope="regional",
        area=None,
        visibility=visibility,
    )


def add_member(
    cop: CommunityOfPractice,
    user: User,
    organisation: Organisation,
    role: str = "member",
    profession: str = "social-worker",
) -> CopMember:
    facilitator = CopMember.objects.filter(cop=cop, role="facilitator").first().user
    return services.member_add(
        actor=facilitator,
        cop=cop,
        user=user,
        organisation=organisation,
        profession=Profession.objects.get(code=profession),
        role=role,
    )


def make_meeting(
    cop: CommunityOfPractice,
    actor: User,
    *,
    hours_from_now: float = -1,
    kind: str = "group_supervision",
    **extra: Any,
) -> Meeting:
    fields = {
        "title": "Monthly supervision",
        "duration_minutes": 90,
        "place": "Online",
        "agenda": "Check-in",
        **extra,
    }
    return services.meeting_schedule(
        actor=actor,
        cop=cop,
        kind=kind,
        starts_at=timezone.now() + datetime.timedelta(hours=hours_from_now),
        **fields,
    )


@pytest.fixture
def open_cop(people: People, reference: None) -> CommunityOfPractice:
    """Open CoP hosted by ALPHA, facilitated by its focal point; the practitioner is a member."""
    cop = make_cop(people.focal_point, people.org_a)
    add_member(cop, people.practitioner, people.org_a)
    return cop


@pytest.fixture
def private_cop(people: People, reference: None) -> CommunityOfPractice:
    """Private CoP hosted by ALPHA, facilitated by its focal point; the practitioner is a member."""
    cop = make_cop(
        people.focal_point, people.org_a, visibility="private", name="Irpin supervision group"
    )
    add_member(cop, people.practitioner, people.org_a)
    return cop


def log_supervision(
    cop: CommunityOfPractice, supervisor: User, supervisee: User, hours: str = "1.5"
) -> Any:
    return services.supervision_log_create(
        actor=supervisor,
        cop=cop,
        kind="individual",
        supervisees=[supervisee],
        held_on=timezone.localdate(),
        hours=Decimal(hours),
    )
