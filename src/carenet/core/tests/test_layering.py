"""Dependencies point down: core asks, the capability apps answer.

Core may use geo (areas), never accounts or an app of a capability: accounts registers the
memberships and roles with `core.permissions.register_scope`, each capability app its own
access rules with `core.permissions.register`. Imports for type annotations only (under
`if TYPE_CHECKING:`) are no dependency at run time and are allowed.
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
_TYPE_CHECKING = {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
FOUNDATIONS = {"core", "accounts", "geo", "formats", "locale", "templates"}
FORBIDDEN_TO_CORE = {"accounts"}


def _capability_apps() -> set[str]:
    names = {
        c.name.split(".", 1)[1] for c in apps.get_app_configs() if c.name.startswith("carenet.")
    }
    return names - FOUNDATIONS


def _imports(path: Path) -> set[str]:
    """The modules `path` imports at run time (not those for type annotations only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in _TYPE_CHECKING:
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_core_imports_no_capability_app_and_not_accounts():
    capability = _capability_apps() | FORBIDDEN_TO_CORE
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


def test_it_sees_an_import_of_accounts_at_run_time_but_not_for_annotations(tmp_path):
    path = tmp_path / "module.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from carenet.accounts.models import User\n"
        "def f():\n"
        "    from carenet.accounts.models import Role\n",
        encoding="utf-8",
    )
    assert "carenet.accounts.models" in _imports(path)
    path.write_text(path.read_text(encoding="utf-8").rsplit("def f", 1)[0], encoding="utf-8")
    assert "carenet.accounts.models" not in _imports(path)


def test_the_roles_come_from_accounts_through_the_scope_source():
    assert frozenset(Role) == permissions.ANY_MEMBER
    assert permissions.ORG_ACTIONS["org.manage"] == {Role.ORG_ADMIN}
    assert "org.view" in permissions.NETWORK_ACTIONS


def test_a_second_scope_source_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        permissions.register_scope(object())  # type: ignore[arg-type]


def test_it_refuses_two_apps_disagreeing_about_one_rule():
    with pytest.raises(ImproperlyConfigured):
        permissions.register(org_actions={"referral.view": {Role.VIEWER}})
    assert permissions.ORG_ACTIONS["referral.view"] == {Role.ORG_ADMIN, Role.PRACTITIONER}


def test_an_action_without_a_policy_is_a_configuration_error(people):
    with pytest.raises(ImproperlyConfigured):
        permissions.can_on(people.practitioner, "nothing.read", object())
