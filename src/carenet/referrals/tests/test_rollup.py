"""The pathway metrics rollup: kept exact by the services; the metrics read from it (or, when
no set of its scopes fits, counted from the referrals) match figures counted by hand."""

from __future__ import annotations

import datetime
import functools
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

LONG_AGO = datetime.date(2000, 1, 1)


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
            out[(c.scope, c.grouping, c.origin, c.target, c.month)] = values
    return out


def assert_rollup_is_exact() -> None:
    kept = cells()
    rollup.rebuild()
    assert kept == cells()


def counted(world: World, client: Any) -> None:
    share_consent(world, client, purpose=ConsentPurpose.REPORTING, organisations=[])


IRPIN, LVIV = "UA3208015", "UA4606025"


def walk(
    world: World,
    status: str,
    *,
    hours: float = 5,
    area: str | None = IRPIN,
    at: datetime.datetime | None = None,
) -> Referral:
    """A counted referral of a person in `area` (a P-code), made and sent `at` (default now),
    brought to `status`, `hours` apart from one step to the next."""
    with freeze_time(at or timezone.now()) as clock:
        client = make_client(world, area=AdminArea.objects.get(pcode=area) if area else None)
        counted(world, client)
        referral = make_draft(world, client)
        share_consent(world, client)
        for name, side in PATHS[status]:
            referral = services.referral_transition(
                actor=world.actor(side), referral=referral, name=name, **ARGS.get(name, {})
            )
            clock.tick(datetime.timedelta(hours=hours))
    return referral


def network(world: World) -> None:
    """Referrals in every state, with different delays, from two oblasts, to two receivers."""
    for i, status in enumerate(list(Status)[1:] * 2):
        referral = walk(world, status, hours=1.5 + 3 * i, area=LVIV if i % 3 else IRPIN)
        if i % 4 == 0:
            Referral.objects.filter(pk=referral.pk).update(to_organisation=world.org_c)
    rollup.rebuild()  # the receivers were changed behind the services' back
    for referral in Referral.objects.filter(status__in=[Status.COMPLETED, Status.DECLINED]):
        services.referral_mark_outcome_seen(actor=world.people.practitioner, referral=referral)


COLUMNS = (*rollup.COUNTS, "median_hours_to_acknowledge", "median_hours_to_start")
# Counted by hand from `network`: two referrals in each state after draft, the i-th with
# steps 1.5 + 3i hours apart (to the tenth of an hour below a day, to the hour from a day
# on), every fourth (i = 0, 4, 8, 12, 16) to GAMMA, every third (i = 0, 3, ...) in Irpin,
# the others in Lviv; the declined and completed ones' outcomes seen.
#            sent ack acc start compl decl no-show outcomes loops  h to ack, h to start
ALL = (18, 12, 8, 4, 2, 2, 2, 6, 4, 27.3, 86.0)
NETWORK = {
    "organisation": [
        ("ALPHA", "BETA", (13, 9, 6, 3, 2, 1, 1, 4, 3, 22.5, 122.0)),
        ("ALPHA", "GAMMA", (5, 3, 2, 1, 0, 1, 1, 2, 1, 38.0, 41.0)),
    ],
    "layer": [("3", "4", ALL)],
    "area": [
        ("Lvivska (UA46)", "Lvivska (UA46)", (12, 10, 8, 4, 2, 0, 2, 4, 2, 27.3, 86.0)),
        ("Kyivska (UA32)", "Kyivska (UA32)", (6, 2, 0, 0, 0, 2, 0, 2, 2, 24.3, None)),
    ],
}
IN_KYIVSKA = {  # the referrals of people in Irpin (i = 0, 3, 6, 9, 12, 15)
    "organisation": [
        ("ALPHA", "BETA", (4, 1, 0, 0, 0, 1, 0, 1, 1, 10.5, None)),
        ("ALPHA", "GAMMA", (2, 1, 0, 0, 0, 1, 0, 1, 1, 38.0, None)),
    ],
    "layer": [("3", "4", (6, 2, 0, 0, 0, 2, 0, 2, 2, 24.3, None))],
    "area": [("Kyivska (UA32)", "Kyivska (UA32)", (6, 2, 0, 0, 0, 2, 0, 2, 2, 24.3, None))],
}


def figures(rows: list[dict[str, Any]]) -> list[tuple[str, str, tuple[Any, ...]]]:
    return [(r["from"], r["to"], tuple(r[c] for c in COLUMNS)) for r in rows]


