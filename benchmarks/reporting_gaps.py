"""Benchmark: the gap analysis at national scale on PostgreSQL.

    .venv/bin/python benchmarks/reporting_gaps.py [--rows 2000000] [--months 36] [--build-only]

Builds (once; reused while the database exists) every Ukrainian hromada and Polish gmina,
2,000 organisations and 2,000,000 4W rows over 36 months, then prints:
* the gap-analysis page for one month at hromada / gmina level: median and p95;
* the rollup refresh after importing 1,000 rows (and the whole 1,000-row import);
* the ratio to DuckDB computing the same aggregation (area x layer: organisations,
  activities, people reached) from the raw rows, in the same run.
Goals: p95 <= 200 ms; refresh <= 2 s; not slower than DuckDB.

`--build-only` builds the database and stops, so that the timing can run on its own (under
`flock /tmp/carenet-bench.lock` on a shared machine).

Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/carenet_reporting_bench
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
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/carenet_reporting_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
os.environ.setdefault("CARENET_DATA_DIR", tempfile.mkdtemp(prefix="carenet-bench-gaps-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carenet.settings")
os.environ.setdefault("DEBUG", "0")  # measure what production runs (no query log)
os.environ.setdefault("CARENET_REQUIRE_2FA", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("CARENET_IMPORT_BACKGROUND_BYTES", str(10**12))


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

ORGS = 2000


def build(rows: int, n_months: int, rng: random.Random) -> None:
    from carenet.accounts.models import CoordinatorRole, Organisation, User
    from carenet.geo import loaders
    from carenet.geo.models import AdminArea
    from carenet.reporting import demo, months
    from carenet.reporting.models import ActivityReport
    from carenet.taxonomy.loaders import load_all

    call_command("migrate", verbosity=0)
    if ActivityReport.objects.count() >= rows * 0.95:
        print(f"reusing {ActivityReport.objects.count():,} rows already in the database")
        from carenet.reporting.models import AreaRollup

        if not AreaRollup.objects.exists():  # emptied by a migration: make them again
            call_command("rebuild_4w_rollups", verbosity=0)
        analyze()
        return
    started = time.perf_counter()
    loaders.load_ukraine()
    loaders.load_poland()
    load_all()
    hromadas = {
        c: list(AdminArea.objects.filter(country=c, level=3).exclude(population=None))
        for c in ("UA", "PL")
    }
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench org {i}",
                acronym=f"B{i:05d}",
                kind="nngo",
                country="UA" if i % 5 < 3 else "PL",
                coordination_member=True,
            )
            for i in range(ORGS)
        ],
        ignore_conflicts=True,
    )
    orgs = list(Organisation.objects.filter(acronym__startswith="B0"))
    org_areas = {o.pk: rng.sample(hromadas[o.country], 12) for o in orgs}
    user = User.objects.filter(email="bench@coordinator").first() or User.objects.create_user(
        "bench@coordinator", "bench-password-123"
    )
    CoordinatorRole.objects.get_or_create(user=user, area=None, country="")
    newest = months.current_reporting_month()
    wanted = [months.add_months(newest, -i) for i in range(n_months)]
    per = max(1, -(-rows // (len(orgs) * n_months)))  # rounded up: at least `rows`
    count = demo.bulk_rows(orgs, org_areas, sorted(wanted), per, rng)
    analyze()
    print(
        f"built {count:,} rows over {n_months} months, {len(orgs)} organisations, "
        f"{sum(len(v) for v in hromadas.values())} hromadas and gminas in "
        f"{time.perf_counter() - started:.0f} s"
    )


def analyze() -> None:
    """Fresh statistics for the planner, as autovacuum would gather after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def page_times(month: datetime.date, country: str, runs: int) -> tuple[float, list[float]]:
    """The first view with empty caches (the page is drawn: the areas in memory, the
    directory counts, the map), then `runs` views as people see the page during the month
    (the page kept as drawn, `gaps.page_key`, until a write changes its data version)."""
    from django.core.cache import cache
    from django.test import Client

    from carenet.accounts.models import User
    from carenet.reporting import queries

    client = Client()
    client.force_login(User.objects.get(email="bench@coordinator"))
    url = f"/4w/gaps/?month={month:%Y-%m}&level=3&country={country}"
    cache.clear()
    queries._AREA_CACHE.clear()
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    cold = time.perf_counter() - started
    times = []
    for _i in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return cold, times


def rollup_query_time(month: datetime.date, country: str, runs: int) -> float:
    from carenet.reporting.models import AreaRollup

    times = []
    for _i in range(runs):
        started = time.perf_counter()
        rows = list(
            AreaRollup.objects.filter(month=month, level=3, area__country=country).values_list(
                "area_id",
                *(f"l{n}_{f}" for n in (1, 2, 3, 4) for f in ("orgs", "activities", "reached")),
            )
        )
        times.append(time.perf_counter() - started)
    assert rows
    return statistics.median(times)


