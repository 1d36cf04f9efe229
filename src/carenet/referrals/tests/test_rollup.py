"""The pathway metrics rollup: kept exact by the services, equal to counting the referrals."""

from __future__ import annotations

import datetime
import statistics
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from carenet.accounts import services as account_services
from carenet.conftest import make_user
from carenet.geo.models import AdminArea
from carenet.referrals import metrics, rollup, services
from carenet.referrals.models import ConsentPurpose, PathwayCell, Referral, Status
from carenet.referrals.tests.conftest import (
    ARGS,
    PATHS,
    World,
    make_client,
    make_draft,
    share_consent,
)

LONG_AGO = datetime.date(2000, 1, 1)  # a date range: the metrics count the referrals


def cells() -> dict[tuple[str, ...], tuple[Any, ...]]:
    """The rollup as plain values, without the cells nothing is counted in any more."""
    out = {}
    for c in PathwayCell.objects.all():
        values = (
            *(getattr(c, n) for n in rollup.COUNTS),
            c.to_acknowledge,
            c.to_start,
            c.median_to_acknowledge,
            c.median_to_start,
        )
        if any(values):
            out[(c.scope, c.grouping, c.origin, c.target)] = values
    return out


def assert_rollup_is_exact() -> None:
    kept = cells()
    rollup.rebuild()
    assert kept == cells()


def counted(world: World, client: Any) -> None:
    share_consent(world, client, purpose=ConsentPurpose.REPORTING, organisations=[])


def walk(world: World, status: str, *, hours: float = 5, area: str = "irpin") -> Referral:
    """A counted referral brought to `status`, `hours` apart from one step to the next."""
    pcode = {"irpin": "UA3208015", "lviv": "UA4606025"}[area]
    client = make_client(world, area=AdminArea.objects.get(pcode=pcode))
    counted(world, client)
    referral = make_draft(world, client)
    share_consent(world, client)
    with freeze_time(timezone.now()) as clock:
        for name, side in PATHS[status]:
            clock.tick(datetime.timedelta(hours=hours))
            referral = services.referral_transition(
                actor=world.actor(side), referral=referral, name=name, **ARGS.get(name, {})
            )
    return referral


def network(world: World) -> None:
    """Referrals in every state, with different delays, from two oblasts, to two receivers."""
    for i, status in enumerate(list(Status)[1:] * 2):
        referral = walk(world, status, hours=1.5 + 3 * i, area="lviv" if i % 3 else "irpin")
        if i % 4 == 0:
            Referral.objects.filter(pk=referral.pk).update(to_organisation=world.org_c)
    rollup.rebuild()  # the receivers were changed behind the services' back
    for referral in Referral.objects.filter(status__in=[Status.COMPLETED, Status.DECLINED]):
        services.referral_mark_outcome_seen(actor=world.people.practitioner, referral=referral)


@pytest.mark.parametrize("by", ["organisation", "layer", "area"])
def test_the_rollup_gives_what_counting_the_referrals_gives(
    world: World, settings: Any, by: str
) -> None:
    network(world)
    country = make_user("country@test.org")
    account_services.coordinator_grant(actor=None, user=country, country="UA")
    people = world.people
    for user in (people.coordinator, people.oblast_coordinator, people.superuser, country):
        for threshold in (1, 5):
            settings.CARENET_MIN_CELL = threshold
            fast = metrics.pathway_metrics(user, by)
            assert fast == metrics.pathway_metrics(user, by, since=LONG_AGO)
            assert fast[-1]["total"] and fast[-1]["sent"]
    assert_rollup_is_exact()


def test_the_rollup_folds_beyond_the_limit_as_the_referrals_do(world: World, settings) -> None:
    settings.CARENET_MIN_CELL = 1
    network(world)
    for limit in (0, 1, 2, 5):
        fast = metrics.pathway_metrics(world.people.coordinator, "organisation", limit=limit)
        slow = metrics.pathway_metrics(
            world.people.coordinator, "organisation", limit=limit, since=LONG_AGO
        )
        assert fast == slow
    assert fast[-2].get("other") is None  # 5 pathways shown: nothing left over


