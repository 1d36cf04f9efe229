"""Shared test personas across two organisations, and the access assertion helper.

Personas: coordinator (whole network), oblast_coordinator (limited to one oblast), org_admin,
focal_point, practitioner, viewer (all of organisation A), outsider (practitioner of
organisation B), anonymous.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from carenet.accounts import services as account_services
from carenet.accounts.models import Organisation, Role, User
from carenet.geo.models import AdminArea, BoundarySet

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Each run on PostgreSQL creates its own test database, so that two runs side by side on
    one server (a developer's and CI's) never drop each other's."""
    from django.conf import settings

    for db in settings.DATABASES.values():
        if db["ENGINE"].endswith("postgresql"):
            db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_{os.getpid()}"


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A random UUID among a test's parameters (a forged id) gets a stable test id: the
    parallel workers (pytest-xdist) each collect the tests and must find the same names."""
    if isinstance(val, uuid.UUID) or (isinstance(val, str) and UUID_TEXT.fullmatch(val)):
        return f"{argname}-uuid"
    return None


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never leave the machine, except to the local test databases."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "localhost", "::1"}
            and not (host.startswith("/"))
        ):
            raise RuntimeError(f"test tried to reach the network: {host}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def areas(db: None) -> dict[str, AdminArea]:
    """A small slice of the real gazetteer: two Ukrainian oblasts with a raion and a hromada,
    and one Polish voivodeship."""
    ua = BoundarySet.objects.create(country="UA", version="test")
    pl = BoundarySet.objects.create(country="PL", version="test")

    def make(
        pcode: str,
        level: int,
        parent: AdminArea | None,
        name: str,
        bs: BoundarySet,
        population: int | None = None,
    ) -> AdminArea:
        path = (parent.path if parent else "") + pcode + "/"
        return AdminArea.objects.create(
            pcode=pcode,
            level=level,
            parent=parent,
            path=path,
            country=bs.country,
            boundary_set=bs,
            name_en=name,
            population=population,
        )

    kyiv_obl = make("UA32", 1, None, "Kyivska", ua)
    bucha = make("UA3208", 2, kyiv_obl, "Buchanskyi", ua)
    irpin = make("UA3208015", 3, bucha, "Irpinska", ua, population=110_000)
    lviv_obl = make("UA46", 1, None, "Lvivska", ua)
    lviv_r = make("UA4606", 2, lviv_obl, "Lvivskyi", ua)
    lviv_h = make("UA4606025", 3, lviv_r, "Lvivska", ua, population=750_000)
    maz = make("PL14", 1, None, "mazowieckie", pl)
    return {
        "kyiv_obl": kyiv_obl,
        "bucha": bucha,
        "irpin": irpin,
        "lviv_obl": lviv_obl,
        "lviv_raion": lviv_r,
        "lviv": lviv_h,
        "mazowieckie": maz,
    }


@dataclass
class People:
    org_a: Organisation
    org_b: Organisation
    coordinator: User
    oblast_coordinator: User
    org_admin: User
    focal_point: User
    practitioner: User
    viewer: User
    outsider: User
    superuser: User

    def all(self) -> dict[str, User | None]:
        return {
            "coordinator": self.coordinator,
            "oblast_coordinator": self.oblast_coordinator,
            "org_admin": self.org_admin,
            "focal_point": self.focal_point,
            "practitioner": self.practitioner,
            "viewer": self.viewer,
            "outsider": self.outsider,
            "superuser": self.superuser,
            "anonymous": None,
        }


@functools.cache
def _hash_with(hashers: tuple[str, ...]) -> str:
    return make_password(PASSWORD)


def _password_hash() -> str:
    # Argon2 is slow on purpose: hash the shared test password once per run (per hasher
    # setting, since some test modules switch to a faster hasher).
    from django.conf import settings

    return _hash_with(tuple(settings.PASSWORD_HASHERS))


def make_user(email: str, **extra: Any) -> User:
    user = User.objects.create_user(email, None, **extra)
    user.password = _password_hash()
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def people(db: None, areas: dict[str, AdminArea], settings: Any) -> People:
    settings.CARENET_REQUIRE_2FA = False
    org_a = account_services.organisation_create(
        actor=None, name="Alpha Psychosocial", acronym="ALPHA", kind="nngo", country="UA"
    )
    org_b = account_services.organisation_create(
        actor=None, name="Beta Mental Health", acronym="BETA", kind="ingo", country="UA"
    )
    p = People(
        org_a=org_a,
        org_b=org_b,
        coordinator=make_user("coordinator@test.org"),
        oblast_coordinator=make_user("oblast@test.org"),
        org_admin=make_user("admin@alpha.org"),
        focal_point=make_user("focal@alpha.org"),
        practitioner=make_user("practitioner@alpha.org"),
        viewer=make_user("viewer@alpha.org"),
        outsider=make_user("practitioner@beta.org"),
        superuser=make_user("root@test.org", is_staff=True, is_superuser=True),
    )
    account_services.coordinator_grant(actor=None, user=p.coordinator)
    account_services.coordinator_grant(
        actor=None, user=p.oblast_coordinator, area=areas["kyiv_obl"]
    )
    for user, role in [
        (p.org_admin, Role.ORG_ADMIN),
        (p.focal_point, Role.FOCAL_POINT),
        (p.practitioner, Role.PRACTITIONER),
        (p.viewer, Role.VIEWER),
    ]:
        account_services.membership_set(actor=None, user=user, organisation=org_a, role=role)
    account_services.membership_set(
        actor=None, user=p.outsider, organisation=org_b, role=Role.PRACTITIONER
    )
    return p


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def assert_access(
    url: str,
    allowed: dict[str, User | None],
    denied: dict[str, User | None],
    *,
    method: str = "get",
    data: dict[str, Any] | None = None,
) -> None:
    """Everyone in `allowed` reaches `url`; everyone in `denied` is refused (401/403/404 or
    a redirect to sign in)."""
    for name, user in allowed.items():
        response = getattr(client_for(user), method)(url, data or {})
        assert response.status_code in (200, 302), f"{name} should reach {url}"
        if response.status_code == 302:
            assert "/accounts/sign-in/" not in response["Location"], f"{name} sent to sign in"
    for name, user in denied.items():
        response = getattr(client_for(user), method)(url, data or {})
        refused = response.status_code in (401, 403, 404) or (
            response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
        )
        assert refused, f"{name} should not reach {url} (got {response.status_code})"


@pytest.fixture
def split() -> Iterator[Any]:
    """`split(people, "org_admin", "superuser")` -> (allowed, denied) persona dicts."""

    def _split(p: People, *names: str) -> tuple[dict[str, Any], dict[str, Any]]:
        everyone = p.all()
        return (
            {k: v for k, v in everyone.items() if k in names},
            {k: v for k, v in everyone.items() if k not in names},
        )

    yield _split


@pytest.fixture
def taxonomies(db: None) -> None:
    """The real MHPSS code lists, loaded from the files shipped in the repo."""
    from carenet.taxonomy.loaders import load_all

    load_all()


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    """Each test starts in English; a language activated by one test never leaks into the next."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
