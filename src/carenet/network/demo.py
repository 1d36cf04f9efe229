"""The network's part of the demo: the TWG with a referral sub-group, meetings with decisions
and action points (one overdue for the demo focal point's organisation), two applications
waiting for the coordinator, and an advocacy goal with milestones."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from carenet.core.demo import DemoContext
from carenet.network import services


def build(ctx: DemoContext) -> None:
    coordinator = ctx.users.get("coordinator")
    if coordinator is None or not ctx.organisations:
        ctx.log("network: no coordinator or organisations; skipped")
        return
    with transaction.atomic():
        _areas(ctx)
        meetings = _meetings(ctx, coordinator)
        _applications(ctx)
        _advocacy(ctx, coordinator)
    ctx.log(f"network: {meetings} meetings, 2 applications, 1 advocacy goal")


def _areas(ctx: DemoContext) -> None:
    # The roster shows where members work: the areas the demo gave each organisation.
    org_areas: dict[int, list[Any]] = ctx.shared.get("org_areas", {})
    for org in ctx.organisations:
        if org_areas.get(org.pk):
            org.areas.set(org_areas[org.pk][:10])


def _meetings(ctx: DemoContext, coordinator: Any) -> int:
    today = timezone.localdate()
    twg = services.group_create(actor=coordinator, name="MHPSS Technical Working Group", kind="twg")
    referral = services.group_create(
        actor=coordinator, name="Referral sub-group", kind="subgroup", parent=twg
    )
    focal = ctx.users.get("focal")
    membership = focal.memberships.first() if focal is not None else None
    owner = membership.organisation if membership is not None else ctx.organisations[0]
    count = 0
    for group, weeks in ((twg, (10, 6, 2)), (referral, (5,))):
        for w in weeks:
            meeting = services.meeting_create(
                actor=coordinator,
                group=group,
                title=f"{group.name}: monthly meeting",
                held_on=today - datetime.timedelta(weeks=w),
                agenda="1. 4W reporting\n2. Referral pathways\n3. Any other business",
            )
            present = ctx.rng.sample(ctx.organisations, min(12, len(ctx.organisations)))
            services.meeting_record(
                actor=coordinator,
                meeting=meeting,
                attending=present,
                minutes="Members reviewed last month's 4W and the gaps it shows.",
                status="held",
                agenda=meeting.agenda,
            )
            decision = services.decision_add(
                actor=coordinator,
                meeting=meeting,
                text="Use the network's common referral form from next month.",
                is_public=w == 6,
            )
            services.action_add(
                actor=coordinator,
                meeting=meeting,
                decision=decision,
                title="Share the referral form with all field staff",
                due_on=meeting.held_on + datetime.timedelta(days=14),
                owner_organisation=owner,
            )
            count += 1
    return count


def _applications(ctx: DemoContext) -> None:
    for name, acronym, kind in (
        ("Hromada Volunteers Union", "HVU", "cbo"),
        ("Institute of Psychotraumatology", "IPT", "academic"),
    ):
        services.application_submit(
            name=name,
            acronym=acronym,
            kind=kind,
            country="UA",
            contact_name="Demo contact",
            contact_email=f"contact@{acronym.lower()}.example.org",
            description="Psychosocial support groups and training of volunteers.",
            areas=ctx.areas[:2],
        )


def _advocacy(ctx: DemoContext, coordinator: Any) -> None:
    area = next((a.parent for a in ctx.areas if a.parent is not None), None)
    if area is None:
        return
    goal = services.goal_create(
        actor=coordinator,
        title="MHPSS in the oblast's social services plan",
        area=area,
        description="A budget line for community psychosocial support spaces.",
    )
    services.milestone_add(
        actor=coordinator,
        goal=goal,
        title="Working group of the oblast administration includes MHPSS",
        reached_on=timezone.localdate() - datetime.timedelta(days=40),
        evidence_note="Order of the oblast administration (demo).",
    )
    services.milestone_add(
        actor=coordinator,
        goal=goal,
        title="Draft plan names support spaces with a budget line",
        due_on=timezone.localdate() + datetime.timedelta(days=90),
    )
