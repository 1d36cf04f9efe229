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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from carenet.accounts.models import CoordinatorRole, Membership, Organisation, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User
    from carenet.geo.models import AdminArea

M = TypeVar("M", bound=Model)

ANY_MEMBER = frozenset(Role)

# action -> the organisation roles that may do it in their own organisation.
ORG_ACTIONS: dict[str, frozenset[Role]] = {
    "org.view": ANY_MEMBER,
    "org.manage": frozenset({Role.ORG_ADMIN}),
    "audit.view": frozenset({Role.ORG_ADMIN}),
    # service directory
    "directory.view": ANY_MEMBER,
    "directory.edit": frozenset({Role.ORG_ADMIN, Role.FOCAL_POINT}),
    # 4W reporting
    "reporting.view": ANY_MEMBER,
    "reporting.edit": frozenset({Role.ORG_ADMIN, Role.FOCAL_POINT}),
    # referrals and clients: people seeking help
    "referral.view": frozenset({Role.ORG_ADMIN, Role.PRACTITIONER}),
    "referral.handle": frozenset({Role.ORG_ADMIN, Role.PRACTITIONER}),
    "referral.manage": frozenset({Role.ORG_ADMIN}),
    "referral.export": frozenset({Role.ORG_ADMIN}),
    "consent.override": frozenset({Role.ORG_ADMIN}),
    # community readiness, implementation, communities of practice
    "community.view": ANY_MEMBER,
    "community.edit": frozenset({Role.ORG_ADMIN, Role.FOCAL_POINT}),
    "cop.view": ANY_MEMBER,
    "cop.facilitate": frozenset({Role.ORG_ADMIN, Role.FOCAL_POINT, Role.PRACTITIONER}),
    "cop.train": frozenset({Role.ORG_ADMIN, Role.FOCAL_POINT, Role.PRACTITIONER}),
    "cop.health": frozenset({Role.ORG_ADMIN}),
}

# actions a coordinator may take across the network (or their area subtree).
NETWORK_ACTIONS: frozenset[str] = frozenset(
    {
        "org.view",
        "directory.view",
        "directory.review",
        "reporting.view",
        "reporting.validate",
        "reporting.lock",
        "gaps.view",
        "referral.metrics",
        "community.view",
        "community.edit",
        "cop.view",
        "cop.health",
    }
)

# roles that may see data about people seeking help; they sign in with two factors.
CLIENT_DATA_ROLES = frozenset({Role.ORG_ADMIN, Role.PRACTITIONER})


@dataclass(frozen=True)
class Scope:
    """What one user may reach: per-organisation roles and coordinator areas."""

    roles: dict[int, Role]  # organisation id -> role
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


