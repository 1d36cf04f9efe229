"""Demo referrals: a few realistic ones through the real services, and a bulk path.

Small scale: clients of the support-space practitioner persona (RPC) referred to the regional
clinic (KRMHC) and to other organisations, plus a few dozen more between demo organisations,
in every state, each through `services` (consent, audit, notifications; no e-mail), then
spread over the last three months. National scale adds 200,000 referrals with `bulk_create`
(no personal fields, consent rows included) for the benchmark: one organisation (KRMHC)
receives 10,000 of them. The pathway metrics rollup is rebuilt at the end.

Everything is drawn from `ctx.rng`: the same seed gives the same network.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from carenet.core.demo import DemoContext
from carenet.referrals import notify, rollup, services
from carenet.referrals.labels import term_choices
from carenet.referrals.models import (
    CODE_ALPHABET,
    AgeBand,
    Client,
    Consent,
    ConsentPurpose,
    Outcome,
    Referral,
    ReferralEvent,
    Sex,
    Status,
    Urgency,
)
from carenet.referrals.workflow import TRANSITIONS

BULK_REFERRALS = 200_000
HUB = "KRMHC"
HUB_INBOX = 10_500

_FIRST = [
    "Olena",
    "Iryna",
    "Oksana",
    "Mykola",
    "Andrii",
    "Taras",
    "Nataliia",
    "Viktoriia",
    "Serhii",
    "Halyna",
    "Yurii",
    "Kateryna",
    "Bohdan",
    "Liudmyla",
    "Anna",
    "Marta",
]
_LAST = [
    "Bondarenko",
    "Tkachenko",
    "Kravchenko",
    "Shevchuk",
    "Melnyk",
    "Koval",
    "Lysenko",
    "Polishchuk",
    "Marchenko",
    "Savchenko",
    "Rudenko",
    "Moroz",
    "Kowalska",
    "Nowak",
]
_REASONS = [
    "Persistent low mood and poor sleep since displacement; PHQ-9 of 17 at the support space.",
    "Panic attacks when hearing sirens; would like individual CBT.",
    "Grief after the loss of a family member; group support was not enough.",
    "Veteran's spouse, exhausted, asks for specialised psychological help.",
    "Teenager withdrawn at school; parents ask for an assessment.",
    "Flashbacks and nightmares for months; screening suggests PTSD.",
]
_FEEDBACK = [
    "Eight CBT sessions completed; sleep much better. Please continue the support group.",
    "Assessment done; medication started by the psychiatrist; follow-up in one month.",
    "Finished the SH+ course; agreed to join the peer group at your space.",
]
_REASON_BY_TRANSITION = {
    "decline": "Outside our catchment area; please refer to the oblast service.",
    "no_show": "Did not come to two booked appointments; could not be reached.",
    "cancel": "The person moved to another oblast.",
    "revoke": "Sent to the wrong organisation.",
}
# status -> the transitions that lead there from a draft (the revoke is the manager's).
_PATHS = {
    Status.DRAFT: [],
    Status.SENT: ["send"],
    Status.ACKNOWLEDGED: ["send", "acknowledge"],
    Status.ACCEPTED: ["send", "acknowledge", "accept"],
    Status.DECLINED: ["send", "acknowledge", "decline"],
    Status.IN_PROGRESS: ["send", "acknowledge", "accept", "start"],
    Status.COMPLETED: ["send", "acknowledge", "accept", "start", "complete"],
    Status.NO_SHOW: ["send", "acknowledge", "accept", "no_show"],
    Status.CANCELLED: ["send", "cancel"],
    Status.REVOKED: ["send", "revoke"],
}
_STATUS_WEIGHTS = {
    Status.DRAFT: 3,
    Status.SENT: 8,
    Status.ACKNOWLEDGED: 7,
    Status.ACCEPTED: 8,
    Status.IN_PROGRESS: 12,
    Status.COMPLETED: 40,
    Status.DECLINED: 9,
    Status.NO_SHOW: 6,
    Status.CANCELLED: 6,
    Status.REVOKED: 1,
}


def build(ctx: DemoContext) -> None:
    by_org = ctx.shared.get("services_by_org") or {}
    if not by_org:
        ctx.log("referrals: no directory services to refer to; skipped")
        return
    with notify.without_email(), transaction.atomic():
        made = _small(ctx, by_org)
        ctx.log(f"referrals: {made} referrals through the services")
        if ctx.national:
            bulk = bulk_referrals(ctx, BULK_REFERRALS)
            ctx.log(f"referrals: {bulk} referrals in bulk")
        # Backdating and bulk rows bypass the services that keep the metrics rollup.
        cells = rollup.rebuild()
        ctx.log(f"referrals: pathway metrics rollup of {cells} cells")


# --- small: through the services -------------------------------------------------------------


@dataclass
class _Target:
    service: Any
    site: Any
    layer: str
    activities: list[str]
    languages: list[str]


def _targets(by_org: dict[int, list[Any]]) -> dict[int, list[_Target]]:
    from carenet.directory.queries import public_services

    ids = [s.pk for services_ in by_org.values() for s in services_]
    found: dict[int, list[_Target]] = defaultdict(list)
    qs = public_services().filter(pk__in=ids, status="active").exclude(available_places=0)
    for service in (
        qs.select_related("layer")
        .prefetch_related("activities", "languages", "at_locations__site")
        .order_by("pk")
    ):
        sites = [a.site for a in service.at_locations.all() if not a.site.confidential]
        if not sites:
            continue
        found[service.organisation_id].append(
            _Target(
                service,
                sites[0],
                service.layer.code if service.layer else "",
                [t.code for t in service.activities.all()],
                [t.code for t in service.languages.all()],
            )
        )
    return found


def _small(ctx: DemoContext, by_org: dict[int, list[Any]]) -> int:
    rng = ctx.rng
    orgs = {o.acronym: o for o in ctx.organisations}
    rpc, krmhc = orgs.get("RPC"), orgs.get(HUB)
    # Receivers: the clinic and a sample of the others (national has 100,000 services).
    receivers = sorted(by_org)
    receivers = rng.sample(receivers, min(len(receivers), 40))
    if krmhc is not None and krmhc.pk in by_org:
        receivers.append(krmhc.pk)
    targets = _targets({pk: by_org[pk] for pk in receivers})
    senders = [o for o in ctx.organisations if o.pk in ctx.members and o is not rpc]
    senders = ([rpc] if rpc else []) + rng.sample(senders, min(len(senders), 14))
    made = 0
    for sender in senders:
        count = 16 if sender is rpc else 3
        for _ in range(count):
            hub = krmhc if sender is rpc and krmhc and rng.random() < 0.7 else None
            target = _pick_target(rng, targets, sender, hub, ctx)
            if target is None:
                continue
            _one(
                ctx,
                sender,
                target,
                rng.choices(list(_STATUS_WEIGHTS), list(_STATUS_WEIGHTS.values()))[0],
            )
            made += 1
    return made


def _pick_target(
    rng: random.Random, targets: dict[int, list[_Target]], sender: Any, hub: Any, ctx: DemoContext
) -> _Target | None:
    if hub is not None and targets.get(hub.pk):
        pool = targets[hub.pk]
        layers = [code for code, _label in term_choices("pyramid-layer")]
        top = layers[-1] if layers else ""
        specialised = [t for t in pool if t.layer == top] or pool  # layer 4 when there is one
        return rng.choice(specialised)
    same_country = [
        o.pk
        for o in ctx.organisations
        if o.country == sender.country and o.pk != sender.pk and targets.get(o.pk)
    ]
    if not same_country:
        return None
    return rng.choice(targets[rng.choice(same_country)])


def _actor(ctx: DemoContext, org: Any, role: str) -> Any:
    if org.acronym == "RPC" and role == "practitioner":
        return ctx.users.get("practitioner") or ctx.members[org.pk][role]
    return ctx.members.get(org.pk, {}).get(role) or ctx.members[org.pk]["org_admin"]


def _one(ctx: DemoContext, sender: Any, target: _Target, status: str) -> Referral:
    rng = ctx.rng
    practitioner = _actor(ctx, sender, "practitioner")
    areas = ctx.shared.get("org_areas", {}).get(sender.pk) or ctx.areas
    named = sender.acronym == "RPC"
    client = services.client_register(
        actor=practitioner,
        organisation=sender,
        details=services.ClientDetails(
            age_band=rng.choice(AgeBand.values[2:]),
            sex=rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.UNKNOWN]),
            languages=target.languages[:1],
            area=rng.choice(areas) if areas else None,
            name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" if named else "",
            phone=f"+380 67 {rng.randint(100, 999)} {rng.randint(1000, 9999)}" if named else "",
        ),
    )
    referral = services.referral_create(
        actor=practitioner,
        client=client,
        urgency=rng.choice([Urgency.ROUTINE] * 6 + [Urgency.URGENT] * 3 + [Urgency.EMERGENCY]),
        activity_codes=target.activities,
        layer=target.layer,
        from_layer=rng.choice(["2", "3"]),
        summary=rng.choice(_REASONS),
    )
    referral = services.referral_choose_service(
        actor=practitioner, referral=referral, service=target.service, site=target.site
    )
    override = status != Status.DRAFT and rng.random() < 0.04
    _consents(ctx, client, referral, practitioner, with_share=not override)
    return _walk(ctx, referral, status, override)


def _consents(
    ctx: DemoContext, client: Client, referral: Referral, actor: Any, *, with_share: bool
) -> None:
    rng = ctx.rng
    receiver = referral.to_organisation
    assert receiver is not None  # a service was chosen
    if with_share:
        services.consent_record(
            actor=actor,
            client=client,
            purpose=ConsentPurpose.SHARE_REFERRAL,
            given_by="guardian" if client.age_band in ("0-4", "5-11", "12-17") else "person",
            method=rng.choice(["verbal", "written"]),
            organisations=[receiver],
            shared_fields=rng.choice([["name", "phone"], ["name"], ["phone"], []]),
        )
    if rng.random() < 0.85:
        services.consent_record(
            actor=actor,
            client=client,
            purpose=ConsentPurpose.REPORTING,
            given_by="person",
            method="verbal",
        )
    if rng.random() < 0.5:
        services.consent_record(
            actor=actor,
            client=client,
            purpose=ConsentPurpose.FOLLOW_UP,
            given_by="person",
            method="verbal",
            organisations=[receiver],
        )


def _walk(ctx: DemoContext, referral: Referral, status: str, override: bool) -> Referral:
    sender, receiver = referral.from_organisation, referral.to_organisation
    for name in _PATHS[Status(status)]:
        side = TRANSITIONS[name].side
        role = (
            "org_admin" if name == "revoke" or (name == "send" and override) else ("practitioner")
        )
        actor = _actor(ctx, sender if side == "sender" else receiver, role)
        referral = services.referral_transition(
            actor=actor,
            referral=referral,
            name=name,
            reason=_REASON_BY_TRANSITION.get(name, ""),
            outcome=Outcome.SERVICE_COMPLETED if name == "complete" else "",
            feedback=ctx.rng.choice(_FEEDBACK) if name == "complete" else "",
            override_reason="Risk to life; the person could not be reached to consent."
            if override and name == "send"
            else "",
        )
    if referral.has_outcome and ctx.rng.random() < 0.6:
        services.referral_mark_outcome_seen(
            actor=_actor(ctx, sender, "practitioner"), referral=referral
        )
    _backdate(ctx.rng, referral)
    return referral


def _backdate(rng: random.Random, referral: Referral) -> None:
    """Spread a freshly made referral over the last three months, keeping its order."""
    start = timezone.now() - datetime.timedelta(days=rng.uniform(1, 90))
    times = _timeline(rng, start, referral.urgency)
    stamps: dict[str, Any] = {"created_at": start - datetime.timedelta(minutes=20)}
    for name, field in [
        ("send", "sent_at"),
        ("acknowledge", "acknowledged_at"),
        ("accept", "accepted_at"),
        ("start", "started_at"),
    ]:
        if getattr(referral, field):
            stamps[field] = times[name]
    if referral.sent_at:
        hours = settings.CARENET_REFERRAL_TARGET_HOURS[referral.urgency]
        stamps["due_at"] = times["send"] + datetime.timedelta(hours=hours)
    if referral.closed_at:
        last = [e.transition for e in referral.events.all()][-1]
        stamps["closed_at"] = times[last]
        if referral.loop_closed_at:
            stamps["loop_closed_at"] = times[last] + datetime.timedelta(hours=rng.uniform(1, 96))
    Referral.objects.filter(pk=referral.pk).update(**stamps)
    for event in referral.events.all():
        ReferralEvent.objects.filter(pk=event.pk).update(at=times[event.transition])


def _timeline(
    rng: random.Random, start: datetime.datetime, urgency: str
) -> dict[str, datetime.datetime]:
    h = datetime.timedelta(hours=1)
    scale = {"emergency": 0.1, "urgent": 0.5, "routine": 1.0}[urgency]
    ack = start + h * rng.lognormvariate(2.5, 1.0) * scale
    accept = ack + h * rng.uniform(1, 48) * scale
    begin = accept + h * rng.uniform(24, 24 * 14) * scale
    return {
        "send": start,
        "acknowledge": ack,
        "accept": accept,
        "decline": accept,
        "start": begin,
        "no_show": begin,
        "complete": begin + h * rng.uniform(24 * 14, 24 * 60),
        "cancel": start + h * rng.uniform(2, 72),
        "revoke": start + h * rng.uniform(1, 24),
    }


# --- national: bulk ----------------------------------------------------------------------------


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _codes(
    rng: random.Random, prefix: str, groups: tuple[int, ...], taken: set[str]
) -> Iterator[str]:
    while True:
        code = "-".join(
            [prefix, *("".join(rng.choice(CODE_ALPHABET) for _ in range(n)) for n in groups)]
        )
        if code not in taken:
            taken.add(code)
            yield code


def bulk_referrals(ctx: DemoContext, n: int, *, chunk: int = 20_000) -> int:
    """Add `n` referrals (with their clients and consent rows) in bulk; returns how many.

    One organisation (KRMHC, else the first) receives HUB_INBOX of them: the benchmark's
    organisation inbox. No personal field is filled (nothing to encrypt).
    """
    plan = _BulkPlan.make(ctx)
    if plan is None:
        ctx.log("referrals: no services to refer to in bulk; skipped")
        return 0
    made = 0
    while made < n:
        size = min(chunk, n - made)
        _bulk_chunk(ctx, plan, size, hub_quota=max(0, min(size, HUB_INBOX - made)))
        made += size
    # created_at is stamped on insert; put it just before sending (drafts keep today).
    Referral.objects.filter(pk__gt=plan.first_new_pk, sent_at__isnull=False).update(
        created_at=F("sent_at") - datetime.timedelta(minutes=30)
    )
    return made


@dataclass
class _BulkPlan:
    services: list[tuple[int, int, str]]  # (service id, organisation id, layer code)
    hub: list[tuple[int, int, str]]
    orgs: list[Any]
    areas_by_country: dict[str, list[int]]
    client_codes: set[str]
    referral_codes: set[str]
    first_new_pk: int
    layers: list[str]

    @classmethod
    def make(cls, ctx: DemoContext) -> _BulkPlan | None:
        from carenet.directory.queries import public_services

        rows = list(
            public_services()
            .filter(status="active")
            .values_list("pk", "organisation_id", "layer__code", "organisation__acronym")
        )
        if not rows:
            return None
        services_ = [(pk, org, layer or "") for pk, org, layer, _a in rows]
        hub = [(pk, org, layer or "") for pk, org, layer, a in rows if a == HUB] or (
            [s for s in services_ if s[1] == services_[0][1]]
        )
        areas: dict[str, list[int]] = defaultdict(list)
        for area in ctx.areas:
            areas[area.country].append(area.pk)
        last = Referral.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return cls(
            services_,
            hub,
            [o for o in ctx.organisations if o.pk in ctx.members],
            dict(areas),
            set(Client.objects.values_list("code", flat=True)),
            set(Referral.objects.values_list("code", flat=True)),
            last,
            sorted({s[2] for s in services_ if s[2]}) or [""],
        )


def _bulk_chunk(ctx: DemoContext, plan: _BulkPlan, size: int, hub_quota: int) -> None:
    rng = ctx.rng
    client_codes = _codes(rng, "CN", (4, 2), plan.client_codes)
    referral_codes = _codes(rng, "RF", (4, 4), plan.referral_codes)
    rows = []
    for i in range(size):
        service = rng.choice(plan.hub if i < hub_quota else plan.services)
        sender = rng.choice(plan.orgs)
        while sender.pk == service[1]:
            sender = rng.choice(plan.orgs)
        rows.append((service, sender))
    clients = [
        Client(
            uuid=_uuid(rng),
            code=next(client_codes),
            organisation_id=sender.pk,
            age_band=rng.choice(AgeBand.values),
            sex=rng.choice(Sex.values),
            languages=[],
            area_id=rng.choice(plan.areas_by_country.get(sender.country) or [None]),
            registered_by=ctx.members[sender.pk].get("practitioner"),
        )
        for _service, sender in rows
    ]
    Client.objects.bulk_create(clients, batch_size=5000)
    shares = [
        Consent(
            uuid=_uuid(rng),
            client=c,
            purpose=ConsentPurpose.SHARE_REFERRAL,
            given_by="person",
            method="verbal",
            shared_fields=[],
        )
        for c in clients
    ]
    counted = [
        Consent(
            uuid=_uuid(rng),
            client=c,
            purpose=ConsentPurpose.REPORTING,
            given_by="person",
            method="verbal",
        )
        for c in clients
        if rng.random() < 0.85
    ]
    Consent.objects.bulk_create(shares + counted, batch_size=5000)
    through = Consent.organisations.through
    through.objects.bulk_create(
        [
            through(consent_id=s.pk, organisation_id=svc[1])
            for s, (svc, _o) in zip(shares, rows, strict=True)
        ],
        batch_size=10000,
    )
    referrals = [
        _bulk_referral(rng, plan, c, s, svc, sender, next(referral_codes), i < hub_quota)
        for i, (c, s, (svc, sender)) in enumerate(zip(clients, shares, rows, strict=True))
    ]
    Referral.objects.bulk_create(referrals, batch_size=5000)


def _bulk_referral(
    rng: random.Random,
    plan: _BulkPlan,
    client: Client,
    consent: Consent,
    service: tuple[int, int, str],
    sender: Any,
    code: str,
    to_hub: bool,
) -> Referral:
    weights = dict(_STATUS_WEIGHTS)
    if to_hub:
        weights[Status.DRAFT] = 0  # the hub's inbox holds sent referrals only
    status = rng.choices(list(weights), list(weights.values()))[0]
    urgency = rng.choice([Urgency.ROUTINE] * 6 + [Urgency.URGENT] * 3 + [Urgency.EMERGENCY])
    start = timezone.now() - datetime.timedelta(days=rng.uniform(0, 365))
    times = _timeline(rng, start, urgency)
    path = _PATHS[Status(status)]
    sent = status != Status.DRAFT
    hours = settings.CARENET_REFERRAL_TARGET_HOURS[urgency]
    return Referral(
        uuid=_uuid(rng),
        code=code,
        client=client,
        from_organisation_id=sender.pk,
        to_organisation_id=service[1],
        service_id=service[0],
        area_id=client.area_id,
        created_by=client.registered_by,
        urgency=urgency,
        status=status,
        layer=service[2],
        from_layer=rng.choice(plan.layers),
        consent=consent if sent else None,
        sent_at=times["send"] if sent else None,
        due_at=times["send"] + datetime.timedelta(hours=hours) if sent else None,
        acknowledged_at=times["acknowledge"] if "acknowledge" in path else None,
        accepted_at=times["accept"] if "accept" in path else None,
        started_at=times["start"] if "start" in path else None,
        closed_at=times[path[-1]] if status in _CLOSED else None,
        outcome=Outcome.SERVICE_COMPLETED if status == Status.COMPLETED else "",
        loop_closed_at=times[path[-1]] + datetime.timedelta(hours=rng.uniform(1, 96))
        if status in _WITH_OUTCOME and rng.random() < 0.7
        else None,
    )


_CLOSED = {Status.DECLINED, Status.COMPLETED, Status.NO_SHOW, Status.CANCELLED, Status.REVOKED}
_WITH_OUTCOME = {Status.DECLINED, Status.COMPLETED, Status.NO_SHOW}