def refresh_after_1000_rows(month: datetime.date) -> tuple[float, float]:
    from carenet.accounts.models import Organisation
    from carenet.geo.models import AdminArea
    from carenet.reporting import rollups, services
    from carenet.reporting.columns import TEMPLATE_COLUMNS
    from carenet.reporting.models import ReportingPeriod
    from carenet.reporting.validation import load_lookups

    org = Organisation.objects.get(acronym="B00000")
    ReportingPeriod.objects.filter(organisation=org, month=month).update(status="draft")
    lookups = load_lookups()
    acts = sorted(c for c in lookups.activities if "." in c and c not in lookups.no_people)
    places = list(
        AdminArea.objects.filter(country=org.country, level=3)
        .order_by("?")
        .values_list("pcode", flat=True)[:200]
    )
    keys = [c.key for c in TEMPLATE_COLUMNS]
    out = io.StringIO()
    out.write(",".join(c.hxl for c in TEMPLATE_COLUMNS) + "\n")
    n = 0
    for p in places:
        for a in acts:
            if n == 1000:
                break
            row = {
                "org": org.acronym,
                "activity": a,
                "pcode": p,
                "status": "ongoing",
                "start_date": month.isoformat(),
                "reached_total": str(5 + n % 90),
                "comments": "bench",
            }
            out.write(",".join(row.get(k, "") for k in keys) + "\n")
            n += 1
    started = time.perf_counter()
    job = services.import_start(
        actor=None,
        organisation=org,
        month=month,
        upload=io.BytesIO(out.getvalue().encode()),
        file_name="bench.csv",
        background=False,
    )
    whole = time.perf_counter() - started
    assert job.status == "done", job.errors[:3]
    started = time.perf_counter()
    rollups.refresh([(org.pk, month)])
    refresh = time.perf_counter() - started
    # leave the benchmark database as it was
    from carenet.reporting.models import ActivityReport

    ActivityReport.objects.filter(import_job=job).delete()
    rollups.refresh([(org.pk, month)])
    return whole, refresh


def duckdb_time(month: datetime.date, country: str, runs: int) -> tuple[float, int]:
    import duckdb

    from carenet.reporting.models import ActivityReport

    table = ActivityReport._meta.db_table
    buf = io.StringIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            f"COPY (SELECT r.month, r.adm3_id, r.layer, r.organisation_id, "
            f"r.activity_id, r.reached_total, a.country FROM {table} r JOIN "
            f"geo_adminarea a ON a.id = r.area_id) TO STDOUT WITH CSV"
        ) as copy:
            for chunk in copy:
                buf.write(bytes(chunk).decode())
    path = Path(os.environ["CARENET_DATA_DIR"]) / "raw.csv"
    path.write_text(buf.getvalue())
    db = duckdb.connect()
    db.execute(
        f"CREATE TABLE raw AS SELECT * FROM read_csv('{path}', header=false, columns="
        "{'month': 'DATE', 'adm3_id': 'BIGINT', 'layer': 'INTEGER', "
        "'organisation_id': 'BIGINT', 'activity_id': 'BIGINT', "
        "'reached_total': 'BIGINT', 'country': 'VARCHAR'})"
    )
    rows = db.execute("SELECT count(*) FROM raw").fetchone()[0]
    sql = (
        "SELECT adm3_id, layer, count(DISTINCT organisation_id), "
        "count(DISTINCT activity_id), sum(reached_total) FROM raw "
        "WHERE month = ? AND country = ? AND adm3_id IS NOT NULL GROUP BY adm3_id, layer"
    )
    times = []
    for _i in range(runs):
        started = time.perf_counter()
        result = db.execute(sql, [month, country]).fetchall()
        times.append(time.perf_counter() - started)
    assert result
    return statistics.median(times), rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    build(args.rows, args.months, random.Random(4))
    if args.build_only:
        return
    from carenet.reporting import months

    month = months.add_months(months.current_reporting_month(), -1)
    results = {}
    for country in ("UA", "PL"):
        cold, times = page_times(month, country, args.runs)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results[country] = (statistics.median(times), p95)
        print(
            f"gap page, {country} level 3, {month:%Y-%m}: median "
            f"{statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
            f"({args.runs} runs; first view with empty caches {cold * 1000:.0f} ms)"
        )
    whole, refresh = refresh_after_1000_rows(month)
    print(f"import of 1,000 rows: {whole:.2f} s in all; rollup refresh alone {refresh:.2f} s")
    for country in ("UA", "PL"):
        ours = rollup_query_time(month, country, args.runs)
        duck, total = duckdb_time(month, country, args.runs)
        print(
            f"{country}: rollup read {ours * 1000:.1f} ms vs DuckDB aggregating the raw "
            f"rows ({total:,} rows) {duck * 1000:.1f} ms: ratio DuckDB/rollup "
            f"{duck / ours:.2f}; whole page median {results[country][0] * 1000:.0f} ms = "
            f"{results[country][0] / duck:.1f}x DuckDB's query"
        )


if __name__ == "__main__":
    main()
