"""Benchmark: the public directory search at national scale on PostgreSQL.

    .venv/bin/python benchmarks/directory_search.py [--requests 400] [--clients 8]
        [--http-requests 800] [--workers 5] [--worker-class sync|gthread] [--threads 1]
        [--matches 300] [--build-only]

Builds (once; reused while the database holds it) every Ukrainian hromada and Polish gmina,
the code lists, 2,000 demo organisations and the national demo directory (over 100,000
services at over 150,000 service-site pairs), then prints for a mix of public searches
(half text + area + language + layer, half "near me" from a point):

* median and p95 per request through the whole Django stack, in-process (test client);
* the ratio of the page's median to the median of the bare SQL the page runs for the same
  requests, measured in the same run (every statement of the request, the form's place
  lookup included, captured once and replayed through a raw cursor). Both sides are timed in
  steady state: one full pass over the requests first warms the caches of both;
* `match_services` as referral suggestions call it (nearest to a hromada, with an activity,
  layer, language, age and sex), and its bare SQL;
* the same public searches over HTTP against gunicorn on loopback with 8 concurrent clients,
  and the requests per second;
* the first load of the search page: bytes transferred (compressed) for HTML, CSS and JS.

Goals: p95 <= 100 ms, ratio <= 3, first load <= 60 KB.

Gunicorn: by default 2 x CPUs + 1 sync workers (5 on 2 cores), gunicorn's own advice for
CPU-bound work, and what measured best here. A sync worker serves one request at a time and
closes the connection after it (no keep-alive), so each client connects anew; the clients
wait in the listen queue while all workers are busy. `--worker-class gthread --threads 4`
with one or two workers keeps connections alive; on 2 cores it measured about the same.
A timed run should hold the machine's benchmark lock:
`flock /tmp/carenet-bench.lock .venv/bin/python benchmarks/directory_search.py`
(`--build-only` first, without the lock: building takes about 15 minutes).

Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/carenet_directory_bench
(created when missing).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/carenet_directory_bench"
os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
os.environ.setdefault("CARENET_DATA_DIR", tempfile.mkdtemp(prefix="carenet-bench-dir-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carenet.settings")
os.environ.setdefault("DEBUG", "0")  # measure what production runs (no query log)
os.environ.setdefault("CARENET_REQUIRE_2FA", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


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
(Path(os.environ["CARENET_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)

import django  # noqa: E402
from servers import wait_until_serving  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

MIN_SERVICES = 100_000
MIN_PAIRS = 150_000
WORDS = {
    "UA": [
        "самодопомога",
        "терапія",
        "психолог",
        "підтримка",
        "групи",
        "кпт",
        "гаряча лінія",
        "діти",
        "ветеранів",
        "mhgap",
    ],
    "PL": [
        "wsparcie",
        "terapia",
        "grupy",
        "dzieci",
        "telefon",
        "psychologiczne",
        "samopomoc",
        "rodzin",
        "weteranów",
        "mhgap",
    ],
}


def build() -> None:
    """The national demo directory, unless the database already holds it."""
    import random as random_module

    from carenet.accounts import demo as accounts_demo
    from carenet.core.demo import DemoContext
    from carenet.core.management.commands.demo_data import Command as DemoCommand
    from carenet.directory import demo as directory_demo
    from carenet.directory.models import Service, ServiceAtLocation
    from carenet.geo import loaders
    from carenet.geo.models import AdminArea
    from carenet.taxonomy.loaders import load_all

    call_command("migrate", verbosity=0)
    services, pairs = Service.objects.count(), ServiceAtLocation.objects.count()
    if services >= MIN_SERVICES and pairs >= MIN_PAIRS:
        print(f"reusing {services:,} services at {pairs:,} service-site pairs")
        return
    started = time.perf_counter()
    if not AdminArea.objects.filter(level=3).exists():
        loaders.load_ukraine()
        loaders.load_poland()
    load_all()
    print(f"areas and code lists: {time.perf_counter() - started:.0f} s")
    ctx = DemoContext(seed=1, scale="national", rng=random_module.Random(1), log=print)
    ctx.areas = DemoCommand()._choose_areas(ctx)
    if accounts_demo.already_built():
        sys.exit("The database holds demo accounts but no national directory: drop it first.")
    for step in (accounts_demo.build, directory_demo.build):
        t = time.perf_counter()
        step(ctx)
        print(f"  {step.__module__}: {time.perf_counter() - t:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s")


def workload(n: int, rng: random.Random) -> list[dict[str, str]]:
    """Half text + area + language + layer, half "near me" (with a layer now and then)."""
    from carenet.directory.models import SearchEntry
    from carenet.geo.models import AdminArea

    located = sorted(SearchEntry.objects.filter(site__isnull=False).values_list("lat", "lon"))
    located = rng.sample(located, min(len(located), 2000))
    paths = sorted(set(SearchEntry.objects.values_list("area_path", flat=True).distinct()))
    pcodes = sorted({p.split("/")[rng.choice((0, 1))] for p in paths if p.count("/") >= 2})
    countries = dict(AdminArea.objects.filter(pcode__in=pcodes).values_list("pcode", "country"))
    requests = []
    for i in range(n):
        if i % 2 == 0:
            pcode = rng.choice(pcodes)
            country = countries.get(pcode, "UA")
            requests.append(
                {
                    "q": rng.choice(WORDS[country]),
                    "place": pcode,
                    "language": "uk" if country == "UA" else rng.choice(("pl", "uk")),
                    "layer": rng.choice(("2", "3", "3", "4")),
                }
            )
        else:
            lat, lon = rng.choice(located)
            params = {
                "near": "on",
                "lat": f"{lat + rng.uniform(-0.1, 0.1):.5f}",
                "lon": f"{lon + rng.uniform(-0.1, 0.1):.5f}",
            }
            if rng.random() < 0.3:
                params["layer"] = rng.choice(("2", "3", "4"))
            requests.append(params)
    return requests


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):6.1f} ms   p95 {pct(values, 0.95):6.1f} ms   "
        f"max {max(values):6.1f} ms"
    )


def in_process(requests: list[dict[str, str]]) -> dict[str, list[float]]:
    from django.test import Client

    client = Client()
    for params in requests:  # one full pass first: both sides are measured warm
        client.get("/services/", params)
    times: dict[str, list[float]] = {"all": [], "text": [], "near": [], "empty": []}
    for _ in range(100):  # the page without a search: the fixed cost of the page shell
        started = time.perf_counter()
        client.get("/services/")
        times["empty"].append((time.perf_counter() - started) * 1000)
    for params in requests:
        started = time.perf_counter()
        response = client.get("/services/", params)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        kind = "near" if "near" in params else "text"
        times["all"].append(elapsed)
        times[kind].append(elapsed)
    return times


def bare_sql(requests: list[dict[str, str]]) -> dict[str, list[float]]:
    """Every statement the page runs for each request (the place lookup of the form and the
    search itself), captured once through the test client and replayed raw."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    statements = []
    for params in requests:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/services/", params)
        assert response.status_code == 200, response.status_code
        statements.append(
            ("near" if "near" in params else "text", [q["sql"] for q in captured.captured_queries])
        )
    times: dict[str, list[float]] = {"all": [], "text": [], "near": []}
    with connection.cursor() as cursor:
        for _kind, sqls in statements:  # one full pass first, as for the page
            for sql in sqls:
                cursor.execute(sql)
                cursor.fetchall()
        for kind, sqls in statements:
            started = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
                cursor.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            times["all"].append(elapsed)
            times[kind].append(elapsed)
    return times


