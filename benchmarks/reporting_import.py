"""Benchmark: import of a 100,000-row 4W XLSX template with validation.

    .venv/bin/python benchmarks/reporting_import.py [--rows 100000]

Prints rows per second and peak memory of CareNet's import (read with python-calamine,
every row validated, written, rollups refreshed), and the ratio to only reading the same
file with `pandas.read_excel` (openpyxl), measured in the same run.
Goals: >= 10,000 rows/s, peak memory <= 500 MB, faster than the pandas read alone.

Uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
WORK = Path(tempfile.mkdtemp(prefix="carenet-bench-import-"))
os.environ.setdefault("CARENET_DATA_DIR", str(WORK))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carenet.settings")
os.environ.setdefault("DEBUG", "0")  # measure what production runs (no query log)
os.environ.setdefault("CARENET_IMPORT_BACKGROUND_BYTES", str(10**12))  # time it inline

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

MONTH = datetime.date(2026, 3, 1)


def setup() -> object:
    from carenet.accounts import services as accounts
    from carenet.geo import loaders
    from carenet.taxonomy.loaders import load_all

    call_command("migrate", verbosity=0)
    loaders.load_ukraine()
    load_all()
    return accounts.organisation_create(
        actor=None, name="Bench", acronym="BENCH", kind="nngo", country="UA"
    )


def write_file(path: Path, rows: int) -> int:
    """A filled-in template: `rows` distinct valid rows across hromadas and activities."""
    import xlsxwriter

    from carenet.geo.models import AdminArea
    from carenet.reporting.columns import TEMPLATE_COLUMNS
    from carenet.reporting.validation import load_lookups

    lookups = load_lookups()
    acts = sorted(c for c in lookups.activities if "." in c and c not in lookups.no_people)
    groups = sorted(lookups.target_groups)
    places = list(AdminArea.objects.filter(country="UA", level=3).values_list("pcode", flat=True))
    keys = [c.key for c in TEMPLATE_COLUMNS]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("4W")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for i, c in enumerate(TEMPLATE_COLUMNS):
        sheet.write_string(0, i, str(c.label))
        sheet.write_string(1, i, c.hxl)
    col = {k: i for i, k in enumerate(keys)}
    n = 0
    for p in places:
        for a in acts:
            for g in groups:
                if n >= rows:
                    break
                r = n + 2
                parts = [n % 7, n % 5, 10 + n % 11, 8 + n % 9, n % 3, n % 2]
                sheet.write_string(r, col["org"], "BENCH")
                sheet.write_string(r, col["activity"], a)
                sheet.write_string(r, col["pcode"], p)
                sheet.write_string(r, col["target_group"], g)
                sheet.write_string(r, col["status"], "ongoing")
                sheet.write_datetime(
                    r,
                    col["start_date"],
                    datetime.datetime.combine(MONTH.replace(day=1 + n % 28), datetime.time()),
                    date,
                )
                for k, v in zip(
                    [
                        "reached_f_0_17",
                        "reached_m_0_17",
                        "reached_f_18_59",
                        "reached_m_18_59",
                        "reached_f_60",
                        "reached_m_60",
                    ],
                    parts,
                    strict=True,
                ):
                    sheet.write_number(r, col[k], v)
                sheet.write_number(r, col["reached_total"], sum(parts))
                sheet.write_number(r, col["sessions"], 1 + n % 12)
                n += 1
    book.close()
    return n


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_import(org: object, path: Path) -> tuple[float, object]:
    from carenet.reporting import services

    started = time.perf_counter()
    with path.open("rb") as f:
        job = services.import_start(
            actor=None,
            organisation=org,
            month=MONTH,
            upload=f,
            file_name=path.name,
            background=False,
        )
    return time.perf_counter() - started, job


def forget(org: object) -> None:
    from carenet.reporting.models import (
        ActivityReport,
        ActivityRollup,
        AreaRollup,
        ReportingPeriod,
    )

    ActivityReport.objects.filter(organisation=org).delete()
    ActivityRollup.objects.all().delete()
    AreaRollup.objects.all().delete()
    ReportingPeriod.objects.filter(organisation=org).delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    org = setup()
    path = WORK / "4w-100k.xlsx"
    n = write_file(path, args.rows)
    print(
        f"file: {n} rows x 25 columns, {path.stat().st_size / 1e6:.1f} MB; database: "
        f"{django.db.connection.vendor}"
    )

    gc.collect()
    rss_before = peak_rss_mb()
    ours, job = run_import(org, path)
    rss_peak = peak_rss_mb()
    assert job.status == "done" and job.created == n, (job.status, job.errors[:3])
    reimport, again = run_import(org, path)
    assert again.unchanged == n, again.status

    forget(org)
    gc.collect()
    tracemalloc.start()
    run_import(org, path)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl", skiprows=[1])
    pandas_s = time.perf_counter() - started
    assert len(frame) == n

    print(
        f"CareNet import (read, validate every row, write, refresh rollups): {ours:.2f} s "
        f"= {n / ours:,.0f} rows/s"
    )
    print(
        f"re-import of the same file (every row checked, all unchanged): {reimport:.2f} s "
        f"= {n / reimport:,.0f} rows/s"
    )
    print(
        f"peak memory: process peak RSS {rss_peak:.0f} MB (before the import "
        f"{rss_before:.0f} MB); Python allocations peak {traced_peak / 1e6:.0f} MB "
        "(tracemalloc, separate run)"
    )
    print(f"pandas.read_excel (openpyxl), read only: {pandas_s:.2f} s = {n / pandas_s:,.0f} rows/s")
    print(f"ratio: CareNet import is {pandas_s / ours:.2f}x the speed of the pandas read alone")


if __name__ == "__main__":
    main()
