"""The reports part of the demo network: two programmes with targets, and grants."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from carenet.core.demo import DemoContext
from carenet.reporting.models import Donor
from carenet.reports.models import Grant, Programme, Target, Unit


def build(ctx: DemoContext) -> None:
    if not ctx.organisations or Programme.objects.exists():
        return
    start = timezone.localdate().replace(month=1, day=1)
    end = start.replace(month=12, day=31)
    spaces = Programme.objects.create(
        name="Psychosocial support spaces in hromadas",
        description="At least ten support spaces in five communities.",
        starts_on=start,
    )
    mhgap = Programme.objects.create(name="mhGAP trainings", starts_on=start)
    oblast = ctx.areas[0].parent.parent if ctx.areas and ctx.areas[0].parent else None
    Target.objects.bulk_create(
        [
            Target(programme=spaces, unit=Unit.SPACES_OPENED, number=10, due_on=end),
            Target(programme=spaces, unit=Unit.PEOPLE_REACHED, number=20_000, due_on=end),
            Target(
                programme=spaces,
                unit=Unit.SESSIONS_DELIVERED,
                number=3_000,
                area=oblast,
                due_on=end,
            ),
            Target(programme=mhgap, unit=Unit.PEOPLE_TRAINED, number=120, due_on=end),
        ]
    )
    donors = list(Donor.objects.filter(code__in=["echo", "bha", "unicef", "who", "sida"]))
    for i, org in enumerate(ctx.organisations[: min(8, len(ctx.organisations))]):
        if not donors:
            break
        grant = Grant.objects.create(
            organisation=org,
            donor=donors[i % len(donors)],
            amount=Decimal(ctx.rng.randrange(50_000, 900_000, 1_000)),
            currency="EUR" if org.country == "UA" else "PLN",
            starts_on=start,
            ends_on=end + datetime.timedelta(days=365),
            programme=spaces if i % 2 == 0 else mhgap,
            reference=f"GR-{start.year}-{i + 1:03d}",
        )
        grant.areas.set(ctx.rng.sample(ctx.areas, min(3, len(ctx.areas))))
    ctx.log("reports: 2 programmes, 4 targets, grants")
