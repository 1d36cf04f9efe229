"""Dependencies point down: core asks, the capability apps answer.

Core may use accounts (people, organisations, roles) and geo (areas), never an app of a
capability; each capability app registers its own access rules with `core.permissions`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from carenet.accounts.models import Role
from carenet.core import permissions

CORE = Path(__file__).resolve().parents[1]
FOUNDATIONS = {"core", "accounts", "geo", "formats", "locale", "templates"}


def _capability_apps() -> set[str]:
    names = {
        c.name.split(".", 1)[1] for c in apps.get_app_configs() if c.name.startswith("carenet.")
    }
    return names - FOUNDATIONS


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_core_imports_no_capability_app():
    capability = _capability_apps()
    assert {"cop", "referrals", "directory", "reporting", "community"} <= capability
    offenders = []
    for path in CORE.rglob("*.py"):
        if "tests" in path.relative_to(CORE).parts:
            continue
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] == "carenet" and len(parts) > 1 and parts[1] in capability:
                offenders.append(f"{path.relative_to(CORE)} imports {module}")
    assert offenders == []


def test_every_app_action_is_registered_by_its_app():
    assert permissions.ORG_ACTIONS["cop.view"] == permissions.ANY_MEMBER
    assert permissions.ORG_ACTIONS["referral.view"] == {Role.ORG_ADMIN, Role.PRACTITIONER}
    assert "gaps.view" in permissions.NETWORK_ACTIONS
    assert "referral.view" not in permissions.NETWORK_ACTIONS


def test_it_refuses_two_apps_disagreeing_about_one_rule():
    with pytest.raises(ImproperlyConfigured):
        permissions.register(org_actions={"referral.view": {Role.VIEWER}})
    assert permissions.ORG_ACTIONS["referral.view"] == {Role.ORG_ADMIN, Role.PRACTITIONER}


def test_an_action_without_a_policy_is_a_configuration_error(people):
    with pytest.raises(ImproperlyConfigured):
        permissions.can_on(people.practitioner, "nothing.read", object())
