"""Every access decision in CareNet is made here.

Views, APIs, exports, dashboards and tasks ask this module; none decides on its own.

* A member of an organisation acts with the rights of their role in that organisation.
* A coordinator acts on the whole network, or on one area subtree, for the network actions.
* A superuser may do everything.

`filter_for` narrows a queryset to what a user may reach for an action; `can` answers one
question; `require` raises 404 (for objects: an outsider learns nothing, not even that a
record exists) or 403.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import Organisation, User
    from carenet.geo.models import AdminArea

M = TypeVar("M", bound=Model)


class Membership(Protocol):
    """One person's place in one organisation, as the scope source gives it."""

    organisation_id: int
    role: str


class ScopeSource(Protocol):
    """Who belongs where. Core knows no organisation or role of its own: the accounts app
    registers its source with `register_scope` when it is ready (core asks, the app answers).
    """

    @property
    def roles(self) -> frozenset[str]:
        """Every organisation role."""

    @property
    def two_factor_roles(self) -> frozenset[str]:
        """The roles that see data about people seeking help: two factors to sign in."""

    def memberships(self, user: Any) -> tuple[Membership, ...]:
        """The user's memberships of active organisations, with the organisation."""

    def role(self, membership: Any) -> str: ...

    def coordinator_areas(self, user: Any) -> list[tuple[str, str]]:
        """(area path, country) per coordinator role; "" = the whole network, any country."""

    def organisations(self) -> QuerySet[Any]: ...


_SOURCE: list[ScopeSource] = []


def register_scope(source: ScopeSource) -> None:
    """The source of memberships and roles, given once from `AccountsConfig.ready()`."""
    if _SOURCE and _SOURCE[0] is not source:
        raise ImproperlyConfigured("a scope source is already registered")
    _SOURCE[:] = [source]


def _source() -> ScopeSource:
    if not _SOURCE:
        raise ImproperlyConfigured("no scope source is registered (is accounts installed?)")
    return _SOURCE[0]


def __getattr__(name: str) -> frozenset[str]:
    """`ANY_MEMBER`: every organisation role, known once the scope source is registered."""
    if name == "ANY_MEMBER":
        return frozenset(_source().roles)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# action -> the organisation roles that may do it in their own organisation. Each app,
# core's own actions included, adds its actions with `register` when it is ready.
ORG_ACTIONS: dict[str, frozenset[str]] = {}

# actions a coordinator may take across the network (or their area subtree).
NETWORK_ACTIONS: set[str] = set()


class Policy(Protocol):
    """Object-level rules of one app, for actions that are not "a role in the owning
    organisation" (membership of a CoP, the person a record is about, a safeguarding focal
    point). Registered for the prefix of its actions ("cop" answers "cop.read", ...)."""

    def can(self, user: User | AnonymousUser | None, action: str, obj: Any) -> bool: ...

    def filter(
        self, user: User | AnonymousUser | None, action: str, queryset: QuerySet[M], **kwargs: Any
    ) -> QuerySet[M]: ...


_POLICIES: dict[str, Policy] = {}


def register(
    *,
    org_actions: Mapping[str, Iterable[str]] | None = None,
    network_actions: Iterable[str] = (),
    policy: Policy | None = None,
    prefix: str | None = None,
) -> None:
    """An app's access rules, given once from its `AppConfig.ready()`.

    `org_actions` maps each action to the roles that may take it in their own organisation;
    `network_actions` are those a coordinator may take across the network (or their area);
    `policy` answers the object-level questions of the actions starting with `prefix.`
    (by default the prefix of the app's actions). Registering an action twice with other
    roles is a configuration error: two apps must not disagree about one rule.
    """
    for action, roles in (org_actions or {}).items():
        roles = frozenset(roles)
        if ORG_ACTIONS.get(action, roles) != roles:
            raise ImproperlyConfigured(f"{action!r} is registered twice with different roles")
        ORG_ACTIONS[action] = roles
    NETWORK_ACTIONS.update(network_actions)
    if policy is not None:
        prefixes = {a.split(".", 1)[0] for a in [*(org_actions or {}), *network_actions]}
        key = prefix or (prefixes.pop() if len(prefixes) == 1 else None)
        if not key:
            raise ImproperlyConfigured("register(policy=...) needs a prefix")
        if _POLICIES.get(key, policy) is not policy:
            raise ImproperlyConfigured(f"a policy for {key!r} is already registered")
        _POLICIES[key] = policy


