"""The demo network: deterministic, built on the real areas through the real services.

`carenet demo-data --seed N --scale small|national` calls `build(ctx)` of each capability
app's `demo.py`, in the order of INSTALLED_APPS, after accounts has made organisations and
users. An app's builder reads what earlier apps made from `ctx` and adds its own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation, User
    from carenet.geo.models import AdminArea

DEMO_PASSWORD = "carenet-demo-2026"  # noqa: S105 - printed for the demo; demo only

SCALES = {
    # organisations, sites per organisation (mean), services per site (mean)
    "small": {"organisations": 60},
    "national": {"organisations": 2000},
}


@dataclass
class DemoContext:
    seed: int
    scale: str
    rng: random.Random
    log: Callable[[str], None]
    organisations: list[Organisation] = field(default_factory=list)
    # persona name -> user, e.g. "coordinator", "focal_point", "practitioner"
    users: dict[str, User] = field(default_factory=dict)
    # users by organisation id and role, for apps that need many actors
    members: dict[int, dict[str, User]] = field(default_factory=dict)
    # hromadas / gminas the demo network works in (level 3 areas)
    areas: list[AdminArea] = field(default_factory=list)
    # anything an app wants to hand to later apps (e.g. "sites", "services")
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def national(self) -> bool:
        return self.scale == "national"
