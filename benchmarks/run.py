"""Runs every CareNet benchmark in turn (`make bench`), or the ones named.

    .venv/bin/python benchmarks/run.py [directory_search referrals_perf ...]

Each benchmark is its own script (see its docstring for what it measures and its goals) and
builds its national-scale PostgreSQL database once; later runs reuse it. Extra arguments for
one benchmark: run its script directly.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALL = [
    "directory_search",
    "reporting_import",
    "reporting_gaps",
    "referrals_perf",
    "report_pack",
    "outcomes",
    "http_load",
]


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(ALL))
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(ALL)}")
        return 2
    failed = []
    for name in names or ALL:
        print(f"\n=== {name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False)  # noqa: S603 (our own scripts)
        print(f"=== {name}: exit {result.returncode} after {time.perf_counter() - started:.0f} s")
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
