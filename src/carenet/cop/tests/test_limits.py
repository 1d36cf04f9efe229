"""Messages and minutes in a CoP are notes, not documents: longer ones are refused in the
reader's language and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from carenet.conftest import People, client_for
from carenet.cop.forms import AttendanceForm, MeetingEditForm, PostForm, ThreadForm
from carenet.cop.models import Thread

pytestmark = pytest.mark.django_db

REFUSED = {"en": "Ensure this value has at most", "uk": "Переконайтеся", "pl": "Upewnij się"}


def test_a_thread_and_a_reply_take_four_thousand_characters() -> None:
    assert ThreadForm({"title": "Grounding", "body": "x" * 4000}).is_valid()
    assert PostForm({"body": "x" * 4000}).is_valid()
    assert "body" in ThreadForm({"title": "Grounding", "body": "x" * 4001}).errors
    assert "body" in PostForm({"body": "x" * 4001}).errors


@pytest.mark.parametrize("language", ["en", "uk", "pl"])
def test_a_longer_message_is_refused_in_the_readers_language(language: str) -> None:
    with translation.override(language):
        [message] = PostForm({"body": "x" * 4001}).errors["body"]
    assert REFUSED[language] in message and "4000" in message


def test_minutes_are_limited_to_three_thousand_characters(open_cop: Any) -> None:
    form = AttendanceForm({"minutes": "x" * 3001}, members=[])
    assert "minutes" in form.errors
    form = MeetingEditForm(
        {
            "kind": "group_supervision",
            "title": "Monthly",
            "starts_at": "2026-03-02T10:00",
            "duration_minutes": "60",
            "minutes": "x" * 3001,
            "status": "held",
        }
    )
    assert "minutes" in form.errors


def test_the_page_refuses_a_long_thread_and_starts_none(people: People, open_cop: Any) -> None:
    client = client_for(people.practitioner)
    client.cookies["django_language"] = "uk"
    response = client.post(
        reverse("cop:thread_new", args=[open_cop.uuid]),
        {"title": "Grounding", "body": "x" * 21_000},
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    assert response.status_code == 200
    assert REFUSED["uk"] in response.content.decode()
    assert not Thread.objects.exists()
