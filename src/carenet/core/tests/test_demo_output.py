"""`carenet demo-data` says little while it builds, so the sign-ins are not buried.

Building the whole demo takes minutes; these tests run the command's real steps (every app's
`demo.build`, in order) with each builder replaced by a stand-in that speaks as much as the
real one does: two progress lines and a burst of the services' per-record INFO logs.
"""

from __future__ import annotations

import io
import logging
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from carenet.accounts import demo as accounts_demo
from carenet.core.demo import DEMO_PASSWORD, DemoContext

pytestmark = pytest.mark.django_db

MAX_LINES = 80
SIGN_IN_HINT = "Its sign-ins: carenet demo-data --print-sign-ins"


def _builder_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("carenet."):
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "build"):
            modules.append(module)
    return modules


@pytest.fixture
def chatty_builders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every app's builder, standing in for the real one: two lines of its own and 200
    INFO records from the services it calls."""
    labels = []
    for module in _builder_modules():
        label = module.__name__.split(".")[1]
        labels.append(label)

        def build(ctx: DemoContext, label: str = label) -> None:
            ctx.log(f"{label}: 3 things")
            ctx.log(f"{label}: 4 other things")
            for n in range(200):
                logging.getLogger(f"carenet.{label}.services").info("record %s saved", n)

        monkeypatch.setattr(module, "build", build)
    monkeypatch.setattr(accounts_demo, "already_built", lambda: False)
    return labels


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_builds_in_few_lines_ending_with_the_sign_in_hint(
    areas: dict[str, Any], chatty_builders: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    lines = _run()
    assert len(chatty_builders) >= 10  # the real steps, not an empty loop
    assert len(lines) < MAX_LINES
    assert SIGN_IN_HINT in lines[-1]
    for label in chatty_builders:
        assert f"{label}: 3 things" in lines
        assert any(line.startswith(f"{label}: done in ") for line in lines)
    assert not [r for r in caplog.records if r.name.startswith("carenet.")]


def test_it_shows_the_services_logs_at_verbosity_two(
    areas: dict[str, Any], chatty_builders: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    _run("--verbosity", "2")
    records = [r for r in caplog.records if r.name.startswith("carenet.")]
    assert len(records) == 200 * len(chatty_builders)
    assert logging.getLogger("carenet").level == logging.NOTSET  # put back afterwards


def test_it_prints_every_sign_in_with_the_password() -> None:
    lines = _run("--print-sign-ins")
    assert DEMO_PASSWORD in lines[0]
    assert len(accounts_demo.SIGN_INS) < len(lines) < MAX_LINES
    for email, what in accounts_demo.SIGN_INS:
        assert any(email in line and what in line for line in lines)


def test_it_says_so_when_the_demo_is_already_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts_demo, "already_built", lambda: True)
    assert _run() == ["Demo network already loaded; nothing to do."]
