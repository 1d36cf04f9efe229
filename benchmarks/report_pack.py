"""Benchmark: the national network's monthly report pack on PostgreSQL.

    .venv/bin/python benchmarks/report_pack.py [--rows 600000] [--months 12] [--build-only]

Builds (once; reused while the database exists) every Ukrainian hromada and Polish gmina,
2,000 organisations and 600,000 4W rows over 12 months (about 50,000 rows a month, as
`reporting_gaps.py`), ten programme targets and a donor on a third of the rows, then prints
for the newest month, as a network coordinator:
* the time to query the pack's figures alone (no PDF, no workbook);
* the PDF pack (WeasyPrint, with the oblast gap map) and the XLSX pack: time and the peak
  memory of the process (ru_maxrss) after each;
* the same for one donor's pack.
Goals: each pack <= 30 s; memory <= 500 MB.

Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/carenet_reports_bench
(created when missing).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carenet_reports_bench")
os.environ.setdefault("CARENET_DATA_DIR", tempfile.mkdtemp(prefix="carenet-bench-pack-"))

import reporting_gaps as base  # noqa: E402 - sets Django up on the database above

GOAL_SECONDS = 30.0
GOAL_MB = 500.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(rng: random.Random) -> None:
    """A donor on a third of the newest months' rows, and programme targets."""
    from django.utils import timezone

    from carenet.reporting import donors
    from carenet.reporting.models import ActivityReport, Donor
    from carenet.reports.models import Programme, Target, Unit

    donors.load()
    echo = Donor.objects.get(code="echo")
    if not ActivityReport.objects.filter(funder=echo).exists():
        ActivityReport.objects.filter(id__in=_every_third()).update(donor="ECHO", funder=echo)
    if not Programme.objects.exists():
        start = timezone.localdate().replace(month=1, day=1)
        programme = Programme.objects.create(name="Bench programme", starts_on=start)
        units = list(Unit)
        Target.objects.bulk_create(
            Target(
                programme=programme,
                unit=units[i % len(units)],
                number=rng.randint(10, 10_000),
                due_on=start.replace(month=12, day=31),
            )
            for i in range(10)
        )


def _every_third() -> object:
    from django.db.models import F
    from django.db.models.functions import Mod

    from carenet.reporting.models import ActivityReport

    return ActivityReport.objects.annotate(r=Mod(F("id"), 3)).filter(r=0).values("id")


def timed(label: str, run: object) -> float:
    started = time.perf_counter()
    result = run()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    size = f", {len(result):,} bytes" if isinstance(result, bytes) else ""
    print(f"{label}: {seconds:.2f} s{size}, peak memory {peak_mb():.0f} MB", flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    base.build(args.rows, args.months, rng)
    prepare(rng)
    if args.build_only:
        return 0

    from carenet.accounts.models import User
    from carenet.reporting import months
    from carenet.reporting.models import Donor
    from carenet.reports import figures, pack

    user = User.objects.get(email="bench@coordinator")
    month = months.current_reporting_month()
    echo = Donor.objects.get(code="echo")
    print(f"month {months.key(month)}, as a network coordinator")
    results = {
        "figures only": timed("figures only (queries)", lambda: figures.build(user, month)),
        "pdf": timed("PDF pack", lambda: pack.build_file(user, month, "pdf", language="uk")),
        "xlsx": timed("XLSX pack", lambda: pack.build_file(user, month, "xlsx")),
        "donor pdf": timed(
            "PDF pack, one donor", lambda: pack.build_file(user, month, "pdf", donor=echo)
        ),
    }
    memory = peak_mb()
    slow = [k for k, s in results.items() if k != "figures only" and s > GOAL_SECONDS]
    speed = "met" if not slow else "MISSED: " + ", ".join(slow)
    size = "met" if memory <= GOAL_MB else "MISSED"
    print(
        f"goals: each pack <= {GOAL_SECONDS:.0f} s ({speed}), "
        f"memory <= {GOAL_MB:.0f} MB ({size}: {memory:.0f} MB)"
    )
    return 1 if slow or memory > GOAL_MB else 0


if __name__ == "__main__":
    sys.exit(main())