@pytest.mark.parametrize("by", ["organisation", "layer", "area"])
def test_the_metrics_are_the_hand_counted_figures(world: World, settings: Any, by: str) -> None:
    settings.CARENET_MIN_CELL = 1
    network(world)
    country = make_user("country@test.org")
    account_services.coordinator_grant(actor=None, user=country, country="UA")
    people = world.people
    for user in (people.coordinator, people.superuser, country):
        rows = metrics.pathway_metrics(user, by)
        assert figures(rows) == [*NETWORK[by], ("All pathways", "", ALL)]
    kyivska = metrics.pathway_metrics(people.oblast_coordinator, by)
    assert figures(kyivska)[:-1] == IN_KYIVSKA[by]
    assert kyivska[-1]["sent"] == 6
    # An area and a country together: no set of rollup scopes fits; counted from the
    # referrals (nobody was referred from Poland), to the same figures.
    account_services.coordinator_grant(actor=None, user=people.oblast_coordinator, country="PL")
    assert metrics.rollup_plan(people.oblast_coordinator) is None
    assert metrics.pathway_metrics(people.oblast_coordinator, by) == kyivska
    assert_rollup_is_exact()


def test_small_cells_are_suppressed_with_what_is_computed_from_them(
    world: World, settings: Any
) -> None:
    settings.CARENET_MIN_CELL = 5
    network(world)
    beta, gamma, total = metrics.pathway_metrics(world.people.coordinator, "organisation")
    assert (beta["sent"], beta["acknowledged"], beta["accepted"]) == (13, 9, 6)
    assert (beta["started"], beta["median_hours_to_start"]) == (None, None)  # 3 started
    assert (gamma["sent"], gamma["acknowledged"], gamma["median_hours_to_acknowledge"]) == (
        5,
        None,
        None,
    )
    assert (total["outcomes"], total["loops_closed"], total["loops_closed_share"]) == (
        6,
        None,
        None,
    )


def test_the_rollup_folds_beyond_the_limit(world: World, settings) -> None:
    settings.CARENET_MIN_CELL = 1
    network(world)
    beta, gamma = NETWORK["organisation"]
    other = ("Other pathways", "", (*gamma[2][:9], None, None))  # no median of medians
    total = ("All pathways", "", ALL)
    expected = {0: [("Other pathways", "", (*ALL[:9], None, None)), total], 1: [beta, other, total]}
    for limit in (0, 1, 2, 5):
        rows = metrics.pathway_metrics(world.people.coordinator, "organisation", limit=limit)
        assert figures(rows) == expected.get(limit, [beta, gamma, total])


def test_each_step_moves_the_referral_in_the_rollup(world: World) -> None:
    referral = walk(world, Status.DRAFT)
    assert cells() == {}
    for name, side in PATHS[Status.COMPLETED]:
        referral = services.referral_transition(
            actor=world.actor(side), referral=referral, name=name, **ARGS.get(name, {})
        )
        assert_rollup_is_exact()
    services.referral_mark_outcome_seen(actor=world.people.practitioner, referral=referral)
    total = PathwayCell.objects.get(scope="*", grouping="total", month="")
    assert (total.sent, total.completed, total.loops_closed) == (1, 1, 1)
    assert_rollup_is_exact()


def test_a_reporting_consent_adds_the_person_and_withdrawing_it_removes_them(
    world: World,
) -> None:
    client = make_client(world)
    share_consent(world, client)
    referral = make_draft(world, client)
    services.referral_transition(actor=world.people.practitioner, referral=referral, name="send")
    assert cells() == {}  # not counted: no reporting consent
    consent = share_consent(world, client, purpose=ConsentPurpose.REPORTING, organisations=[])
    assert PathwayCell.objects.get(scope="*", grouping="total", month="").sent == 1
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
    # Below an oblast: every area in it (the raion itself and its hromada).
    bucha, irpin = rollup.area_scope(areas["bucha"].pk), rollup.area_scope(areas["irpin"].pk)
    assert metrics.rollup_scopes(raion) == sorted([bucha, irpin])
    account_services.coordinator_grant(actor=None, user=raion, area=areas["irpin"])
    assert metrics.rollup_scopes(raion) == sorted([bucha, irpin])  # inside: nothing more
    account_services.coordinator_grant(actor=None, user=raion, area=areas["kyiv_obl"])
    assert metrics.rollup_scopes(raion) == ["region:UA32"]  # the oblast holds both
    account_services.coordinator_grant(actor=None, user=raion, area=areas["lviv"])
    assert metrics.rollup_scopes(raion) == ["region:UA32", rollup.area_scope(areas["lviv"].pk)]


