"""Fixtures of the peer tests: the kinds of group, a site, volunteers made through the services."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache

from carenet.conftest import People
from carenet.directory import services as directory_services
from carenet.peer import services
from carenet.peer.models import GroupKind, Volunteer
from carenet.peer.reference import load_reference


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(people: People, areas: dict[str, Any]) -> Any:
    load_reference()
    return directory_services.site_create(
        actor=None,
        organisation=people.org_a,
        data={
            "name_en": "Irpin Resilience Centre",
            "kind": "resilience_centre",
            "area": areas["irpin"],
        },
    )


def volunteer(
    people: People, name: str, started: datetime.date | None = None, **kw: Any
) -> Volunteer:
    v = services.volunteer_invite(
        actor=people.org_admin,
        organisation=kw.pop("organisation", people.org_a),
        full_name=name,
        applied_on=started,
    )
    if started:
        v = services.volunteer_set_status(
            actor=people.org_admin, volunteer=v, status="active", on=started
        )
    return v


def group(people: People, site: Any, **data: Any) -> Any:
    return services.group_create(
        actor=people.focal_point,
        organisation=people.org_a,
        data={
            "name": "Veterans' Tuesday group",
            "kind": GroupKind.objects.get(code="veterans"),
            "host_site": site,
            "schedule": "Tuesdays 18:00",
            "ground_rules": "What is said here stays here.",
            **data,
        },
    )