def _policy_for(action: str) -> Policy:
    try:
        return _POLICIES[action.split(".", 1)[0]]
    except KeyError:
        raise ImproperlyConfigured(f"no policy is registered for {action!r}") from None


def can_on(user: User | AnonymousUser | None, action: str, obj: Any) -> bool:
    """May `user` take `action` on `obj`? Asked of the policy its app registered."""
    return _policy_for(action).can(user, action, obj)


def require_on(user: User | AnonymousUser | None, action: str, obj: Any) -> None:
    """Raise Http404 unless `can_on`: an outsider learns nothing, not even that it exists."""
    if not can_on(user, action, obj):
        raise Http404


def filter_on(
    user: User | AnonymousUser | None, action: str, queryset: QuerySet[M], **kwargs: Any
) -> QuerySet[M]:
    """Narrow `queryset` to the rows `user` may reach for `action`, by the app's policy."""
    return _policy_for(action).filter(user, action, queryset, **kwargs)


@dataclass(frozen=True)
class Scope:
    """What one user may reach: per-organisation roles and coordinator areas."""

    roles: dict[int, str]  # organisation id -> role
    coordinator_paths: tuple[str, ...]  # area paths; "" = the whole network
    coordinator_countries: tuple[str, ...]  # "" = every country
    superuser: bool

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_paths)

    def orgs_for(self, action: str) -> list[int]:
        allowed = ORG_ACTIONS.get(action, frozenset())
        return [org for org, role in self.roles.items() if role in allowed]


_EMPTY = Scope({}, (), (), False)


def memberships_of(user: User | AnonymousUser | None) -> tuple[Any, ...]:
    """The user's memberships of active organisations, with the organisation, by acronym.

    Read once per user object (i.e. once per request) and shared by the scope, the acting
    organisation and the organisation switcher; `forget` drops it.
    """
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, "_carenet_memberships", None)
    if cached is not None:
        return cached
    memberships = _source().memberships(user)
    user._carenet_memberships = memberships  # type: ignore[union-attr,attr-defined]
    return memberships


def scope_of(user: User | AnonymousUser | None) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _EMPTY
    cached = getattr(user, "_carenet_scope", None)
    if cached is not None:
        return cached
    source = _source()
    roles = {m.organisation_id: source.role(m) for m in memberships_of(user)}
    coordinated = source.coordinator_areas(user)
    scope = Scope(
        roles=roles,
        coordinator_paths=tuple(path for path, _ in coordinated),
        coordinator_countries=tuple(country for _, country in coordinated),
        superuser=user.is_superuser,
    )
    user._carenet_scope = scope  # type: ignore[union-attr,attr-defined]
    return scope


def forget(user: Any) -> None:
    """Drop the cached scope and memberships after a membership or role change."""
    for name in ("_carenet_scope", "_carenet_memberships"):
        if hasattr(user, name):
            delattr(user, name)


def role_in(user: User | AnonymousUser | None, organisation: Organisation | None) -> str | None:
    if organisation is None:
        return None
    return scope_of(user).roles.get(organisation.pk)


def is_coordinator(user: User | AnonymousUser | None) -> bool:
    scope = scope_of(user)
    return scope.superuser or scope.is_coordinator


def needs_two_factor(user: User | AnonymousUser | None) -> bool:
    """Whether this user must sign in with a second factor (setting CARENET_REQUIRE_2FA)."""
    if not settings.CARENET_REQUIRE_2FA:
        return False
    scope = scope_of(user)
    two_factor_roles = _source().two_factor_roles
    return scope.superuser or any(r in two_factor_roles for r in scope.roles.values())