def test_a_raion_coordinator_reads_the_cells_of_its_areas(
    world: World, areas: dict[str, AdminArea], settings, monkeypatch
) -> None:
    settings.CARENET_MIN_CELL = 1
    network(world)
    raion = make_user("raion@test.org")
    account_services.coordinator_grant(actor=None, user=raion, area=areas["bucha"])
    monkeypatch.setattr(metrics, "_from_referrals", _refuse)
    rows = metrics.pathway_metrics(raion, "area")
    assert figures(rows) == [*IN_KYIVSKA["area"], ("All pathways", "", IN_KYIVSKA["area"][0][2])]
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
        rows = metrics.pathway_metrics(both, by)
        assert figures(rows) == [*NETWORK[by], ("All pathways", "", ALL)]


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


# --- date ranges and areas below an oblast -------------------------------------------------------


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("counted from the referrals, not read from the rollup")


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment in the site's time zone (the months of the rollup are read in it)."""
    zone = timezone.get_default_timezone()
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)


def calendar(world: World, areas: dict[str, AdminArea]) -> int:
    """Referrals of last year sent over four months, some minutes either side of midnight
    at the turn of a month (which in UTC is still the month before), by people in a hromada,
    in a raion itself, in a second hromada of that raion, in another oblast and in no area;
    in every state, with different delays. Returns the year."""
    year = timezone.localdate().year - 1
    AdminArea.objects.create(
        pcode="UA3208007",
        level=3,
        parent=areas["bucha"],
        path=areas["bucha"].path + "UA3208007/",
        country="UA",
        boundary_set=areas["bucha"].boundary_set,
        name_en="Bucha",
    )
    moments = [
        local(year, 1, 10),
        local(year, 1, 31, 23, 50),
        local(year, 2, 1, 0, 10),
        local(year, 2, 14, 9),
        local(year, 2, 28, 23, 59),
        local(year, 3, 1, 0, 5),
        local(year, 3, 15, 15),
        local(year, 4, 2, 8),
        local(year, 4, 30, 23),
    ]
    places = [IRPIN, LVIV, "UA3208", None, "UA3208007", IRPIN]
    states = list(Status)[1:]
    for i, moment in enumerate(moments * 2):
        referral = walk(
            world, states[i % len(states)], hours=0.7 + 9.3 * i, area=places[i % 6], at=moment
        )
        if i % 5 == 0:
            Referral.objects.filter(pk=referral.pk).update(to_organisation=world.org_c)
    rollup.rebuild()  # the receivers were changed behind the services' back
    for referral in Referral.objects.filter(status__in=[Status.COMPLETED, Status.NO_SHOW]):
        services.referral_mark_outcome_seen(actor=world.people.practitioner, referral=referral)
    return year


def ranges(year: int) -> list[tuple[datetime.date | None, datetime.date | None]]:
    d = functools.partial(datetime.date, year)
    return [
        (None, None),
        (d(1, 1), None),  # whole months, open-ended
        (None, d(2, 28)),
        (d(2, 1), d(3, 31)),
        (d(1, 31), d(2, 1)),  # one day either side of a month's turn
        (d(1, 15), d(3, 14)),  # part of January, all February, part of March
        (d(2, 2), d(4, 30)),
        (d(1, 1), d(4, 1)),
        (d(2, 1), d(2, 14)),  # within one month
        (d(2, 14), d(2, 14)),
        (d(2, 15), d(3, 1)),
        (d(3, 1), d(1, 1)),  # the wrong way round: nothing
        (d(5, 1), None),  # after everything
        (LONG_AGO, None),  # around everything: the cells over all time
        (d(1, 1), d(12, 31)),
    ]


# Sent by hand-counting `calendar`, per range of `ranges`: the whole network (two referrals at
# each of the nine moments) and the Bucha raion (the people in Irpin, in the raion itself and
# in Bucha hromada: i % 6 in 0, 2, 4, 5).
IN_RANGE = {
    "network": [18, 18, 10, 10, 4, 10, 12, 14, 4, 2, 4, 0, 0, 18, 18],
    "raion": [12, 12, 6, 7, 3, 7, 8, 9, 3, 1, 3, 0, 0, 12, 12],
    "hromada": [6, 6, 3, 4, 1, 3, 4, 5, 2, 1, 1, 0, 0, 6, 6],  # Irpin: i = 0, 5, 6, 11, 12, 17
}


