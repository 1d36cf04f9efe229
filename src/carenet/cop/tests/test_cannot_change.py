"""Edit pages of a CoP: one who may read it but not change it is told so; others get 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from carenet.conftest import People, client_for
from carenet.cop.models import CommunityOfPractice
from carenet.cop.tests.conftest import make_meeting

pytestmark = pytest.mark.django_db


def _edit_urls(cop: CommunityOfPractice, facilitator: Any) -> dict[str, tuple[str, str]]:
    """Each edit page -> (its URL, the page to go back to)."""
    meeting = make_meeting(cop, facilitator, hours_from_now=-1)
    back_to_meeting = reverse("cop:meeting", args=[meeting.uuid])
    return {
        "edit": (reverse("cop:edit", args=[cop.uuid]), reverse("cop:detail", args=[cop.uuid])),
        "meeting_edit": (reverse("cop:meeting_edit", args=[meeting.uuid]), back_to_meeting),
        "meeting_attendance": (
            reverse("cop:meeting_attendance", args=[meeting.uuid]),
            back_to_meeting,
        ),
    }


def _get(client: Client, url: str, language: str = "en") -> Any:
    client.cookies["django_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("page", ["edit", "meeting_edit", "meeting_attendance"])
@pytest.mark.parametrize("persona", ["viewer", "practitioner", "outsider"])
def test_a_reader_of_an_open_cop_is_told_they_cannot_change_it(
    people: People, open_cop: Any, page: str, persona: str
) -> None:
    url, back = _edit_urls(open_cop, people.focal_point)[page]
    response = _get(client_for(getattr(people, persona)), url)
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="cannot-change"' in body and "You cannot change this" in body
    assert f'href="{back}"' in body


@pytest.mark.parametrize("page", ["edit", "meeting_edit", "meeting_attendance"])
@pytest.mark.parametrize("persona", ["viewer", "outsider", "coordinator", "superuser"])
def test_a_private_cop_stays_not_found_to_those_outside_it(
    people: People, private_cop: Any, page: str, persona: str
) -> None:
    url, _ = _edit_urls(private_cop, people.focal_point)[page]
    response = client_for(getattr(people, persona)).get(url)
    assert response.status_code == 404
    assert private_cop.name not in response.content.decode()


@pytest.mark.parametrize("page", ["edit", "meeting_edit", "meeting_attendance"])
def test_a_member_of_a_private_cop_is_told_they_cannot_change_it(
    people: People, private_cop: Any, page: str
) -> None:
    url, _ = _edit_urls(private_cop, people.focal_point)[page]
    response = client_for(people.practitioner).get(url)
    assert response.status_code == 403 and b'id="cannot-change"' in response.content


@pytest.mark.parametrize("page", ["edit", "meeting_edit", "meeting_attendance"])
def test_the_facilitator_still_reaches_the_edit_pages(
    people: People, open_cop: Any, page: str
) -> None:
    url, _ = _edit_urls(open_cop, people.focal_point)[page]
    assert client_for(people.focal_point).get(url).status_code == 200


@pytest.mark.parametrize(("language", "title"), [("uk", "Ви не можете"), ("pl", "Nie możesz")])
def test_the_page_is_translated(people: People, open_cop: Any, language: str, title: str) -> None:
    url, _ = _edit_urls(open_cop, people.focal_point)["edit"]
    response = _get(client_for(people.viewer), url, language)
    assert response.status_code == 403
    assert title in response.content.decode()


def test_a_refused_post_changes_nothing(people: People, open_cop: Any) -> None:
    url, _ = _edit_urls(open_cop, people.focal_point)["edit"]
    response = client_for(people.practitioner).post(url, {"name": "Taken over", "topic": "x"})
    assert response.status_code == 403
    open_cop.refresh_from_db()
    assert open_cop.name != "Taken over"