def can(
    user: User | AnonymousUser | None,
    action: str,
    organisation: Organisation | None = None,
    area: AdminArea | None = None,
) -> bool:
    """May `user` do `action` for `organisation` (and/or in `area`)?

    With neither, the question is whether the user may do it across the network: yes for a
    member whose role in some organisation allows it and for a coordinator of the whole
    network (or of a country), no for a coordinator limited to an area, who may not, say,
    lock a period for everyone. Menus and index pages ask `can_somewhere` instead.
    """
    scope = scope_of(user)
    if scope.superuser:
        return True
    if action in NETWORK_ACTIONS and _coordinator_covers(scope, area, organisation):
        return True
    allowed = ORG_ACTIONS.get(action, frozenset())
    if organisation is None:
        return any(role in allowed for role in scope.roles.values())
    return scope.roles.get(organisation.pk) in allowed


def can_somewhere(user: User | AnonymousUser | None, action: str) -> bool:
    """May `user` do `action` for at least one organisation or area? For menus and index
    pages, which then show only what `filter_for` (or `can` per record) lets through."""
    scope = scope_of(user)
    return (
        scope.superuser
        or (action in NETWORK_ACTIONS and scope.is_coordinator)
        or bool(scope.orgs_for(action))
    )


def acts_for(
    user: User | AnonymousUser | None, action: str, organisation: Organisation | None
) -> bool:
    """May `user` do `action` as a member of `organisation` (their role there allows it)?

    No superuser or coordinator exception: acting *for* an organisation on a person's record
    (a referral step, a client's details) takes a membership, even where `can` would let a
    superuser read.
    """
    return organisation is not None and role_in(user, organisation) in ORG_ACTIONS.get(
        action, frozenset()
    )


def require(
    user: User | AnonymousUser | None,
    action: str,
    organisation: Organisation | None = None,
    area: AdminArea | None = None,
    *,
    hide: bool = True,
) -> None:
    """Raise Http404 (default: the object stays invisible) or PermissionDenied."""
    if not can(user, action, organisation, area):
        if hide:
            raise Http404
        raise PermissionDenied


def filter_for(
    user: User | AnonymousUser | None,
    action: str,
    queryset: QuerySet[M],
    *,
    org_field: str | None = "organisation",
    area_field: str | None = None,
    country_field: str | None = None,
) -> QuerySet[M]:
    """Narrow `queryset` to the rows `user` may reach for `action`.

    `org_field` is the lookup path to the owning organisation, `area_field` to an AdminArea
    (for coordinators limited to an area subtree).
    """
    scope = scope_of(user)
    if scope.superuser:
        return queryset
    condition = Q(pk__in=[])
    orgs = scope.orgs_for(action)
    if orgs and org_field:
        condition |= Q(**{f"{org_field}__in": orgs})
    if action in NETWORK_ACTIONS and scope.is_coordinator:
        coordinated = _coordinator_q(scope, area_field, country_field or _country_of(org_field))
        if coordinated is None:  # the whole network
            return queryset
        condition |= coordinated
    return queryset.filter(condition)


def organisations_for(user: User | AnonymousUser | None, action: str) -> QuerySet[Organisation]:
    return filter_for(
        user, action, _source().organisations(), org_field="pk", country_field="country"
    )


def _coordinator_q(scope: Scope, area_field: str | None, country_field: str | None) -> Q | None:
    """The rows a coordinator's roles reach; None when one role covers the whole network."""
    q = Q(pk__in=[])
    for path, country in zip(scope.coordinator_paths, scope.coordinator_countries, strict=True):
        if path and area_field:
            q |= Q(**{f"{area_field}__path__startswith": path})
        elif path:
            continue  # an area-limited coordinator reaches nothing without an area
        elif country and country_field:
            q |= Q(**{country_field: country})
        else:
            return None
    return q


def _country_of(org_field: str | None) -> str | None:
    if not org_field:
        return None
    return "country" if org_field == "pk" else f"{org_field}__country"


def _coordinator_covers(
    scope: Scope, area: AdminArea | None, organisation: Organisation | None
) -> bool:
    for path, country in zip(scope.coordinator_paths, scope.coordinator_countries, strict=True):
        if path:
            if area is not None and area.path.startswith(path):
                return True
        elif not country or (
            (area is not None and area.country == country)
            or (organisation is not None and organisation.country == country)
            or (area is None and organisation is None)
        ):
            return True
    return False


def filter_own(
    user: User | AnonymousUser | None, queryset: QuerySet[M], *, user_field: str = "user"
) -> QuerySet[M]:
    """Only the user's own rows (well-being check-ins): no one else, not even a superuser."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(**{user_field: user})