@pytest.mark.parametrize("by", ["organisation", "layer", "area"])
def test_date_ranges_and_areas_below_an_oblast_read_the_rollup_exactly(
    world: World, areas: dict[str, AdminArea], settings: Any, monkeypatch: Any, by: str
) -> None:
    settings.CARENET_MIN_CELL = 1
    monkeypatch.setattr(metrics, "_from_referrals", _refuse)
    year = calendar(world, areas)
    reach = {"network": world.people.coordinator}
    for name, area in (("raion", areas["bucha"]), ("hromada", areas["irpin"])):
        reach[name] = make_user(f"{name}@test.org")
        account_services.coordinator_grant(actor=None, user=reach[name], area=area)
    for name, user in reach.items():
        for (since, until), sent in zip(ranges(year), IN_RANGE[name], strict=True):
            rows = metrics.pathway_metrics(user, by, since=since, until=until)
            assert rows[-1]["sent"] == sent, (name, since, until)
            assert sum(r["sent"] for r in rows[:-1]) == sent  # the rows add up to the total
            folded = metrics.pathway_metrics(user, by, since=since, until=until, limit=1)
            assert len(folded) <= 3 and folded[-1] == rows[-1]
            assert sum(r["sent"] for r in folded[:-1]) == sent
    assert_rollup_is_exact()


def test_a_month_is_the_site_s_local_month(world: World, areas: dict[str, AdminArea]) -> None:
    year = calendar(world, areas)
    network = world.people.coordinator
    turn = {"since": datetime.date(year, 2, 1), "until": datetime.date(year, 2, 28)}
    # Sent at 00:10 on the 1st of February local time (still January in UTC), twice; and at
    # 23:59 on the 28th, twice; and on the 14th, twice.
    assert metrics.pathway_metrics(network, "layer", **turn)[-1]["sent"] == 6
    cell = PathwayCell.objects.get(scope="*", grouping="total", month=f"{year}-02")
    assert cell.sent == 6


def test_a_plan_reads_whole_months_and_counts_the_days_around_them(world: World) -> None:
    user, d = world.people.coordinator, functools.partial(datetime.date, 2026)
    assert metrics.rollup_plan(user) == metrics.RollupPlan(["*"])
    assert metrics.rollup_plan(user, d(2, 1), d(3, 31)) == metrics.RollupPlan(
        ["*"], months=("2026-02", "2026-03")
    )
    assert metrics.rollup_plan(user, d(1, 15), d(3, 14)) == metrics.RollupPlan(
        ["*"], months=("2026-02", "2026-02"), edges=((d(1, 15), d(1, 31)), (d(3, 1), d(3, 14)))
    )
    assert metrics.rollup_plan(user, d(12, 2), None) == metrics.RollupPlan(
        ["*"], months=("2027-01", "9999-99"), edges=((d(12, 2), d(12, 31)),)
    )
    assert metrics.rollup_plan(user, None, d(2, 27)) == metrics.RollupPlan(
        ["*"], months=("0000-00", "2026-01"), edges=((d(2, 1), d(2, 27)),)
    )
    within = metrics.rollup_plan(user, d(2, 3), d(3, 2))
    assert within is not None and within.edges == ((d(2, 3), d(3, 2)),)
    assert metrics.rollup_plan(user, datetime.date(9999, 12, 2), None) is None
    assert metrics.rollup_plan(make_user("nobody@test.org"), d(2, 1)) is None
    with timezone.override("UTC"):  # dates read in another zone than the rollup's months
        assert metrics.rollup_plan(user, d(2, 1)) is None


def test_dates_in_another_time_zone_are_counted_from_the_referrals(
    world: World, areas: dict[str, AdminArea], settings: Any
) -> None:
    settings.CARENET_MIN_CELL = 1
    year = calendar(world, areas)
    network = world.people.coordinator
    half = {"since": datetime.date(year, 2, 1), "until": datetime.date(year, 2, 14)}
    assert metrics.pathway_metrics(network, "layer", **half)[-1]["sent"] == 4
    with timezone.override("UTC"):  # 00:10 on the 1st of February in Kyiv is in January
        assert metrics.pathway_metrics(network, "layer", **half)[-1]["sent"] == 2


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
    total = PathwayCell.objects.get(scope="*", grouping="total", month="")
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
    assert PathwayCell.objects.get(scope="*", grouping="total", month="").sent == 3
    assert_rollup_is_exact()
    services.consent_withdraw(actor=world.people.practitioner, consent=consent)
    assert cells() == {}
