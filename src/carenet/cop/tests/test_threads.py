"""Discussion threads of a CoP."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import People, assert_access, client_for
from carenet.cop import services
from carenet.cop.models import Post, Thread

pytestmark = pytest.mark.django_db


def test_members_start_and_reply_to_discussions(people: People, open_cop: Any) -> None:
    client = client_for(people.practitioner)
    response = client.post(
        reverse("cop:thread_new", args=[open_cop.uuid]),
        {"title": "Sleep groups", "body": "What works for you?"},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    client_for(people.focal_point).post(
        reverse("cop:thread", args=[thread.uuid]), {"body": "Short relaxation at the end."}
    )
    assert Post.objects.filter(thread=thread).count() == 2


def test_readers_who_are_not_members_cannot_post(people: People, open_cop: Any, split: Any) -> None:
    thread = services.thread_start(
        actor=people.practitioner, cop=open_cop, title="Hello", body="First"
    )
    url = reverse("cop:thread", args=[thread.uuid])
    assert client_for(people.outsider).get(url).status_code == 200
    assert client_for(people.outsider).post(url, {"body": "Me too"}).status_code == 404
    assert_access(
        reverse("cop:thread_new", args=[open_cop.uuid]),
        *split(people, "focal_point", "practitioner"),
    )


def test_messages_with_identifiers_or_empty_are_refused(people: People, open_cop: Any) -> None:
    client = client_for(people.practitioner)
    url = reverse("cop:thread_new", args=[open_cop.uuid])
    for data in (
        {"title": "Case", "body": "Client pani Kowalska asked for help"},
        {"title": "Case", "body": "   "},
        {"title": "", "body": "text"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not Thread.objects.exists()