def test_each_step_moves_the_referral_in_the_rollup(world: World) -> None:
    referral = walk(world, Status.DRAFT)
    assert cells() == {}
    for name, side in PATHS[Status.COMPLETED]:
        referral = services.referral_transition(
            actor=world.actor(side), referral=referral, name=name, **ARGS.get(name, {})
        )
        assert_rollup_is_exact()
    services.referral_mark_outcome_seen(actor=world.people.practitioner, referral=referral)
    total = PathwayCell.objects.get(scope="*", grouping="total")
    assert (total.sent, total.completed, total.loops_closed) == (1, 1, 1)
    assert_rollup_is_exact()


def test_a_step_writes_the_rollup_in_one_statement_two_with_a_new_time(world: World) -> None:
    referral = walk(world, Status.DRAFT)
    written = []
    for name, side in PATHS[Status.COMPLETED]:
        with CaptureQueriesContext(connection) as ctx:
            referral = services.referral_transition(
                actor=world.actor(side), referral=referral, name=name, **ARGS.get(name, {})
            )
        written.append(sum("referrals_pathwaycell" in q["sql"] for q in ctx.captured_queries))
    # send, acknowledge (a time to acknowledge), accept, start (a time to start), complete
    assert written == [1, 2, 1, 2, 1]
    total = PathwayCell.objects.get(scope="*", grouping="total")
    assert (total.sent, total.started, total.completed) == (1, 1, 1)
    assert len(total.to_start) == 1 and total.median_to_start is not None
    assert_rollup_is_exact()


