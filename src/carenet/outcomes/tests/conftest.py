"""A small world for the outcomes tests: loaded instruments, a site per organisation, a
few clients of organisation A, all made through the real services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from carenet.conftest import People
from carenet.directory import services as directory_services
from carenet.outcomes import services
from carenet.outcomes.loaders import load_instruments
from carenet.outcomes.models import Delivery, DeliveryKind, Instrument, Participant
from carenet.referrals import services as referral_services
from carenet.taxonomy import queries as taxonomy

DAY = datetime.date(2026, 3, 2)


@dataclass
class World:
    people: People
    site_a: Any
    site_b: Any
    areas: dict[str, Any]

    def instrument(self, code: str) -> Instrument:
        return Instrument.objects.get(code=code)

    def client(self, sex: str = "female", age_band: str = "18-59", org: Any = None) -> Any:
        org = org or self.people.org_a
        actor = self.people.practitioner if org == self.people.org_a else self.people.outsider
        return referral_services.client_register(
            actor=actor,
            organisation=org,
            details=referral_services.ClientDetails(age_band=age_band, sex=sex),
        )

    def cycle(self, n: int = 0, **extra: Any) -> Delivery:
        """An SH+ group cycle at organisation A's site with `n` participants."""
        values = {
            "actor": self.people.practitioner,
            "organisation": self.people.org_a,
            "site": self.site_a,
            "intervention": taxonomy.term("intervention", "shplus"),
            "kind": DeliveryKind.GROUP,
            "started_on": DAY,
            "planned_sessions": 5,
            "programme": "Resilience 2026",
            **extra,
        }
        delivery = services.delivery_create(**values)
        for _ in range(n):
            services.participant_add(
                actor=self.people.practitioner, delivery=delivery, client=self.client()
            )
        return delivery

    def answer(
        self, participant: Participant, code: str, values: list[int | None], **extra: Any
    ) -> Any:
        return services.administration_record(
            actor=self.people.practitioner,
            participant=participant,
            instrument=self.instrument(code),
            timepoint=extra.pop("timepoint", "baseline"),
            taken_on=extra.pop("taken_on", DAY),
            answers=dict(enumerate(values, start=1)),
            **extra,
        )


@pytest.fixture
def world(people: People, areas: dict[str, Any], taxonomies: None) -> World:
    load_instruments()
    site_a = directory_services.site_create(
        actor=people.org_admin,
        organisation=people.org_a,
        data={"name_en": "Irpin support space", "kind": "support_space", "area": areas["irpin"]},
    )
    site_b = directory_services.site_create(
        actor=None,
        organisation=people.org_b,
        data={"name_en": "Lviv centre", "kind": "support_space", "area": areas["lviv"]},
    )
    return World(people, site_a, site_b, areas)
