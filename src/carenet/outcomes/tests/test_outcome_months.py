"""The monthly sums the dashboards read (`OutcomeMonth`) always equal the outcomes summed
afresh, and a hand-computed example."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum

from carenet.outcomes import services
from carenet.outcomes.models import Outcome, OutcomeMonth

from .conftest import DAY, World

IMPROVE = ([2, 2, 2, 2, 2, 2, 2, 2, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0])  # 16 -> 8: improved
SAME = ([2, 2, 2, 2, 2, 2, 2, 2, 0], [2, 2, 2, 2, 2, 2, 1, 1, 0])  # 16 -> 14: no change


def _sums() -> dict[tuple, tuple[int, int, int]]:
    return {
        (r.instrument_id, r.month): (r.outcomes, r.improved, r.change_sum)
        for r in OutcomeMonth.objects.filter(outcomes__gt=0)
    }


def _fresh() -> dict[tuple, tuple[int, int, int]]:
    rows = (
        Outcome.objects.values("instrument_id", "month")
        .annotate(
            n=Count("id"), up=Count("id", filter=Q(reliable="improved")), change=Sum("change")
        )
        .order_by()
    )
    return {(r["instrument_id"], r["month"]): (r["n"], r["up"], r["change"]) for r in rows}


def test_it_sums_outcomes_by_month_as_they_change(world: World) -> None:
    delivery = world.cycle(3)
    first, second, third = delivery.participants.order_by("id")
    phq = world.instrument("PHQ-9").pk
    march, june = DAY.replace(day=1), datetime.date(2026, 6, 1)
    for p, (pre, post) in ((first, IMPROVE), (second, SAME), (third, IMPROVE)):
        world.answer(p, "PHQ-9", pre)
        world.answer(p, "PHQ-9", post, timepoint="end")
    # hand-computed: changes -8, -2, -8; two reliably improved
    assert _sums() == {(phq, march): (3, 2, -18)} == _fresh()

    # a later follow-up moves the third person's outcome to June, no longer improved
    world.answer(third, "PHQ-9", SAME[1], timepoint="follow_up", taken_on=DAY.replace(month=6))
    assert _sums() == {(phq, march): (2, 1, -10), (phq, june): (1, 0, -2)} == _fresh()


def test_the_rebuild_gives_the_same_sums(world: World) -> None:
    delivery = world.cycle(2)
    for p in delivery.participants.all():
        world.answer(p, "PHQ-9", IMPROVE[0])
        world.answer(p, "PHQ-9", IMPROVE[1], timepoint="end")
        world.answer(p, "WHO-5", [1, 1, 1, 1, 1])
        world.answer(p, "WHO-5", [3, 3, 3, 3, 3], timepoint="end")
    kept = _sums()
    assert len(kept) == 2
    OutcomeMonth.objects.all().delete()
    assert services.outcome_months_rebuild() == 2
    assert _sums() == kept == _fresh()
