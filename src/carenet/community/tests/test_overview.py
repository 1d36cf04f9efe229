"""The start page, the menu entries and the demo builder."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from carenet.community import demo, nav
from carenet.community.models import (
    Implementation,
    ReadinessAssessment,
)
from carenet.community.tests.conftest import make_assessment, make_session
from carenet.conftest import assert_access, client_for
from carenet.core.demo import DemoContext

pytestmark = pytest.mark.usefixtures("reference")


def test_access_to_the_start_page(people: Any, split: Any) -> None:
    assert_access(
        reverse("community:index"),
        *split(
            people,
            "coordinator",
            "oblast_coordinator",
            "org_admin",
            "focal_point",
            "practitioner",
            "viewer",
            "outsider",
            "superuser",
        ),
    )


def test_the_menu_offers_the_app_to_members_and_coordinators(people: Any) -> None:
    request = RequestFactory().get("/")
    for user in (people.viewer, people.oblast_coordinator, people.outsider):
        request.user = user
        assert next(i.url for i in nav.items(request)) == reverse("community:index")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert nav.items(request) == []


def test_the_start_page_finds_communities_and_lists_what_needs_attention(
    people: Any,
    areas: Any,
) -> None:
    make_assessment(people.focal_point, areas["irpin"], people.org_a, consensus=[["3"] * 6])
    page = client_for(people.oblast_coordinator).get(reverse("community:index"), {"q": "irpin"})
    content = page.content.decode()
    assert reverse("community:community", args=["UA3208015"]) in content
    assert page.context["assessments"][0].stage == 3
    # a coordinator limited to an area may record there
    assert reverse("community:assessment_new") in content


def test_a_viewer_is_not_offered_the_record_forms(people: Any, areas: Any) -> None:
    page = client_for(people.viewer).get(reverse("community:index"))
    assert reverse("community:assessment_new") not in page.content.decode()


def test_the_lists_need_few_queries(
    people: Any, areas: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        make_assessment(people.focal_point, areas["irpin"], people.org_a)
        make_session(people.focal_point, areas["irpin"], people.org_a)
    client = client_for(people.oblast_coordinator)
    for name in (
        "community:assessments",
        "community:sessions",
        "community:spaces",
        "community:overdue",
        "community:index",
    ):
        client.get(reverse(name))
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200


def test_the_demo_builds_assessments_sessions_and_programmes(people: Any, areas: Any) -> None:
    ctx = DemoContext(seed=3, scale="small", rng=random.Random(3), log=lambda _m: None)
    ctx.organisations = [people.org_a, people.org_b]
    ctx.areas = [areas["irpin"], areas["lviv"]]
    ctx.members = {
        people.org_a.pk: {"focal_point": people.focal_point},
        people.org_b.pk: {},
    }  # falls back to the coordinator
    ctx.users = {"coordinator": people.coordinator}
    ctx.shared["org_areas"] = {people.org_a.pk: [areas["irpin"]], people.org_b.pk: [areas["lviv"]]}
    demo.build(ctx)
    assert ReadinessAssessment.objects.filter(stage__isnull=False).count() >= 2
    assert Implementation.objects.count() >= 2
    assert ctx.shared["community_areas"] == [areas["irpin"], areas["lviv"]]
    page = client_for(people.coordinator).get(reverse("community:network"))
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("lang", "text"), [("uk", "Етапи впровадження"), ("pl", "Etapy wdrażania")]
)
def test_the_pages_speak_ukrainian_and_polish(people: Any, lang: str, text: str) -> None:
    client = client_for(people.coordinator)
    client.cookies["django_language"] = lang
    page = client.get(reverse("community:network"))
    assert text in page.content.decode()