def referral_style(n: int, rng: random.Random) -> tuple[list[float], list[float]]:
    """`match_services` as referral suggestions call it: nearest to a hromada's centre, with
    an activity and/or a layer offered in the directory, the person's language, age and sex,
    leaving out the referring organisation; and the bare SQL of the same calls."""
    from django.test.utils import CaptureQueriesContext

    from carenet.accounts.models import Organisation
    from carenet.directory import queries
    from carenet.directory.models import SearchEntry
    from carenet.geo.models import AdminArea

    areas = list(AdminArea.objects.filter(level=3, lat__isnull=False).order_by("pk"))
    orgs = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    offered = list(
        SearchEntry.objects.exclude(activities="")
        .order_by("pk")
        .values_list("layer", "activities")[:20000]
    )
    calls = []
    for _ in range(n):
        area, (layer, activities) = rng.choice(areas), rng.choice(offered)
        kind = rng.random()
        calls.append(
            {
                "activity_codes": [rng.choice([a for a in activities.split("|") if a])]
                if kind < 0.8
                else [],
                "layer": layer if kind >= 0.4 else None,
                "language": "uk" if area.country == "UA" else rng.choice(("pl", "uk")),
                "age": rng.choice((None, 8, 15, 30, 70)),
                "sex": rng.choice((None, "female", "male")),
                "near": (area.lat, area.lon),
                "exclude_organisation": rng.choice(orgs),
            }
        )
    for call in calls[:10]:
        queries.match_services(**call)
    ours, bare = [], []
    for call in calls:
        with CaptureQueriesContext(connection) as captured:
            queries.match_services(**call)
        started = time.perf_counter()
        queries.match_services(**call)
        ours.append((time.perf_counter() - started) * 1000)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            for query in captured.captured_queries:
                cursor.execute(query["sql"])
                cursor.fetchall()
            bare.append((time.perf_counter() - started) * 1000)
    return ours, bare


