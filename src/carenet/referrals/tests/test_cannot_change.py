"""Pages that change a client: one who may see the client but not change it is told so,
with a way back; anyone who may not see it gets 404 and learns nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from carenet.conftest import client_for
from carenet.referrals.tests.conftest import NAME, World, make_client

pytestmark = pytest.mark.django_db

PAGES = ["client_edit", "client_erase", "consent_new", "referral_new"]


def _get(user: Any, url: str, language: str = "en") -> Any:
    client = client_for(user)
    client.cookies["django_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def _assert_cannot_change(response: Any, back: str) -> None:
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="cannot-change"' in body and "You cannot change this" in body
    assert f'href="{back}"' in body
    assert NAME not in body


@pytest.mark.parametrize("page", PAGES)
def test_a_superuser_who_sees_the_client_is_told_they_cannot_change_it(
    world: World, page: str
) -> None:
    client = make_client(world)
    response = _get(world.people.superuser, reverse(f"referrals:{page}", args=[client.uuid]))
    _assert_cannot_change(response, reverse("referrals:client", args=[client.uuid]))


def test_a_practitioner_is_told_only_admins_erase(world: World) -> None:
    client = make_client(world)
    response = _get(
        world.people.practitioner, reverse("referrals:client_erase", args=[client.uuid])
    )
    _assert_cannot_change(response, reverse("referrals:client", args=[client.uuid]))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", ["viewer", "focal_point", "coordinator", "outsider"])
def test_those_who_may_not_see_the_client_still_get_not_found(
    world: World, page: str, persona: str
) -> None:
    client = make_client(world)
    user = getattr(world.people, persona)
    response = _get(user, reverse(f"referrals:{page}", args=[client.uuid]))
    assert response.status_code == 404
    assert client.code not in response.content.decode()


@pytest.mark.parametrize(("language", "title"), [("uk", "Ви не можете"), ("pl", "Nie możesz")])
def test_the_page_is_translated(world: World, language: str, title: str) -> None:
    client = make_client(world)
    url = reverse("referrals:client_erase", args=[client.uuid])
    response = _get(world.people.practitioner, url, language)
    assert response.status_code == 403 and title in response.content.decode()


def test_a_refused_erasure_erases_nothing(world: World) -> None:
    client = make_client(world)
    url = reverse("referrals:client_erase", args=[client.uuid])
    assert client_for(world.people.practitioner).post(url).status_code == 403
    client.refresh_from_db()
    assert client.name == NAME


def test_the_organisation_still_edits_its_client(world: World) -> None:
    client = make_client(world)
    for page in PAGES:
        user = world.people.org_admin if page == "client_erase" else world.people.practitioner
        url = reverse(f"referrals:{page}", args=[client.uuid])
        assert client_for(user).get(url).status_code == 200, page
