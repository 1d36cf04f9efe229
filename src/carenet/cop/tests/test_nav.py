"""The CoP entries of the menu follow core.permissions."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from carenet.conftest import People
from carenet.cop import nav

pytestmark = pytest.mark.django_db


def _urls(user: object) -> set[str]:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    return {item.url for item in nav.items(request)}


def test_menu_entries_per_persona(people: People) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert _urls(AnonymousUser()) == set()
    practitioner = _urls(people.practitioner)
    assert {reverse("cop:list"), reverse("cop:me"), reverse("cop:wellbeing")} <= practitioner
    assert reverse("cop:health_overview") not in practitioner
    assert reverse("cop:health_overview") in _urls(people.coordinator)
    assert reverse("cop:health_overview") in _urls(people.org_admin)