# --- over HTTP ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env() -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        {
            "CARENET_ENV": "production",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": "benchmark-" + "x" * 50,
            "CARENET_FIELD_KEYS": Fernet.generate_key().decode(),
            "CARENET_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_gunicorn(
    workers: int, worker_class: str = "sync", threads: int = 1
) -> tuple[subprocess.Popen[bytes], int]:
    env = production_env()
    subprocess.run(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env | {"PYTHONPATH": str(ROOT / "src")},
        check=True,
    )
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "carenet.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT / "src"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until_serving(proc, port)
    return proc, port


def over_http(
    port: int, requests: list[dict[str, str]], clients: int, total: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    urls = ["/services/?" + urlencode(p) for p in requests]

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for i in range(index, total, clients):
            started = time.perf_counter()
            conn.request("GET", urls[i % len(urls)], headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            assert response.status == 200, response.status
        with lock:
            latencies.extend(mine)

    for url in urls[: clients * 2]:  # warm every worker
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", url)
        conn.getresponse().read()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, total / (time.perf_counter() - started)


def first_load(port: int) -> list[tuple[str, int, str]]:
    """Bytes on the wire for the search page and the CSS and JS it loads (compressed)."""

    def fetch(path: str) -> tuple[bytes, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Accept-Encoding": "br, gzip"})
        response = conn.getresponse()
        body = response.read()  # http.client does not decode: these are the wire bytes
        return body, response.getheader("Content-Encoding") or "identity"

    html, encoding = fetch("/services/")
    rows = [("/services/", len(html), encoding)]
    text = html.decode() if encoding == "identity" else _decode(html, encoding)
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', text):
        body, enc = fetch(asset)
        rows.append((asset, len(body), enc))
    return rows


def _decode(body: bytes, encoding: str) -> str:
    import gzip

    if encoding == "gzip":
        return gzip.decompress(body).decode()
    import brotli  # type: ignore[import-not-found]

    return brotli.decompress(body).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--http-requests", type=int, default=800)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=1, help="per worker (gthread)")
    parser.add_argument("--matches", type=int, default=300, help="referral-style searches")
    parser.add_argument(
        "--build-only", action="store_true", help="build the database and stop (no timing)"
    )
    args = parser.parse_args()
    build()
    if args.build_only:
        return
    from carenet.directory.models import SearchEntry, Service, ServiceAtLocation

    print(
        f"data: {Service.objects.count():,} services, "
        f"{ServiceAtLocation.objects.count():,} service-site pairs, "
        f"{SearchEntry.objects.count():,} search entries; {os.cpu_count()} CPUs"
    )
    requests = workload(args.requests, random.Random(7))
    page = in_process(requests)
    sql = bare_sql(requests)
    print(f"\nin-process (Django test client, full middleware stack), {len(requests)} requests:")
    for kind in ("all", "text", "near"):
        print(f"  {kind:<5} page {summary(page[kind])}")
        print(
            f"  {kind:<5} SQL  {summary(sql[kind])}   ratio page/SQL (medians) "
            f"{statistics.median(page[kind]) / statistics.median(sql[kind]):.2f}"
        )
    print(f"  page without a search (form only): {summary(page['empty'])}")
    matched, matched_sql = referral_style(args.matches, random.Random(1))
    print(
        f"\nmatch_services near a hromada with referral filters, {args.matches} searches:\n"
        f"  call {summary(matched)}\n  SQL  {summary(matched_sql)}"
    )
    connection.close()
    proc, port = start_gunicorn(args.workers, args.worker_class, args.threads)
    try:
        latencies, rate = over_http(port, requests, args.clients, args.http_requests)
        weights = first_load(port)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(
        f"\nHTTP: gunicorn {args.workers} {args.worker_class} workers"
        f"{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''} on loopback, "
        f"{args.clients} concurrent clients, {args.http_requests} requests:"
    )
    print(f"  {summary(latencies)}   {rate:.0f} requests/s")
    print("\nfirst load of /services/ (bytes transferred):")
    for path, size, encoding in weights:
        print(f"  {size / 1024:6.1f} KB  {encoding:<8} {path}")
    total = sum(size for _p, size, _e in weights) / 1024
    print(f"  {total:6.1f} KB  total (goal <= 60 KB)")
    goals = [
        ("in-process p95 <= 100 ms", pct(page["all"], 0.95) <= 100),
        ("HTTP p95 <= 100 ms", pct(latencies, 0.95) <= 100),
        ("ratio <= 3", statistics.median(page["all"]) / statistics.median(sql["all"]) <= 3),
        ("first load <= 60 KB", total <= 60),
    ]
    print("\n" + "   ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in goals))


if __name__ == "__main__":
    main()
