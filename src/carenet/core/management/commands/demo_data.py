"""`carenet demo-data --seed N --scale small|national`: build the demo network."""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Iterator
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import AppConfig, apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carenet.core.demo import DEMO_PASSWORD, SCALES, DemoContext
from carenet.geo.models import AdminArea

# The oblasts and voivodeships the small demo network works in.
SMALL_REGIONS = ["UA32", "UA46", "UA63", "UA12", "UA51", "UA80", "PL14", "PL12", "PL18", "PL06"]


class Command(BaseCommand):
    help = "Build a deterministic demo network on the loaded areas and code lists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument(
            "--print-sign-ins", action="store_true", help="Only print the demo sign-ins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_sign_ins"]:
            self._print_sign_ins()
            return
        if any(m.already_built() for _, m in _demo_modules() if hasattr(m, "already_built")):
            self.stdout.write("Demo network already loaded; nothing to do.")
            return
        ctx = DemoContext(
            seed=options["seed"],
            scale=options["scale"],
            rng=random.Random(options["seed"]),
            log=self._log,
        )
        ctx.areas = self._choose_areas(ctx)
        with _quiet(options["verbosity"] < 2):
            self._build(ctx)
        self.stdout.write("Demo network built. Its sign-ins: carenet demo-data --print-sign-ins")

    def _build(self, ctx: DemoContext) -> None:
        for config, module in _demo_modules():
            if not hasattr(module, "build"):
                continue  # e.g. carenet.core.demo: the context, not a builder
            started = time.perf_counter()
            module.build(ctx)
            self._log(f"{config.label}: done in {time.perf_counter() - started:.1f} s")

    def _choose_areas(self, ctx: DemoContext) -> list[AdminArea]:
        level3 = AdminArea.objects.filter(level=3).order_by("pcode")
        areas = [a for a in level3 if not {"crimea", "pseudo_unit"} & set(a.flags)]
        if not areas:
            raise CommandError(
                "No areas are loaded. Run `carenet load-areas ukraine` and "
                "`carenet load-areas poland` first."
            )
        if ctx.national:
            return areas
        chosen = []
        for region in SMALL_REGIONS:
            in_region = [a for a in areas if a.pcode.startswith(region)]
            chosen += ctx.rng.sample(in_region, min(len(in_region), 6))
        return chosen

    def _log(self, message: str) -> None:
        self.stdout.write(message)

    def _print_sign_ins(self) -> None:
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for _, module in _demo_modules():
            for email, what in getattr(module, "SIGN_INS", ()):
                self.stdout.write(f"  {email:<36} {what}")


def _demo_modules() -> Iterator[tuple[AppConfig, ModuleType]]:
    """Each CareNet app's `demo` module, in the order of INSTALLED_APPS. A module may offer
    `build(ctx)`, `already_built()` and `SIGN_INS` (e-mail, who): accounts offers the last
    two, since it makes the organisations and people."""
    for config in apps.get_app_configs():
        if not config.name.startswith("carenet."):
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        yield config, module


@contextlib.contextmanager
def _quiet(quiet: bool) -> Iterator[None]:
    """The services log one INFO line per referral, client and import: hundreds while the
    demo is built, burying the sign-ins. Keep warnings; `-v 2` shows everything."""
    logger = logging.getLogger("carenet")
    before = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(before)
