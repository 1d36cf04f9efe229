"""Demo Communities of Practice: CoPs across organisations, meetings with attendance,
supervision, a library, discussions, trainings with certificates, competency assessments
and well-being check-ins.

The CoPs of the demo personas are made through the services (so they are audited like real
ones); the many generated CoPs are bulk-created so that the national scale stays fast.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from carenet.accounts.models import Organisation, User
from carenet.cop import services
from carenet.cop.models import (
    AssessmentContext,
    Attendance,
    CommunityOfPractice,
    CompetencyFramework,
    CopMember,
    CopRole,
    Curriculum,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Profession,
    Scope,
    SupervisionKind,
    SupervisionTheme,
    Visibility,
    WellbeingMeasure,
)
from carenet.cop.reference import load_reference
from carenet.core import permissions
from carenet.core.demo import DemoContext

KINDS = [
    MeetingKind.PEER_LEARNING,
    MeetingKind.CASE_DISCUSSION,
    MeetingKind.GROUP_SUPERVISION,
    MeetingKind.WEBINAR,
    MeetingKind.TRAINING,
]
TOPICS = [
    ("Self-Help Plus facilitators", "Running SH+ groups with fidelity and care"),
    ("School psychologists and teachers", "Supporting children and teachers after displacement"),
    ("Mind-Body Medicine groups", "Skills groups for stress and sleep"),
    ("PM+ helpers", "Problem Management Plus delivered by non-specialists"),
    ("Social workers in hromadas", "Psychosocial support in social services"),
    ("Peer supporters of veterans", "Peer support for veterans and their families"),
    ("Primary care and mhGAP", "Mental health in primary health care"),
    ("Wsparcie psychologiczne dla uchodźców", "Psychosocial support for refugees in Poland"),
]
LINKS = [
    (
        "Psychological first aid: Guide for field workers",
        "https://www.who.int/publications/i/item/9789241548205",
        "en",
        "pfa,guide",
    ),
    (
        "Self-Help Plus: facilitator guide",
        "https://www.who.int/publications/i/item/9789240035119",
        "en",
        "sh-plus,groups",
    ),
    (
        "Problem Management Plus (PM+)",
        "https://www.who.int/publications/i/item/WHO-MSD-MER-16.2",
        "en",
        "pm-plus",
    ),
    (
        "mhGAP Intervention Guide 2.0",
        "https://www.who.int/publications/i/item/9789241549790",
        "en",
        "mhgap,primary-care",
    ),
    ("EQUIP: competency-based training", "https://equipcompetency.org", "en", "competencies,equip"),
]


def build(ctx: DemoContext) -> None:
    load_reference()
    today = timezone.localdate()
    with transaction.atomic():
        named = _named_cops(ctx, today)
    generated = _generated_cops(ctx, today)
    with transaction.atomic():
        _trainings(ctx, today, named)
        _wellbeing(ctx, today, named[0])
    ctx.shared["cops"] = named + generated
    ctx.log(
        f"cop: {CommunityOfPractice.objects.count()} CoPs, "
        f"{CopMember.objects.count()} memberships, {Meeting.objects.count()} meetings"
    )


def _professions() -> dict[str, Profession]:
    return {p.code: p for p in Profession.objects.all()}


def _org_of(user: User) -> Organisation:
    return user.memberships.select_related("organisation").first().organisation  # type: ignore[union-attr]


def _others(ctx: DemoContext, rng: random.Random, count: int, country: str) -> list[User]:
    orgs = [o for o in ctx.organisations if o.country == country and o.pk in ctx.members]
    if not orgs:
        return []
    chosen = rng.sample(orgs, min(count, len(orgs)))
    return [
        ctx.members[o.pk].get("practitioner") or ctx.members[o.pk]["focal_point"] for o in chosen
    ]


def _named_cops(ctx: DemoContext, today: datetime.date) -> list[CommunityOfPractice]:
    prof = _professions()
    focal, practitioner = ctx.users["focal"], ctx.users["practitioner"]
    specialist, focal_pl = ctx.users["specialist"], ctx.users["focal_pl"]
    specs = [
        (
            focal,
            "Kyiv region psychosocial practitioners",
            "Peer learning and supervision for support spaces in Kyiv oblast",
            Scope.REGIONAL,
            "UA32",
            Visibility.OPEN,
            [practitioner, specialist],
            "UA",
        ),
        (
            focal,
            "Irpin case supervision group",
            "Group supervision of counsellors in Irpin",
            Scope.LOCAL,
            "UA3208015",
            Visibility.PRIVATE,
            [practitioner],
            "UA",
        ),
        (
            specialist,
            "Self-Help Plus facilitators of Ukraine",
            "Delivering SH+ with fidelity",
            Scope.NATIONAL,
            "",
            Visibility.OPEN,
            [practitioner],
            "UA",
        ),
        (
            focal_pl,
            "Wsparcie psychospołeczne - Mazowsze",
            "Psychosocial support for refugees in Mazowieckie",
            Scope.REGIONAL,
            "PL14",
            Visibility.OPEN,
            [],
            "PL",
        ),
    ]
    from carenet.geo.models import AdminArea

    cops = []
    for facilitator, name, topic, scope, pcode, visibility, people, country in specs:
        cop = services.cop_create(
            actor=facilitator,
            host=_org_of(facilitator),
            profession=prof["psychologist"],
            name=name,
            topic=topic,
            scope=scope,
            visibility=visibility,
            area=AdminArea.objects.filter(pcode=pcode).first() if pcode else None,
            description="",
        )
        rng = random.Random(ctx.rng.random())
        for user in [*people, *_others(ctx, rng, 7, country)]:
            if not CopMember.objects.filter(cop=cop, user=user).exists():
                services.member_add(
                    actor=facilitator,
                    cop=cop,
                    user=user,
                    organisation=_org_of(user),
                    profession=prof[rng.choice(list(prof))],
                )
        CopMember.objects.filter(cop=cop).update(
            joined_on=today - datetime.timedelta(days=rng.randint(120, 400))
        )
        _meetings_via_services(cop, facilitator, rng, today)
        _content(cop, facilitator, rng, today)
        cops.append(cop)
    return cops


def _meetings_via_services(
    cop: CommunityOfPractice, facilitator: User, rng: random.Random, today: datetime.date
) -> None:
    members = list(CopMember.objects.current().filter(cop=cop))
    for weeks in (-14, -10, -6, -3, -1, 1, 3):
        kind = KINDS[(weeks + 14) % len(KINDS)] if weeks != -1 else MeetingKind.GROUP_SUPERVISION
        starts = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(weeks=weeks), datetime.time(16, 0))
        )
        meeting = services.meeting_schedule(
            actor=facilitator,
            cop=cop,
            kind=kind,
            title=f"{kind.label} ({starts:%d.%m})",
            starts_at=starts,
            duration_minutes=90,
            place="Online",
            agenda="1. Check-in\n2. Theme of the month\n3. Questions from practice",
        )
        if weeks < 0:
            present = [m.pk for m in members if m.user_id == facilitator.pk or rng.random() < 0.7]
            services.attendance_record(
                actor=facilitator,
                meeting=meeting,
                present=present,
                minutes="Themes discussed; next steps agreed.",
            )


def _content(
    cop: CommunityOfPractice, facilitator: User, rng: random.Random, today: datetime.date
) -> None:
    members = [
        m.user
        for m in CopMember.objects.current().filter(cop=cop).select_related("user")
        if m.user_id != facilitator.pk
    ]
    themes = list(SupervisionTheme.objects.all())
    for user in members[:4]:
        services.supervision_log_create(
            actor=facilitator,
            cop=cop,
            kind=SupervisionKind.INDIVIDUAL,
            supervisees=[user],
            held_on=today - datetime.timedelta(days=rng.randint(3, 80)),
            hours=Decimal("1.0"),
            themes=rng.sample(themes, 2),
        )
    for title, url, language, tags in rng.sample(LINKS, 3):
        services.resource_add(
            actor=facilitator,
            cop=cop,
            title=title,
            url=url,
            language=language,
            tags=tags,
            sharing=rng.choice(["cop", "everyone"]),
        )
    thread = services.thread_start(
        actor=facilitator,
        cop=cop,
        title="Grounding exercises that work",
        body="Which grounding exercises work best in your groups?",
    )
    for user in members[:2]:
        services.post_reply(
            actor=user,
            thread=thread,
            body="Short breathing exercises at the start of each session.",
        )


def _generated_cops(ctx: DemoContext, today: datetime.date) -> list[CommunityOfPractice]:
    """Bulk-created CoPs hosted by generated organisations (about one per ten)."""
    rng = random.Random(ctx.rng.random())
    prof = list(Profession.objects.all())
    hosts = [o for o in ctx.organisations if o.pk in ctx.members][3::10]
    cops = CommunityOfPractice.objects.bulk_create(
        [
            CommunityOfPractice(
                name=f"{TOPICS[i % len(TOPICS)][0]} - {host.acronym}",
                topic=TOPICS[i % len(TOPICS)][1],
                host=host,
                scope=rng.choice(list(Scope)),
                visibility=rng.choice([Visibility.OPEN] * 3 + [Visibility.PRIVATE]),
            )
            for i, host in enumerate(hosts)
        ]
    )
    members: list[CopMember] = []
    for cop in cops:
        facilitator = ctx.members[cop.host_id]["focal_point"]
        people = [facilitator, *_others(ctx, rng, 8, cop.host.country)]
        seen: set[int] = set()
        for i, user in enumerate(people):
            if user.pk in seen:
                continue
            seen.add(user.pk)
            joined = today - datetime.timedelta(days=rng.randint(20, 400))
            left = (
                joined + datetime.timedelta(days=rng.randint(10, 15))
                if i > 1 and rng.random() < 0.15
                else None
            )
            members.append(
                CopMember(
                    cop=cop,
                    user=user,
                    organisation=_org_of_cached(ctx, user),
                    profession=rng.choice(prof),
                    joined_on=joined,
                    left_on=left if left and left <= today else None,
                    role=CopRole.FACILITATOR if i == 0 else CopRole.MEMBER,
                )
            )
    CopMember.objects.bulk_create(members)
    _bulk_meetings(cops, rng, today)
    return cops


def _org_of_cached(ctx: DemoContext, user: User) -> Organisation:
    """The organisation of a generated user, from the context (no query per user)."""
    cache: dict[int, Organisation] = ctx.shared.setdefault("cop_user_org", {})
    if not cache:
        orgs = {o.pk: o for o in ctx.organisations}
        for org_id, roles in ctx.members.items():
            for member in roles.values():
                if org_id in orgs:
                    cache.setdefault(member.pk, orgs[org_id])
    return cache.get(user.pk) or _org_of(user)


def _bulk_meetings(
    cops: list[CommunityOfPractice], rng: random.Random, today: datetime.date
) -> None:
    meetings: list[Meeting] = []
    for cop in cops:
        for weeks in (-12, -8, -4, -2, 2):
            starts = timezone.make_aware(
                datetime.datetime.combine(
                    today + datetime.timedelta(weeks=weeks), datetime.time(17, 0)
                )
            )
            kind = rng.choice(KINDS)
            meetings.append(
                Meeting(
                    cop=cop,
                    kind=kind,
                    title=f"{kind.label} ({starts:%d.%m})",
                    starts_at=starts,
                    status=MeetingStatus.HELD if weeks < 0 else MeetingStatus.SCHEDULED,
                )
            )
    Meeting.objects.bulk_create(meetings)
    by_cop: dict[int, list[CopMember]] = {}
    for m in CopMember.objects.filter(cop__in=cops, left_on__isnull=True):
        by_cop.setdefault(m.cop_id, []).append(m)
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, member=member, present=rng.random() < 0.7)
            for meeting in meetings
            if meeting.status == MeetingStatus.HELD
            for member in by_cop.get(meeting.cop_id, [])
        ]
    )


def _trainings(ctx: DemoContext, today: datetime.date, named: list[CommunityOfPractice]) -> None:
    rng = random.Random(ctx.rng.random())
    focal, practitioner = ctx.users["focal"], ctx.users["practitioner"]
    curricula = {c.code: c for c in Curriculum.objects.all()}
    participants = [practitioner, *_others(ctx, rng, 9, "UA")]
    for code, days_ago in (("pfa", 300), ("shplus-facilitation", 120), ("helping-skills", 30)):
        start = today - datetime.timedelta(days=days_ago)
        training = services.training_create(
            actor=focal,
            issuer=_org_of(focal),
            curriculum=curricula[code],
            title=f"{curricula[code].name_en}, Kyiv {start:%Y}",
            cop=named[0],
            starts_on=start,
            ends_on=start + datetime.timedelta(days=1),
            hours=Decimal(16),
            place="Kyiv",
        )
        for user in participants:
            participant = services.participant_add(actor=focal, training=training, user=user)
            pre = Decimal(rng.randint(35, 70))
            services.participant_scores(
                actor=focal,
                participant=participant,
                pre_score=pre,
                post_score=min(Decimal(100), pre + rng.randint(5, 30)),
                completed=rng.random() < 0.9 or user == practitioner,
            )
            if participant.completed and user.full_name:
                services.certificate_issue(actor=focal, participant=participant)
    _assessments(ctx, today, rng)


def _assessments(ctx: DemoContext, today: datetime.date, rng: random.Random) -> None:
    framework = CompetencyFramework.objects.filter(is_default=True).first()
    if framework is None:
        return
    items = list(framework.items.all())
    focal = ctx.users["focal"]
    people = [ctx.users["practitioner"], *_others(ctx, rng, 3, "UA")]
    for user in people:
        if not permissions.can_on(focal, "cop.assess", user):
            continue
        base = rng.choice([1, 2, 2, 3])
        for step, days_ago in enumerate((240, 150, 60)):
            levels = {i.pk: max(1, min(4, base + step + rng.choice([-1, 0, 0, 1]))) for i in items}
            services.assessment_record(
                actor=focal,
                practitioner=user,
                framework=framework,
                assessed_on=today - datetime.timedelta(days=days_ago),
                context=AssessmentContext.ROLE_PLAY,
                levels=levels,
            )


def _wellbeing(ctx: DemoContext, today: datetime.date, cop: CommunityOfPractice) -> None:
    measure = WellbeingMeasure.objects.filter(is_active=True).first()
    if measure is None:
        return
    rng = random.Random(ctx.rng.random())
    numbers = list(measure.items.values_list("number", flat=True))
    for member in CopMember.objects.current().filter(cop=cop).select_related("user"):
        for days_ago in (70, 42, 14):
            answers = {n: rng.randint(1, 5) for n in numbers}
            services.checkin_record(
                actor=member.user,
                measure=measure,
                answers=answers,
                taken_on=today - datetime.timedelta(days=days_ago),
            )
