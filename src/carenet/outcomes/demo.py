"""Demo deliveries and outcomes: SH+ cycles and individual PM+ at the demo organisations'
sites, with attendance, drop-out, baseline and end PHQ-9 and WHO-5 with a realistic spread
of change (most improve a little, some reliably, a few get worse), a few safety flags, and
anonymous awareness events. Everything goes through the services.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from carenet.accounts.models import Role
from carenet.core.demo import DemoContext
from carenet.outcomes import services
from carenet.outcomes.loaders import load_instruments
from carenet.outcomes.models import DeliveryKind, Instrument
from carenet.referrals import services as referral_services
from carenet.taxonomy import queries as taxonomy

MAX_ORGANISATIONS = 12


def build(ctx: DemoContext) -> None:
    load_instruments()
    sites_by_org: dict[int, list[Any]] = {}
    for site in ctx.shared.get("sites") or []:
        if not site.confidential:
            sites_by_org.setdefault(site.organisation_id, []).append(site)
    made = 0
    with transaction.atomic():
        for org in ctx.organisations:
            actor = _practitioner(ctx, org.pk)
            if actor is None or not sites_by_org.get(org.pk):
                continue
            made += _organisation(ctx, org, actor, sites_by_org[org.pk])
            if made >= MAX_ORGANISATIONS * 3:
                break
    ctx.log(f"outcomes: {made} delivery records with attendance and questionnaires")


def _practitioner(ctx: DemoContext, org_id: int) -> Any:
    roles = ctx.members.get(org_id, {})
    return roles.get(Role.PRACTITIONER.value) or roles.get(Role.ORG_ADMIN.value)


def _organisation(ctx: DemoContext, org: Any, actor: Any, sites: list[Any]) -> int:
    rng = ctx.rng
    today = timezone.localdate()
    phq9, who5 = Instrument.objects.get(code="PHQ-9"), Instrument.objects.get(code="WHO-5")
    made = 0
    for months_ago in (4, 2):
        start = (today.replace(day=1) - datetime.timedelta(days=30 * months_ago)).replace(day=3)
        delivery = services.delivery_create(
            actor=actor,
            organisation=org,
            site=rng.choice(sites),
            intervention=taxonomy.term("intervention", "shplus"),
            kind=DeliveryKind.GROUP,
            started_on=start,
            planned_sessions=5,
            programme="Self-Help Plus 2026",
            title=f"SH+ {start:%B %Y}",
        )
        _cycle(ctx, delivery, actor, rng.randint(10, 18), phq9, who5)
        made += 1
    event = services.delivery_create(
        actor=actor,
        organisation=org,
        site=rng.choice(sites),
        intervention=taxonomy.term("intervention", "group-support"),
        kind=DeliveryKind.HEADCOUNT,
        activity_code="1.2",
        started_on=today.replace(day=1) - datetime.timedelta(days=20),
        title="Awareness event",
        headcount={
            "count_f_18_59": rng.randint(10, 30),
            "count_m_18_59": rng.randint(5, 20),
            "count_f_60": rng.randint(2, 8),
            "count_m_60": rng.randint(1, 6),
        },
    )
    return made + (1 if event else 0)


def _cycle(
    ctx: DemoContext,
    delivery: Any,
    actor: Any,
    size: int,
    phq9: Instrument,
    who5: Instrument,
) -> None:
    rng = ctx.rng
    people = []
    for _ in range(size):
        client = referral_services.client_register(
            actor=actor,
            organisation=delivery.organisation,
            details=referral_services.ClientDetails(
                age_band=rng.choices(["18-59", "60+"], weights=[85, 15])[0],
                sex=rng.choices(["female", "male", "unknown"], weights=[70, 27, 3])[0],
            ),
        )
        people.append(services.participant_add(actor=actor, delivery=delivery, client=client))
    leaving = {p.pk: rng.randint(2, 5) for p in people if rng.random() < 0.2}
    for number in range(1, 6):
        held_on = delivery.started_on + datetime.timedelta(days=7 * (number - 1))
        present = [p for p in people if leaving.get(p.pk, 99) > number and rng.random() < 0.9]
        services.session_record(
            actor=actor, delivery=delivery, number=number, held_on=held_on, present=present
        )
    end = delivery.started_on + datetime.timedelta(days=28)
    for p in people:
        pre_phq = _clip(rng.gauss(13, 5), 2, 27)
        pre_who = _clip(rng.gauss(9, 4), 0, 25)
        _answer(rng, actor, p, phq9, "baseline", delivery.started_on, pre_phq, rng.random() < 0.04)
        _answer(rng, actor, p, who5, "baseline", delivery.started_on, pre_who, False)
        if p.pk in leaving:
            services.participant_drop_out(actor=actor, participant=p, on=end)
            continue
        # realistic spread: mean improvement of about 4 PHQ-9 points, some worse
        post_phq = _clip(pre_phq - rng.gauss(4, 5), 0, 27)
        post_who = _clip(pre_who + rng.gauss(4, 4.5), 0, 25)
        _answer(rng, actor, p, phq9, "end", end, post_phq, False)
        _answer(rng, actor, p, who5, "end", end, post_who, False)
    services.delivery_close(actor=actor, delivery=delivery, ended_on=end)


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _answer(
    rng: random.Random,
    actor: Any,
    participant: Any,
    instrument: Instrument,
    timepoint: str,
    day: datetime.date,
    total: int,
    flag: bool,
) -> None:
    """Answers that add up to `total`; PHQ-9 item 9 stays 0 unless `flag`."""
    definition = instrument.scoring()
    top = max(definition.options)
    items = list(definition.items)
    free = [n for n in items if not (instrument.code == "PHQ-9" and n == 9)]
    answers = dict.fromkeys(items, 0)
    if flag:
        answers[9] = 1
        total = max(total - 1, 0)
    total = min(total, top * len(free))
    while sum(answers[n] for n in free) < total:
        n = rng.choice(free)
        if answers[n] < top:
            answers[n] += 1
    services.administration_record(
        actor=actor,
        participant=participant,
        instrument=instrument,
        timepoint=timepoint,
        taken_on=day,
        answers=answers,  # type: ignore[arg-type]
    )
