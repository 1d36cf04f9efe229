"""Demo peer support: the kinds of group, volunteers of the RPC persona organisation (one
applicant, one who left, active ones with hours), two groups at its first public site with
rotating facilitators and head counts, one of them open and listed in the directory."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from carenet.accounts.models import Membership
from carenet.core.demo import DemoContext
from carenet.directory import queries as directory_queries
from carenet.peer import services
from carenet.peer.models import GroupKind
from carenet.peer.reference import load_reference

NAMES = [
    "Оксана Мельник",
    "Андрій Бондар",
    "Marta Nowak",
    "Ірина Коваль",
    "Тарас Шевчук",
    "Olha Savchuk",
]


def build(ctx: DemoContext) -> None:
    load_reference()
    focal = ctx.users.get("focal")
    if focal is None:
        return
    org = Membership.objects.get(user=focal, role="focal_point").organisation
    site = directory_queries.public_sites().filter(organisation=org).order_by("pk").first()
    if site is None:
        return
    today = timezone.localdate()
    volunteers = []
    for i, name in enumerate(NAMES):
        started = today - datetime.timedelta(days=30 * (14 - 2 * i))
        v = services.volunteer_invite(
            actor=focal, organisation=org, full_name=name, applied_on=started
        )
        services.screening_record(
            actor=focal, volunteer=v, step="interview", done_on=started, passed=True
        )
        v = services.volunteer_set_status(actor=focal, volunteer=v, status="active", on=started)
        for week in range(4):
            day = today - datetime.timedelta(days=7 * week + 1)
            services.hours_log(actor=focal, volunteer=v, date=day, hours=Decimal("2.5"))
        volunteers.append(v)
    services.volunteer_set_status(
        actor=focal, volunteer=volunteers[1], status="left", on=today - datetime.timedelta(days=40)
    )
    services.volunteer_apply(
        organisation=org, full_name="Кандидат Демо", contact="+380 50 000 00 00", motivation=""
    )
    open_group = services.group_create(
        actor=focal,
        organisation=org,
        data={
            "name": "Ветеранська група взаємопідтримки / Veterans' peer group",
            "kind": GroupKind.objects.get(code="veterans"),
            "host_site": site,
            "schedule": "Вівторок 18:00–19:30 / Tuesdays 18:00–19:30",
            "ground_rules": "Confidentiality; no advice unless asked; everyone may pass.",
            "supervisor": ctx.users.get("practitioner"),
        },
    )
    closed_group = services.group_create(
        actor=focal,
        organisation=org,
        data={
            "name": "Група для родин / Families' group",
            "kind": GroupKind.objects.get(code="family_caregiver"),
            "host_site": site,
            "schedule": "Saturdays 11:00",
            "open_to_newcomers": False,
        },
    )
    for group, leads in ((open_group, volunteers[2:5]), (closed_group, volunteers[5:])):
        for v in leads:
            services.facilitator_add(actor=focal, group=group, volunteer=v)
            services.assignment_add(
                actor=focal,
                volunteer=v,
                role="facilitator",
                group=group,
                started_on=v.started_on or today,
            )
        meetings = services.meetings_plan(
            actor=focal, group=group, start=today - datetime.timedelta(days=42), count=10
        )
        for meeting in meetings:
            if meeting.date < today:
                services.meeting_record(
                    actor=focal,
                    meeting=meeting,
                    head_count=ctx.rng.randint(5, 14),
                    newcomers=ctx.rng.randint(0, 2),
                )
    services.assignment_add(
        actor=focal, volunteer=volunteers[0], role="reception", site=site, started_on=today
    )
    ctx.log(f"peer: {len(volunteers) + 1} volunteers, 2 groups at {site.name_en}")
