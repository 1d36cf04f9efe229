"""`carenet rebuild-referral-rollup`: recompute the pathway metrics rollup from the referrals.

The services keep the rollup exact as referrals move and consents change; rebuild it after
loading referrals in bulk, after changing an organisation's country, or to repair it.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from carenet.referrals import rollup


class Command(BaseCommand):
    help = "Recompute the pathway metrics rollup (who is counted, and every cell)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        cells = rollup.rebuild()
        self.stdout.write(f"{cells} cells in {time.perf_counter() - started:.1f} s")
