"""Fixtures of the feedback tests: the code lists, public and confidential sites, a service,
and helpers that send the public forms as a person would (after the minimum fill time)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from carenet.conftest import People
from carenet.core import antispam
from carenet.directory import services as directory_services
from carenet.feedback.models import ComplaintCategory
from carenet.feedback.reference import load_reference


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def codes(db: None) -> None:
    load_reference()


def make_site(people: People, areas: dict[str, Any], **extra: Any) -> Any:
    data = {
        "name_en": "Irpin Resilience Centre",
        "kind": "resilience_centre",
        "area": areas["irpin"],
    }
    return directory_services.site_create(
        actor=None, organisation=extra.pop("organisation", people.org_a), data={**data, **extra}
    )


@pytest.fixture
def site(people: People, areas: dict[str, Any], codes: None) -> Any:
    return make_site(people, areas)


@pytest.fixture
def service(people: People, site: Any) -> Any:
    return directory_services.service_create(
        actor=None,
        organisation=people.org_a,
        data={"name_en": "Peer support group"},
        sites=[site],
    )


def token(target: Any, age: float = 10) -> str:
    return antispam.issue_token(str(target.uuid), now=time.time() - age)


def feedback_data(target: Any, **extra: Any) -> dict[str, Any]:
    return {
        "q_welcome": "5",
        "q_helped": "4",
        "text": "Good place.",
        "token": token(target),
        **extra,
    }


def complaint_data(target: Any, category: str = "access", **extra: Any) -> dict[str, Any]:
    return {
        "category": ComplaintCategory.objects.get(code=category).pk,
        "text": "I waited three weeks.",
        "token": token(target),
        **extra,
    }


def anonymous() -> Client:
    return Client(REMOTE_ADDR="203.0.113.7")
