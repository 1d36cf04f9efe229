"""People invited straight into a CoP, with or without an account."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from carenet.accounts.models import Membership, Role, User
from carenet.conftest import People, client_for
from carenet.cop import services as cop_services
from carenet.cop.models import CommunityOfPractice, CopMember


def a_cop(people: People) -> CommunityOfPractice:
    return cop_services.cop_create(
        actor=people.focal_point,
        host=people.org_a,
        profession=None,
        name="School counsellors",
        topic="Peer learning",
        description="",
        scope="regional",
        area=None,
        visibility="private",
    )


def invite(people: People, cop: CommunityOfPractice, email: str, capture: Any) -> str:
    with capture(execute=True):
        client_for(people.focal_point).post(
            reverse("cop:members", args=[cop.uuid]), {"email": email}
        )
    found = re.search(r"/accounts/invitation/([^/\s]+)/", mail.outbox[-1].body)
    assert found is not None
    return f"/accounts/invitation/{found.group(1)}/"


def test_a_teacher_without_an_account_joins_the_cop_on_accepting(
    people: People, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cop = a_cop(people)
    url = invite(people, cop, "teacher@school.ua", django_capture_on_commit_callbacks)
    assert "School counsellors" in mail.outbox[-1].subject
    response = Client().post(
        url,
        {
            "full_name": "Oksana",
            "password1": "teacher-pass-2026!",
            "password2": "teacher-pass-2026!",
        },
    )
    assert response.status_code == 302
    teacher = User.objects.get(email="teacher@school.ua")
    member = CopMember.objects.get(cop=cop, user=teacher)
    assert member.organisation == people.org_a
    # a person from outside the network gets the lowest role at the host, nothing more
    assert Membership.objects.get(user=teacher).role == Role.VIEWER


def test_a_person_of_another_organisation_joins_for_their_own(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    cop = a_cop(people)
    url = invite(people, cop, people.outsider.email, django_capture_on_commit_callbacks)
    assert client_for(people.outsider).post(url).status_code == 302
    assert CopMember.objects.get(cop=cop, user=people.outsider).organisation == people.org_b
    assert not Membership.objects.filter(user=people.outsider, organisation=people.org_a).exists()