def test_many_cells_at_once_are_written_in_chunks(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(rollup, "_CHUNK", 7)
    client = make_client(world)
    share_consent(world, client)
    for _ in range(3):
        referral = make_draft(world, client)
        services.referral_transition(
            actor=world.people.practitioner, referral=referral, name="send"
        )
    consent = share_consent(world, client, purpose=ConsentPurpose.REPORTING, organisations=[])
    assert PathwayCell.objects.get(scope="*", grouping="total").sent == 3
    assert_rollup_is_exact()
    services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    assert cells() == {}


def test_a_reporting_consent_adds_the_person_and_withdrawing_it_removes_them(
    world: World,
) -> None:
    client = make_client(world)
    share_consent(world, client)
    referral = make_draft(world, client)
    services.referral_transition(actor=world.people.practitioner, referral=referral, name="send")
    assert cells() == {}  # not counted: no reporting consent
    consent = share_consent(world, client, purpose=ConsentPurpose.REPORTING, organisations=[])
    assert PathwayCell.objects.get(scope="*", grouping="total").sent == 1
    assert_rollup_is_exact()
    services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    assert cells() == {}
    client.refresh_from_db()
    assert client.reports_until is None


def test_a_reporting_consent_that_ran_out_stops_counting_at_the_next_read(world: World) -> None:
    client = make_client(world)
    today = timezone.localdate()
    share_consent(
        world, client, purpose=ConsentPurpose.REPORTING, organisations=[], valid_until=today
    )
    share_consent(world, client)
    referral = make_draft(world, client)
    services.referral_transition(actor=world.people.practitioner, referral=referral, name="send")
    assert metrics.pathway_metrics(world.people.coordinator, "layer")[-1]["sent"] is None  # 1
    with freeze_time(timezone.now() + datetime.timedelta(days=1)):
        assert metrics.pathway_metrics(world.people.coordinator, "layer")[-1]["sent"] == 0
        assert (
            metrics.pathway_metrics(world.people.coordinator, "layer", since=LONG_AGO)[-1]["sent"]
            == 0
        )
    assert cells() == {}
    client.refresh_from_db()
    assert client.reports_until is None


def test_a_consent_until_a_date_counts_until_that_date(world: World) -> None:
    client = make_client(world)
    until = timezone.localdate() + datetime.timedelta(days=30)
    share_consent(
        world, client, purpose=ConsentPurpose.REPORTING, organisations=[], valid_until=until
    )
    client.refresh_from_db()
    assert client.reports_until == until
    counted(world, client)  # and one without an end
    client.refresh_from_db()
    assert client.reports_until == rollup.FOREVER


def test_scopes_follow_the_coordinator_roles(world: World, areas: dict[str, AdminArea]) -> None:
    people = world.people
    assert metrics.rollup_scopes(people.coordinator) == ["*"]
    assert metrics.rollup_scopes(people.superuser) == ["*"]
    assert metrics.rollup_scopes(people.oblast_coordinator) == ["region:UA32"]
    account_services.coordinator_grant(actor=None, user=people.oblast_coordinator, country="PL")
    assert metrics.rollup_scopes(people.oblast_coordinator) is None  # may overlap
    assert metrics.rollup_scopes(make_user("x@test.org")) is None
    raion = make_user("raion@test.org")
    account_services.coordinator_grant(actor=None, user=raion, area=areas["bucha"])
    assert metrics.rollup_scopes(raion) is None


def test_a_raion_coordinator_is_counted_from_the_referrals(
    world: World, areas: dict[str, AdminArea], settings
) -> None:
    settings.CARENET_MIN_CELL = 1
    network(world)
    raion = make_user("raion@test.org")
    account_services.coordinator_grant(actor=None, user=raion, area=areas["bucha"])
    rows = metrics.pathway_metrics(raion, "area")
    assert [r["from"] for r in rows] == ["Kyivska (UA32)", "All pathways"]
    in_bucha = Referral.objects.filter(area__path__startswith="UA32/UA3208/").sent().count()
    assert rows[-1]["sent"] == in_bucha > 0


def test_two_oblasts_are_summed(world: World, areas: dict[str, AdminArea], settings) -> None:
    settings.CARENET_MIN_CELL = 1
    network(world)
    both = make_user("two@test.org")
    for area in (areas["kyiv_obl"], areas["lviv_obl"]):
        account_services.coordinator_grant(actor=None, user=both, area=area)
    assert metrics.rollup_scopes(both) == ["region:UA32", "region:UA46"]
    for by in ("organisation", "layer", "area"):
        fast = metrics.pathway_metrics(both, by)
        assert fast == metrics.pathway_metrics(both, by, since=LONG_AGO)
    assert fast[-1]["sent"] == Referral.objects.sent().count()


@pytest.mark.parametrize(
    "values", [[3], [1, 9], [4, 4, 7], [0, 2, 2, 10, 11], [5, 1, 1, 1, 30, 30]]
)
def test_a_median_from_a_histogram_is_the_median(values: list[int]) -> None:
    histogram: dict[str, int] = {}
    for v in values:
        histogram[str(v)] = histogram.get(str(v), 0) + 1
    half = len(histogram) // 2
    parts = [dict(list(histogram.items())[:half]), dict(list(histogram.items())[half:])]
    assert rollup.median_tenths(parts) == statistics.median(values)
    assert rollup.median_tenths([{}]) is None


def test_durations_count_in_tenths_of_an_hour_below_a_day_and_in_hours_beyond() -> None:
    sent = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    minutes = datetime.timedelta(minutes=1)
    assert rollup.tenths(sent, sent + 2 * minutes) == 0
    assert rollup.tenths(sent, sent + 3 * minutes) == 1
    assert rollup.tenths(sent, sent + 90 * minutes) == 15
    assert rollup.tenths(sent, sent + 23 * 60 * minutes + 57 * minutes) == 240
    # From a day on, to the whole hour: a histogram holds a few hundred values.
    assert rollup.tenths(sent, sent + 30 * 60 * minutes + 29 * minutes) == 300
    assert rollup.tenths(sent, sent + 30 * 60 * minutes + 30 * minutes) == 310
    assert rollup.tenths(sent, None) is None


def test_the_metrics_page_reads_a_few_statements_whatever_the_pathways(
    world: World, settings: Any, django_assert_max_num_queries: Any
) -> None:
    from django.urls import reverse

    from carenet.conftest import client_for

    settings.CARENET_MIN_CELL = 1
    network(world)
    page = client_for(world.people.coordinator)
    page.get(reverse("referrals:metrics"))  # warm the session
    for by in ("organisation", "layer", "area"):
        with django_assert_max_num_queries(9):
            response = page.get(reverse("referrals:metrics"), {"by": by})
        assert response.status_code == 200 and "All pathways" in response.content.decode()