def memberships_of(user: User | AnonymousUser | None) -> tuple[Membership, ...]:
    """The user's memberships of active organisations, with the organisation, by acronym.

    Read once per user object (i.e. once per request) and shared by the scope, the acting
    organisation and the organisation switcher; `forget` drops it.
    """
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, "_carenet_memberships", None)
    if cached is not None:
        return cached
    memberships = tuple(
        Membership.objects.filter(user=user, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__acronym")
    )
    user._carenet_memberships = memberships  # type: ignore[union-attr,attr-defined]
    return memberships


def scope_of(user: User | AnonymousUser | None) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _EMPTY
    cached = getattr(user, "_carenet_scope", None)
    if cached is not None:
        return cached
    roles = {m.organisation_id: Role(m.role) for m in memberships_of(user)}
    coord = list(CoordinatorRole.objects.filter(user=user).select_related("area"))
    scope = Scope(
        roles=roles,
        coordinator_paths=tuple(c.area.path if c.area else "" for c in coord),
        coordinator_countries=tuple(c.country for c in coord),
        superuser=user.is_superuser,
    )
    user._carenet_scope = scope  # type: ignore[union-attr,attr-defined]
    return scope


def forget(user: Any) -> None:
    """Drop the cached scope and memberships after a membership or role change."""
    for name in ("_carenet_scope", "_carenet_memberships"):
        if hasattr(user, name):
            delattr(user, name)


def role_in(user: User | AnonymousUser | None, organisation: Organisation | None) -> Role | None:
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
    return scope.superuser or any(r in CLIENT_DATA_ROLES for r in scope.roles.values())


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
        user, action, Organisation.objects.all(), org_field="pk", country_field="country"
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


# --- Communities of Practice: rules that depend on membership of a CoP ----------------------
# Private CoP content is for the CoP's current members only: there is no superuser or
# coordinator exception here, and outsiders get 404. Supervision logs, competency
# assessments and well-being check-ins are read only by the people they are about (and the
# supervisor or assessor who wrote them).

COP_ACTIONS = frozenset(
    {"cop.read", "cop.contribute", "cop.supervise", "cop.facilitate", "cop.health", "cop.join"}
)


def cop_role(user: User | AnonymousUser | None, cop: Any) -> str | None:
    """The user's current role in a CoP ("facilitator", "supervisor", "member") or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cache: dict[int, str | None] = user.__dict__.setdefault("_carenet_cop_roles", {})
    if cop.pk not in cache:
        cache[cop.pk] = (
            cop.members.filter(user=user, left_on__isnull=True)
            .values_list("role", flat=True)
            .first()
        )
    return cache[cop.pk]


def forget_cop_roles(user: Any) -> None:
    """Drop the cached CoP roles after joining, leaving or a role change."""
    user.__dict__.pop("_carenet_cop_roles", None)


def can_cop(user: User | AnonymousUser | None, action: str, cop: Any) -> bool:
    """May `user` take `action` (one of COP_ACTIONS) in the CoP `cop`?"""
    if action not in COP_ACTIONS:
        raise ValueError(f"unknown CoP action {action!r}")
    role = cop_role(user, cop)
    if action == "cop.read":
        return role is not None or (not cop.is_private and cop.is_active and can(user, "cop.view"))
    if action == "cop.join":
        return (
            role is None
            and not cop.is_private
            and cop.is_active
            and bool(scope_of(user).orgs_for("cop.view"))
        )
    if action == "cop.contribute":
        return role is not None and cop.is_active
    if action == "cop.supervise":
        return role in {"facilitator", "supervisor"} and cop.is_active
    if action == "cop.health":
        return role == "facilitator" or can(user, "cop.health", cop.host, cop.area)
    return role == "facilitator"


def require_cop(user: User | AnonymousUser | None, action: str, cop: Any) -> None:
    """Raise Http404 unless `can_cop`: an outsider learns nothing about a private CoP."""
    if not can_cop(user, action, cop):
        raise Http404


def filter_cop_readable(
    user: User | AnonymousUser | None, queryset: QuerySet[M], *, cop_field: str = ""
) -> QuerySet[M]:
    """Rows of CoPs `user` may read: open active CoPs for anyone with `cop.view`, private
    CoPs only for their current members. `cop_field` is the lookup path to the CoP ("" when
    `queryset` holds the CoPs themselves)."""
    from carenet.cop.models import CopMember

    if user is None or not user.is_authenticated:
        return queryset.none()
    prefix = f"{cop_field}__" if cop_field else ""
    member_of = CopMember.objects.filter(user=user, left_on__isnull=True).values("cop_id")
    condition = Q(**{f"{prefix}pk__in": member_of})
    if can(user, "cop.view"):
        condition |= Q(**{f"{prefix}visibility": "open", f"{prefix}is_active": True})
    return queryset.filter(condition)


def filter_own(
    user: User | AnonymousUser | None, queryset: QuerySet[M], *, user_field: str = "user"
) -> QuerySet[M]:
    """Only the user's own rows (well-being check-ins): no one else, not even a superuser."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(**{user_field: user})


def filter_supervision_logs(
    user: User | AnonymousUser | None, queryset: QuerySet[M]
) -> QuerySet[M]:
    """Supervision logs the user gave or received."""
    from carenet.cop.models import SupervisionLog

    if user is None or not user.is_authenticated:
        return queryset.none()
    received = SupervisionLog.supervisees.through.objects.filter(user_id=user.pk)
    return queryset.filter(Q(supervisor=user) | Q(pk__in=received.values("supervisionlog_id")))


def filter_assessments(user: User | AnonymousUser | None, queryset: QuerySet[M]) -> QuerySet[M]:
    """Competency assessments of the user, or made by the user."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    return queryset.filter(Q(practitioner=user) | Q(assessor=user))


def filter_trainings(user: User | AnonymousUser | None, queryset: QuerySet[M]) -> QuerySet[M]:
    """Trainings the user gives or takes, and those of organisations where the user may
    organise trainings."""
    from carenet.cop.models import Training, TrainingParticipant

    scope = scope_of(user)
    if scope.superuser:
        return queryset
    if user is None or not user.is_authenticated:
        return queryset.none()
    taken = TrainingParticipant.objects.filter(user_id=user.pk).values("training_id")
    given = Training.trainers.through.objects.filter(user_id=user.pk).values("training_id")
    return queryset.filter(
        Q(pk__in=given) | Q(pk__in=taken) | Q(issuer__in=scope.orgs_for("cop.train"))
    )


def can_manage_training(user: User | AnonymousUser | None, training: Any) -> bool:
    """Trainers of a training and the admins of its organisation manage it."""
    scope = scope_of(user)
    if scope.superuser:
        return True
    if user is None or not user.is_authenticated:
        return False
    if scope.roles.get(training.issuer_id) == Role.ORG_ADMIN:
        return True
    return training.trainers.filter(pk=user.pk).exists()


def can_assess(user: User | AnonymousUser | None, practitioner: Any) -> bool:
    """Facilitators and supervisors assess the members of their CoPs; trainers assess the
    participants of their trainings. Nobody assesses themselves here."""
    from carenet.cop.models import CopMember, TrainingParticipant

    if user is None or not user.is_authenticated or practitioner.pk == user.pk:
        return False
    led = CopMember.objects.filter(
        user=user, left_on__isnull=True, role__in=["facilitator", "supervisor"]
    ).values("cop_id")
    if CopMember.objects.filter(user=practitioner, left_on__isnull=True, cop_id__in=led).exists():
        return True
    return TrainingParticipant.objects.filter(user=practitioner, training__trainers=user).exists()
