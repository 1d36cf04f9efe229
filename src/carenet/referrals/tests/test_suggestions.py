"""Suggestions for a draft: fitting services of other organisations, nearest first."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from carenet.directory import services as directory_services
from carenet.geo.models import AdminArea
from carenet.referrals import queries, services
from carenet.referrals.services import IllegalTransition, InvalidReferral
from carenet.referrals.tests.conftest import World, make_client, make_draft, referral_in


def add_service(world: World, org: Any, area_key: str, name: str, **data: Any) -> Any:
    area = AdminArea.objects.get(pcode={"irpin": "UA3208015", "lviv": "UA4606025"}[area_key])
    site = directory_services.site_create(
        actor=None,
        organisation=org,
        data={
            "name_en": f"{name} site",
            "kind": "clinic",
            "area": area,
            "lat": area.lat,
            "lon": area.lon,
        },
    )
    fields = {
        "name_en": name,
        "layer": world.terms["pyramid-layer"]["4"],
        "last_verified": timezone.localdate() - datetime.timedelta(days=1),
        **data,
    }
    return directory_services.service_create(
        actor=None,
        organisation=org,
        sites=[site],
        data=fields,
        m2m={
            "activities": [world.terms["iasc-4w"]["10.1"]],
            "languages": [world.terms["language"]["uk"]],
        },
    )


@pytest.fixture
def network(world: World) -> World:
    add_service(world, world.org_c, "irpin", "Gamma clinic near Irpin", waiting_days=30)
    add_service(world, world.people.org_b, "lviv", "Full clinic", available_places=0)
    add_service(world, world.people.org_b, "lviv", "Closed clinic", status="inactive")
    add_service(world, world.people.org_a, "irpin", "Our own clinic")
    add_service(world, world.org_c, "irpin", "Children only", age_max=17)
    return world


def names(matches: list[Any]) -> list[str]:
    return [m.service.name_en for m in matches]


def test_suggestions_fit_the_need_and_the_person_nearest_first(network: World) -> None:
    draft = make_draft(network)  # the client lives in Irpin, is 35, speaks Ukrainian
    found = names(queries.suggestions_for(draft))
    assert found == ["Gamma clinic near Irpin", "CBT for adults"]


def test_a_child_is_offered_the_childrens_service(network: World) -> None:
    client = make_client(network, age_band="12-17", date_of_birth=None)
    found = names(queries.suggestions_for(make_draft(network, client)))
    assert "Children only" in found and "CBT for adults" not in found


def test_the_need_narrows_the_suggestions(network: World) -> None:
    draft = make_draft(network, activity_codes=["3.1"])
    assert queries.suggestions_for(draft) == []


def test_a_draft_cannot_be_addressed_to_its_own_organisation(network: World) -> None:
    own = add_service(network, network.people.org_a, "irpin", "Another of ours")
    draft = make_draft(network)
    with pytest.raises(InvalidReferral):
        services.referral_choose_service(
            actor=network.people.practitioner, referral=draft, service=own
        )


def test_a_sent_referral_cannot_be_edited_or_readdressed(world: World) -> None:
    referral = referral_in(world, "sent")
    with pytest.raises(IllegalTransition):
        services.referral_update_draft(
            actor=world.people.practitioner, referral=referral, summary="changed"
        )
    with pytest.raises(IllegalTransition):
        services.referral_choose_service(
            actor=world.people.practitioner, referral=referral, service=world.service
        )


def test_a_site_must_belong_to_the_service(world: World) -> None:
    other = directory_services.site_create(
        actor=None,
        organisation=world.org_c,
        data={
            "name_en": "Elsewhere",
            "kind": "office",
            "area": AdminArea.objects.get(pcode="UA3208015"),
        },
    )
    with pytest.raises(InvalidReferral):
        services.referral_choose_service(
            actor=world.people.practitioner,
            referral=make_draft(world),
            service=world.service,
            site=other,
        )
