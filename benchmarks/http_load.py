"""Benchmark: the busiest pages over HTTP, as production serves them, under load.

    .venv/bin/python benchmarks/http_load.py [--requests 2000] [--clients 16]
        [--workers 5] [--max-seconds 300] [--build-only]

Starts gunicorn with `CARENET_ENV=production` on loopback (127.0.0.1 only, a free port) over
a PostgreSQL database holding the national demo (`carenet demo-data --scale national`), and
sends a fixed mix of requests from 16 concurrent clients:

* public search (60 %): half text + place + language + layer, half "nearest first" from a
  point, as `benchmarks/directory_search.py` sends them (anonymous);
* gap page (15 %): `/4w/gaps/` by oblast / voivodeship, raion / powiat and hromada / gmina
  (the network coordinator);
* referral inbox (15 %): `/referrals/` of the two demo practitioners' organisations;
* outcome dashboard (10 %): `/outcomes/`, once the outcomes app has a dashboard there; while
  it has none, its share goes to the others in proportion and the output says so.

Prints the median, p95 and max per kind and for the whole mix, the requests per second, and
the errors (any answer other than 200). Goals: p95 <= 150 ms, no error. Exit status 1 when a
goal is missed.

Bounded: `--requests` in all, and the run stops after `--max-seconds` whatever is left. Only
loopback is used. A timed run should hold the machine's benchmark lock:
`flock /tmp/carenet-bench.lock .venv/bin/python benchmarks/http_load.py`.

Cache: the workers share Redis, as in production: BENCH_REDIS_URL, default
redis://127.0.0.1:6379/7, a database of its own, flushed when the run starts.

Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/carenet_bench, created
and filled once when it holds no national demo (areas, code lists and every app's part of the
demo network: long on two cores; `--build-only` builds and stops, without the lock). The
demo's encrypted fields need the same CARENET_FIELD_KEYS at build and at run time: the
default below is a benchmark-only key (synthetic data, never a real one).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/carenet_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/7"  # flushed at the start of each run
BENCH_FIELD_KEY = "YmVuY2htYXJrLW9ubHktZmllbGQta2V5LTMyYnl0ZXM="  # synthetic data only
os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
os.environ.setdefault("CARENET_DATA_DIR", tempfile.mkdtemp(prefix="carenet-bench-http-"))
os.environ.setdefault("CARENET_FIELD_KEYS", BENCH_FIELD_KEY)
os.environ.setdefault("SECRET_KEY", "benchmark-" + "x" * 50)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carenet.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("CARENET_REQUIRE_2FA", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")

GOAL_P95_MS = 150.0
TIMEOUT = 120  # seconds a client waits for one answer
MIX = {"search": 0.60, "gaps": 0.15, "inbox": 0.15, "outcomes": 0.10}
GAP_PAGES = [  # what a coordinator opens: oblasts most, hromadas and gminas too
    {},
    {},
    {"country": "PL"},
    {"level": "2"},
    {"level": "3"},
    {"country": "PL", "level": "3"},
]
WORDS = {
    "UA": ["самодопомога", "терапія", "психолог", "підтримка", "групи", "діти", "mhgap"],
    "PL": ["wsparcie", "terapia", "grupy", "dzieci", "telefon", "samopomoc", "mhgap"],
}


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()
(Path(os.environ["CARENET_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)

import django  # noqa: E402
from servers import wait_until_serving  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def build() -> None:
    """Areas, code lists and the national demo network (every app's `demo.py`)."""
    call_command("migrate", verbosity=0)
    call_command("load_areas", "ukraine")
    call_command("load_areas", "poland")
    call_command("load_taxonomies")
    call_command("demo_data", seed=1, scale="national")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def has_national_demo() -> bool:
    from carenet.accounts import demo as accounts_demo
    from carenet.directory.models import Service

    call_command("migrate", verbosity=0)
    return accounts_demo.already_built() and Service.objects.count() >= 50_000


@dataclass(frozen=True)
class Request:
    kind: str
    path: str
    cookie: str  # "" for anonymous


def session_cookie(email: str) -> str:
    """A signed-in session of a demo user, as the browser would send it back."""
    from django.conf import settings
    from django.test import Client

    from carenet.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def searches(n: int, rng: random.Random) -> list[str]:
    """Half text + place + language + layer, half "nearest first" from a point."""
    from carenet.directory.models import SearchEntry
    from carenet.geo.models import AdminArea

    located = sorted(
        (lat, lon)
        for lat, lon in SearchEntry.objects.filter(site__isnull=False)
        .order_by("pk")
        .values_list("lat", "lon")[:20000]
        if lat is not None and lon is not None
    )
    areas = list(
        AdminArea.objects.filter(level__in=(2, 3)).order_by("pcode").values_list("pcode", "country")
    )
    paths = []
    for i in range(n):
        if i % 2 == 0:
            pcode, country = rng.choice(areas)
            params = {
                "q": rng.choice(WORDS[country]),
                "place": pcode,
                "language": "uk" if country == "UA" else rng.choice(("pl", "uk")),
                "layer": rng.choice(("2", "3", "3", "4")),
            }
        else:
            lat, lon = rng.choice(located)
            params = {
                "near": "on",
                "lat": f"{lat + rng.uniform(-0.1, 0.1):.5f}",
                "lon": f"{lon + rng.uniform(-0.1, 0.1):.5f}",
            }
        paths.append("/services/?" + urlencode(params))
    return paths


def outcome_dashboard() -> str | None:
    """The outcome dashboard's address, or None while there is none."""
    from django.urls import NoReverseMatch, reverse

    for name in ("outcomes:dashboard", "outcomes:home", "outcomes:index"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def workload(total: int, rng: random.Random, kinds: set[str]) -> tuple[list[Request], list[str]]:
    notes = []
    coordinator = session_cookie("coordinator@carenet.demo")
    practitioners = [
        session_cookie(e) for e in ("practitioner@carenet.demo", "specialist@carenet.demo")
    ]
    pools: dict[str, list[tuple[str, str]]] = {
        "search": [(p, "") for p in searches(400, rng)],
        "gaps": [
            ("/4w/gaps/?" + urlencode(p) if p else "/4w/gaps/", coordinator) for p in GAP_PAGES
        ],
        "inbox": [("/referrals/", c) for c in practitioners],
    }
    dashboard = outcome_dashboard()
    if dashboard is None:
        notes.append("outcome dashboard: none yet (no outcomes:dashboard URL); its 10 % is spread")
    else:
        pools["outcomes"] = [(dashboard, coordinator)]
    weights = {kind: MIX[kind] for kind in pools if kind in kinds}
    chosen = rng.choices(list(weights), weights=list(weights.values()), k=total)
    return [Request(k, *rng.choice(pools[k])) for k in chosen], notes


# --- gunicorn and the clients -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def empty_cache(url: str) -> None:
    """The workers' shared cache starts empty, so that no page of another run or database
    is served: only the benchmark's own Redis database is flushed."""
    import redis

    redis.Redis.from_url(url).flushdb()


def start_gunicorn(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    # one cache for every worker, as production runs: Redis, a database of its own
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    empty_cache(redis_url)
    env = dict(os.environ) | {
        "REDIS_URL": redis_url,
        "CARENET_ENV": "production",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CARENET_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
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


def fetch(conn: http.client.HTTPConnection, request: Request) -> tuple[int, float]:
    headers = {"Accept-Encoding": "gzip", "Host": "127.0.0.1"}
    if request.cookie:
        headers["Cookie"] = request.cookie
    started = time.perf_counter()
    conn.request("GET", request.path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


def warm_up(port: int, requests: list[Request], workers: int) -> None:
    """Every page of the mix once per worker, before the clock starts: each worker process
    loads its code and fills its own caches (the first gap page of a worker takes seconds).
    As many connections at once as there are workers, so that each worker gets a share."""
    distinct = list({r.path: r for r in requests if r.kind != "search"}.values())
    distinct += [r for r in requests if r.kind == "search"][:8]

    def one(_index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        for request in distinct:
            try:
                fetch(conn, request)
            except (OSError, http.client.HTTPException):  # a cold page queued too long
                conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(workers * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run(
    port: int, requests: list[Request], clients: int, workers: int, max_seconds: float
) -> tuple[dict[str, list[float]], list[tuple[str, int]], float, int]:
    times: dict[str, list[float]] = defaultdict(list)
    errors: list[tuple[str, int]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        mine: list[tuple[Request, int, float]] = []
        for request in requests[index::clients]:
            if time.monotonic() > deadline:
                break
            try:
                status, ms = fetch(conn, request)
            except (OSError, http.client.HTTPException):
                conn.close()
                status, ms = 0, 0.0
            mine.append((request, status, ms))
        with lock:
            for request, status, ms in mine:
                if status == 200:
                    times[request.kind].append(ms)
                else:
                    errors.append((request.path, status))

    warm_up(port, requests, workers)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    done = sum(len(v) for v in times.values()) + len(errors)
    return times, errors, done / elapsed, done


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def summary(values: list[float]) -> str:
    if not values:
        return "no answer"
    return (
        f"n {len(values):5d}   median {statistics.median(values):6.1f} ms   "
        f"p95 {pct(values, 0.95):6.1f} ms   max {max(values):7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--kinds",
        default=",".join(MIX),
        help="only these parts of the mix, e.g. `search` to compare changes to the search page",
    )
    parser.add_argument("--build-only", action="store_true", help="build the demo and stop")
    args = parser.parse_args()
    if not has_national_demo():
        build()
    if args.build_only:
        return 0
    requests, notes = workload(args.requests, random.Random(args.seed), set(args.kinds.split(",")))
    connection.close()
    proc, port = start_gunicorn(args.workers)
    try:
        times, errors, rate, done = run(
            port, requests, args.clients, args.workers, args.max_seconds
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still busy with a long page
            proc.kill()
            proc.wait(timeout=30)
    every = [ms for values in times.values() for ms in values]
    print(
        f"gunicorn {args.workers} sync workers, CARENET_ENV=production, loopback; "
        f"{args.clients} concurrent clients; {done} of {len(requests)} requests sent"
    )
    for kind in MIX:
        if kind in times:
            print(f"  {kind:<9} {summary(times[kind])}")
    print(f"  {'all':<9} {summary(every)}")
    print(f"  {rate:.1f} requests/s, {len(errors)} errors")
    for path, status in errors[:10]:
        print(f"    error {status}: {path}")
    for note in notes:
        print(f"  note: {note}")
    ok_p95 = bool(every) and pct(every, 0.95) <= GOAL_P95_MS
    print(
        f"\np95 <= {GOAL_P95_MS:.0f} ms: {'yes' if ok_p95 else 'NO'}   "
        f"no error: {'yes' if not errors else 'NO'}"
    )
    return 0 if ok_p95 and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
