"""Demo data: readiness assessments (some re-assessed), strategic sessions with overdue
action items, programmes at every stage (some blocked or stale) and support spaces.

Built through the services, deterministic from `ctx.rng`, on a bounded number of the demo
communities (every Kyiv-oblast one, so the Kyiv coordinator has something to follow).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from carenet.community import queries, services
from carenet.community.loaders import load_reference
from carenet.community.models import (
    ActionStatus,
    CommunitySector,
    Implementation,
    StageStatus,
)
from carenet.core.demo import DemoContext

COMMUNITIES = {"small": 30, "national": 120}
ISSUE = "Opening a psychosocial support space"
ROLES = {
    "local-authority": "deputy head of the community council",
    "health": "head of the primary health care centre",
    "education": "school director",
    "social-services": "head of the social services department",
    "ngo": "coordinator of a local NGO",
    "faith": "parish priest",
    "police-emergency": "community police officer",
    "youth": "youth centre leader",
    "veterans": "veterans' association representative",
}
VISIONS = [
    "Every resident knows where to find psychological support close to home, free of charge.",
    "A support space open five days a week, with referral to specialised care when needed.",
    "Teachers, social workers and health staff work as one network for people's well-being.",
]
ACTIONS = [
    "Find and agree premises for the support space",
    "Send two social workers to Self-Help Plus facilitator training",
    "Agree referral routes with the district mental health clinic",
    "Present the plan to the community council",
    "Arrange monthly group supervision for practitioners",
    "Prepare leaflets about the support space for schools",
]


def build(ctx: DemoContext) -> None:
    load_reference()
    communities = _communities(ctx)
    if not communities:
        ctx.log("community: no demo communities; skipped")
        return
    today = timezone.localdate()
    counts = {"assessments": 0, "sessions": 0, "implementations": 0, "spaces": 0}
    for community in communities:
        org = _lead(ctx, community)
        actor = _actor(ctx, org)
        with transaction.atomic():
            counts["assessments"] += _assessments(ctx, community, org, actor, today)
            counts["sessions"] += _session(ctx, community, org, actor, today)
            implementations = _implementations(ctx, community, org, actor, today)
            counts["implementations"] += len(implementations)
            counts["spaces"] += _spaces(ctx, community, org, actor, implementations)
    ctx.shared["community_areas"] = communities
    ctx.log("community: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def _communities(ctx: DemoContext) -> list[Any]:
    limit = COMMUNITIES["national" if ctx.national else "small"]
    kyiv = [a for a in ctx.areas if a.pcode.startswith("UA32")][:6]
    others = [a for a in ctx.areas if a not in kyiv]
    picked = ctx.rng.sample(others, min(len(others), max(limit - len(kyiv), 0)))
    return kyiv + sorted(picked, key=lambda a: a.pcode)


def _lead(ctx: DemoContext, community: Any) -> Any:
    """An organisation working in the community, else one of its country."""
    org_areas: dict[int, list[Any]] = ctx.shared.get("org_areas", {})
    named = {o.acronym: o for o in ctx.organisations}
    if community.pcode.startswith("UA32") and "RPC" in named:
        return named["RPC"]
    local = [o for o in ctx.organisations if community in org_areas.get(o.pk, [])]
    pool = local or [o for o in ctx.organisations if o.country == community.country]
    return pool[ctx.rng.randrange(len(pool))] if pool else None


def _actor(ctx: DemoContext, org: Any) -> Any:
    members = ctx.members.get(org.pk, {}) if org is not None else {}
    return members.get("focal_point") or members.get("org_admin") or ctx.users["coordinator"]


def _assessments(
    ctx: DemoContext, community: Any, org: Any, actor: Any, today: datetime.date
) -> int:
    edition = queries.default_edition()
    if edition is None:
        return 0
    level = ctx.rng.uniform(2.0, 5.5)
    dimensions = queries.dimensions_of(edition)
    # the community's profile: some dimensions lag behind others, assessment after assessment
    offsets = {d.code: ctx.rng.uniform(-1.5, 1.5) for d in dimensions}
    made = 0
    rounds = 2 if ctx.rng.random() < 0.5 else 1
    for n in range(rounds):
        when = today - datetime.timedelta(days=ctx.rng.randint(300, 420) - n * 240)
        assessment = services.assessment_create(
            actor=actor,
            community=community,
            organisation=org,
            issue=ISSUE,
            edition=edition,
            assessed_on=when,
        )
        _interviews(ctx, assessment, actor, level + n * ctx.rng.uniform(0.5, 1.8), offsets, when)
        made += 1
    return made


def _interviews(
    ctx: DemoContext,
    assessment: Any,
    actor: Any,
    level: float,
    offsets: dict[str, float],
    when: datetime.date,
) -> None:
    sectors = {s.code: s for s in CommunitySector.objects.filter(code__in=ROLES)}
    codes = ctx.rng.sample(sorted(sectors), min(len(sectors), ctx.rng.randint(6, 8)))
    dimensions = queries.dimensions_of(assessment.edition)
    sheet = {}
    for code in codes:
        interview = services.interview_add(
            actor=actor,
            assessment=assessment,
            sector=sectors[code],
            role=ROLES[code],
            interviewed_on=when - datetime.timedelta(days=ctx.rng.randint(1, 20)),
        )
        scores = {}
        for d in dimensions:
            base = level + offsets[d.code] + ctx.rng.uniform(-0.7, 0.7)
            s1 = _clamp(round(base + ctx.rng.choice((-1, 0, 0, 1))))
            s2 = _clamp(round(base + ctx.rng.choice((-1, 0, 0, 1))))
            scores[d.code] = services.ScoreInput(s1, s2, Decimal(s1 + s2) / 2)
        sheet[interview] = scores
    services.assessment_scores_save(actor=actor, assessment=assessment, scores=sheet)


def _clamp(score: int) -> int:
    return max(1, min(9, score))


def _session(ctx: DemoContext, community: Any, org: Any, actor: Any, today: datetime.date) -> int:
    if ctx.rng.random() < 0.3:
        return 0
    sectors = list(queries.sectors())
    participation = {s: ctx.rng.randint(1, 6) for s in ctx.rng.sample(sectors, 6)}
    held = today - datetime.timedelta(days=ctx.rng.randint(60, 200))
    session = services.session_create(
        actor=actor,
        community=community,
        organisation=org,
        participation=participation,
        held_on=held,
        title="Strategic session on psychosocial support",
        vision=ctx.rng.choice(VISIONS),
        short_term_plan="Agree premises and train the first practitioners within six months.",
        long_term_plan="Include the support space in the community's budget and social "
        "services plan.",
    )
    for text in ctx.rng.sample(ACTIONS, 3):
        due = held + datetime.timedelta(days=ctx.rng.randint(30, 240))
        item = services.action_item_add(
            actor=actor, session=session, description=text, owner_organisation=org, due_on=due
        )
        if due < today and ctx.rng.random() < 0.6:
            services.action_item_set_status(actor=actor, item=item, status=ActionStatus.DONE)
    return 1


def _implementations(
    ctx: DemoContext, community: Any, org: Any, actor: Any, today: datetime.date
) -> list[Implementation]:
    programmes = list(queries.programmes())
    stages = queries.implementation_stages()
    chosen = programmes[:1] + ctx.rng.sample(programmes[1:], ctx.rng.randint(0, 1))
    made = []
    for programme in chosen:
        started = today - datetime.timedelta(days=ctx.rng.randint(200, 700))
        implementation = services.implementation_create(
            actor=actor,
            programme=programme,
            community=community,
            organisation=org,
            started_on=started,
        )
        reached = ctx.rng.randint(0, len(stages) - 1)
        step = max((today - started).days // (reached + 1), 1)  # every date before today
        for index, stage in enumerate(stages[: reached + 1]):
            start = started + datetime.timedelta(days=index * step)
            done = index < reached
            status = StageStatus.DONE if done else StageStatus.IN_PROGRESS
            blocked = not done and ctx.rng.random() < 0.15
            services.stage_update(
                actor=actor,
                implementation=implementation,
                stage=stage,
                status=StageStatus.BLOCKED if blocked else status,
                started_on=start,
                completed_on=start + datetime.timedelta(days=step - 1) if done else None,
                responsible_organisation=org,
                blocked_reason="Premises not yet agreed with the council" if blocked else "",
                today=today,
            )
        if ctx.rng.random() < 0.25:  # some have not moved for a long time
            stale = timezone.now() - datetime.timedelta(days=ctx.rng.randint(120, 300))
            Implementation.objects.filter(pk=implementation.pk).update(last_change_at=stale)
        made.append(implementation)
    return made


def _spaces(
    ctx: DemoContext, community: Any, org: Any, actor: Any, implementations: list[Implementation]
) -> int:
    tcm = next((i for i in implementations if i.programme.code == "taking-care-of-myself"), None)
    if tcm is None or org is None or ctx.rng.random() < 0.3:
        return 0
    offers = list(queries.offers())
    site = queries.linkable_sites(actor, community).filter(organisation=org).first()
    space = services.space_create(
        actor=actor,
        community=community,
        organisation=org,
        offers=ctx.rng.sample(offers, ctx.rng.randint(2, len(offers))),
        name=f"Support space “Taking Care of Myself” — {community.name_en}",
        implementation=tcm,
        site=site,
    )
    answers = {
        item: services.ChecklistInput(ctx.rng.random() < 0.7) for item in queries.checklist_items()
    }
    services.checklist_save(actor=actor, space=space, answers=answers)
    return 1
