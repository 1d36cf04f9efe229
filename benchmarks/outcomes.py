"""Benchmark: the outcome dashboard at national scale on PostgreSQL.

    .venv/bin/python benchmarks/outcomes.py [--administrations 1000000] [--runs 30] [--build-only]

Builds (once; reused while the database exists) every Ukrainian hromada, 400 organisations
with two sites each, SH+ cycles with participants, and `--administrations` questionnaires
(PHQ-9 and WHO-5, baseline and end: four per participant) with their per-person outcomes,
over 24 months. Then prints, for a coordinator of the whole network:

* the dashboard of one oblast (Kyivska, UA32) and of the whole network (PHQ-9): median and
  p95 of `--runs` calls of `outcomes.queries.dashboard` (the plain ORM queries);
* DuckDB computing the same monthly aggregates from the raw rows, in the same run.

Goal: p95 <= 200 ms, not slower than DuckDB. Bench rows are written in bulk (no audit, and
no encrypted answers: the dashboard never reads answers).

Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/carenet_outcomes_bench
(created when missing).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/carenet_outcomes_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
os.environ.setdefault("CARENET_DATA_DIR", tempfile.mkdtemp(prefix="carenet-bench-outcomes-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carenet.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("CARENET_REQUIRE_2FA", "0")


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

ORGS = 400
MONTHS = 24
BATCH = 20_000


def build(administrations: int, rng: random.Random) -> None:
    from carenet.accounts.models import CoordinatorRole, Organisation, User
    from carenet.directory.models import Site
    from carenet.geo import loaders
    from carenet.geo.models import AdminArea
    from carenet.outcomes.loaders import load_instruments
    from carenet.outcomes.models import Administration
    from carenet.taxonomy.loaders import load_all

    call_command("migrate", verbosity=0)
    if Administration.objects.count() >= administrations * 0.95:
        print(f"reusing {Administration.objects.count():,} administrations already there")
        recount()
        return
    started = time.perf_counter()
    if not AdminArea.objects.filter(country="UA").exists():
        loaders.load_ukraine()
    load_all()
    load_instruments()
    hromadas = list(AdminArea.objects.filter(country="UA", level=3))
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"Outcomes org {i}", acronym=f"O{i:05d}", kind="nngo", country="UA")
            for i in range(ORGS)
        ],
        ignore_conflicts=True,
    )
    orgs = list(Organisation.objects.filter(acronym__startswith="O0"))
    Site.objects.bulk_create(
        [
            Site(
                organisation=o,
                name_en=f"Space {o.acronym}-{k}",
                kind="support_space",
                area=rng.choice(hromadas),
            )
            for o in orgs
            for k in range(2)
        ]
    )
    user = User.objects.filter(email="bench@outcomes").first() or User.objects.create_user(
        "bench@outcomes", "bench-password-123"
    )
    CoordinatorRole.objects.get_or_create(user=user, area=None, country="")
    _rows(orgs, administrations, rng)
    recount()
    print(f"built {administrations:,} administrations in {time.perf_counter() - started:.0f} s")


def _rows(orgs: list, administrations: int, rng: random.Random) -> None:
    from carenet.directory.models import Site
    from carenet.outcomes import scoring
    from carenet.outcomes.models import (
        Administration,
        Delivery,
        Instrument,
        Outcome,
        Participant,
        Session,
    )
    from carenet.referrals.models import Client
    from carenet.taxonomy import queries as taxonomy

    shplus = taxonomy.term("intervention", "shplus")
    instruments = {i.code: i for i in Instrument.objects.filter(code__in=["PHQ-9", "WHO-5"])}
    definitions = {code: i.scoring() for code, i in instruments.items()}
    sites = {}
    for s in Site.objects.filter(organisation__in=orgs).select_related("area"):
        sites.setdefault(s.organisation_id, []).append(s)
    today = timezone.localdate().replace(day=1)
    people = administrations // 4
    per_cycle = 15
    cycles = max(1, people // per_cycle)
    deliveries = []
    for n in range(cycles):
        org = orgs[n % len(orgs)]
        site = rng.choice(sites[org.pk])
        month = _add_months(today, -rng.randrange(MONTHS))
        deliveries.append(
            Delivery(
                organisation=org,
                site=site,
                area=site.area,
                intervention=shplus,
                activity_code="8.2",
                kind="group",
                started_on=month.replace(day=3),
                ended_on=month.replace(day=28),
                planned_sessions=5,
                programme="SH+",
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=BATCH)
    Session.objects.bulk_create(
        [
            Session(delivery=d, number=k, held_on=d.started_on + datetime.timedelta(days=5 * k))
            for d in deliveries
            for k in range(1, 6)
        ],
        batch_size=BATCH,
    )
    done = 0
    for start in range(0, len(deliveries), 500):
        chunk = deliveries[start : start + 500]
        clients = [
            Client(
                organisation_id=d.organisation_id,
                code=f"B{start + i:06d}{k:02d}"[:12],
                sex=rng.choice(["female", "female", "male"]),
                age_band="18-59",
            )
            for i, d in enumerate(chunk)
            for k in range(per_cycle)
        ]
        Client.objects.bulk_create(clients, batch_size=BATCH)
        parts = [
            Participant(
                delivery=d,
                client=c,
                client_code=c.code,
                client_uuid=c.uuid,
                organisation_id=d.organisation_id,
                sex=c.sex,
                age_band=c.age_band,
                status="completed" if rng.random() < 0.8 else "dropped_out",
            )
            for i, d in enumerate(chunk)
            for c in clients[i * per_cycle : (i + 1) * per_cycle]
        ]
        Participant.objects.bulk_create(parts, batch_size=BATCH)
        admins, outcomes = [], []
        for p in parts:
            d = p.delivery
            for code, (mu, shift) in {"PHQ-9": (13, -4), "WHO-5": (9, 4)}.items():
                low, high = definitions[code].total_range
                pre = max(low, min(high, round(rng.gauss(mu, 5))))
                post = max(low, min(high, round(pre + rng.gauss(shift, 5))))
                common = {
                    "participant": p,
                    "instrument": instruments[code],
                    "organisation_id": d.organisation_id,
                    "site_id": d.site_id,
                    "area_id": d.area_id,
                    "intervention_id": d.intervention_id,
                    "complete": True,
                }
                for timepoint, total, day in (
                    ("baseline", pre, d.started_on),
                    ("end", post, d.ended_on),
                ):
                    band = scoring.band_of(definitions[code], total)
                    admins.append(
                        Administration(
                            timepoint=timepoint,
                            taken_on=day,
                            month=day.replace(day=1),
                            total=total,
                            band=band.code if band else "",
                            **common,
                        )
                    )
                found = scoring.change(definitions[code], pre, post)
                outcomes.append(
                    Outcome(
                        participant=p,
                        instrument=instruments[code],
                        pre=pre,
                        post=post,
                        change=found.change,
                        rci=found.rci,
                        reliable=found.reliable or "",
                        recovered=found.recovered,
                        organisation_id=d.organisation_id,
                        site_id=d.site_id,
                        area_id=d.area_id,
                        intervention_id=d.intervention_id,
                        programme="SH+",
                        month=d.ended_on.replace(day=1),
                    )
                )
        Administration.objects.bulk_create(admins, batch_size=BATCH)
        Outcome.objects.bulk_create(outcomes, batch_size=BATCH)
        done += len(admins)
        print(f"  {done:,} administrations", flush=True)


def recount() -> None:
    """Set the delivery counters and the monthly outcome sums the services keep (bench rows
    are written in bulk)."""
    from carenet.outcomes.services import outcome_months_rebuild

    outcome_months_rebuild()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE outcomes_delivery d SET participants_count = p.total, "
            "completed_count = p.completed, ended_count = p.ended FROM ("
            "SELECT delivery_id, count(*) AS total, "
            "count(*) FILTER (WHERE status = 'completed') AS completed, "
            "count(*) FILTER (WHERE status <> 'active') AS ended "
            "FROM outcomes_participant GROUP BY delivery_id) p "
            "WHERE p.delivery_id = d.id AND d.participants_count <> p.total"
        )
        cursor.execute(
            "UPDATE outcomes_delivery d SET sessions_count = s.n FROM ("
            "SELECT delivery_id, count(*) AS n FROM outcomes_session GROUP BY delivery_id) s "
            "WHERE s.delivery_id = d.id AND d.sessions_count <> s.n"
        )
        cursor.execute("ANALYZE")


def _add_months(day: datetime.date, n: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def dashboard_times(area_path: str, runs: int) -> tuple[float, float, dict]:
    from carenet.accounts.models import User
    from carenet.core import permissions
    from carenet.outcomes import queries

    user = User.objects.get(email="bench@outcomes")
    times = []
    data = None
    for _i in range(runs):
        permissions.forget(user)
        started = time.perf_counter()
        data = queries.dashboard(user, queries.Filters(area_path=area_path, instrument="PHQ-9"))
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    assert data is not None
    return statistics.median(times), p95, data.total


def duckdb_times(area_path: str, runs: int) -> tuple[float, float, int]:
    """The same monthly aggregates from the raw rows (deliveries, participants, outcomes)."""
    import duckdb

    db = duckdb.connect()
    path = Path(os.environ["CARENET_DATA_DIR"])
    tables = {
        "deliveries": "SELECT d.id, date_trunc('month', d.started_on)::date AS m, a.path, "
        "d.count_f_0_17 + d.count_m_0_17 + d.count_f_18_59 + d.count_m_18_59 + d.count_f_60 "
        "+ d.count_m_60 AS head FROM outcomes_delivery d JOIN geo_adminarea a ON a.id = d.area_id",
        "participants": "SELECT delivery_id, status FROM outcomes_participant",
        "outcomes": "SELECT o.month, a.path, o.change, o.reliable, i.code FROM outcomes_outcome o "
        "JOIN geo_adminarea a ON a.id = o.area_id JOIN outcomes_instrument i "
        "ON i.id = o.instrument_id",
    }
    for name, sql in tables.items():
        buf = io.StringIO()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy,
        ):
            for chunk in copy:
                buf.write(bytes(chunk).decode())
        (path / f"{name}.csv").write_text(buf.getvalue())
        db.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{path / name}.csv')")
    rows = db.execute("SELECT count(*) FROM outcomes").fetchone()[0]
    sql = f"""
        WITH d AS (SELECT * FROM deliveries WHERE path LIKE '{area_path}%'),
        people AS (SELECT d.m, count(*) AS participants,
                          count(*) FILTER (WHERE p.status = 'completed') AS completed
                   FROM participants p JOIN d ON d.id = p.delivery_id GROUP BY d.m),
        heads AS (SELECT m, sum(head) AS head FROM d GROUP BY m),
        o AS (SELECT month AS m, count(*) AS n, count(*) FILTER (WHERE reliable = 'improved')
                     AS improved, avg(change) AS mean_change
              FROM outcomes WHERE code = 'PHQ-9' AND path LIKE '{area_path}%' GROUP BY month)
        SELECT * FROM heads FULL JOIN people USING (m) FULL JOIN o USING (m) ORDER BY m
    """
    times = []
    for _i in range(runs):
        started = time.perf_counter()
        result = db.execute(sql).fetchall()
        times.append(time.perf_counter() - started)
    assert result
    times.sort()
    return (
        statistics.median(times),
        times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--administrations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    build(args.administrations, random.Random(10))
    if args.build_only:
        return
    for label, path in (("oblast UA32", "UA32/"), ("whole network", "")):
        median, p95, total = dashboard_times(path, args.runs)
        d_median, d_p95, rows = duckdb_times(path, args.runs)
        print(
            f"outcome dashboard, {label}: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
            f"(people {total['people']}, PHQ-9 outcomes {total['outcomes']}); DuckDB on "
            f"{rows:,} raw outcome rows: median {d_median * 1000:.0f} ms, "
            f"p95 {d_p95 * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
