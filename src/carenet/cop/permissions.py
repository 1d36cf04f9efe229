"""The access rules of Communities of Practice, registered with `core.permissions`.

Private CoP content is for the CoP's current members only: there is no superuser or
coordinator exception here, and outsiders get 404. Supervision logs, competency assessments
and well-being check-ins are read only by the people they are about (and the supervisor or
assessor who wrote them). Callers ask core: `permissions.can_on(user, "cop.read", cop)`,
`permissions.filter_on(user, "cop.read", queryset, cop_field="cop")`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet

from carenet.accounts.models import Role
from carenet.core import permissions
from carenet.core.permissions import ANY_MEMBER

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

M = TypeVar("M", bound=Model)

ORG_ACTIONS = {
    "cop.view": ANY_MEMBER,
    "cop.facilitate": frozenset({Role.ORG_ADMIN, Role.FOCAL_POINT, Role.PRACTITIONER}),
    "cop.train": frozenset({Role.ORG_ADMIN, Role.FOCAL_POINT, Role.PRACTITIONER}),
    "cop.health": frozenset({Role.ORG_ADMIN}),
}
NETWORK_ACTIONS = {"cop.view", "cop.health"}

# Actions on one CoP, answered from the user's role in it.
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


class CopPolicy:
    """Answers core's object-level questions about CoPs, trainings and assessments."""

    def can(self, user: User | AnonymousUser | None, action: str, obj: Any) -> bool:
        if action in COP_ACTIONS:
            return self._can_cop(user, action, obj)
        if action == "cop.training.manage":
            return self._can_manage_training(user, obj)
        if action == "cop.assess":
            return self._can_assess(user, obj)
        raise ValueError(f"unknown CoP action {action!r}")

    def filter(
        self, user: User | AnonymousUser | None, action: str, queryset: QuerySet[M], **kwargs: Any
    ) -> QuerySet[M]:
        if user is None or not user.is_authenticated:
            return queryset.none()
        if action == "cop.read":
            return self._readable(user, queryset, cop_field=kwargs.get("cop_field", ""))
        if action == "cop.supervision":
            return self._supervision_logs(user, queryset)
        if action == "cop.assessment":
            return queryset.filter(Q(practitioner=user) | Q(assessor=user))
        if action == "cop.training":
            return self._trainings(user, queryset)
        raise ValueError(f"unknown CoP action {action!r}")

    @staticmethod
    def _can_cop(user: User | AnonymousUser | None, action: str, cop: Any) -> bool:
        role = cop_role(user, cop)
        if action == "cop.read":
            return role is not None or (
                not cop.is_private and cop.is_active and permissions.can(user, "cop.view")
            )
        if action == "cop.join":
            return (
                role is None
                and not cop.is_private
                and cop.is_active
                and bool(permissions.scope_of(user).orgs_for("cop.view"))
            )
        if action == "cop.contribute":
            return role is not None and cop.is_active
        if action == "cop.supervise":
            return role in {"facilitator", "supervisor"} and cop.is_active
        if action == "cop.health":
            return role == "facilitator" or permissions.can(user, "cop.health", cop.host, cop.area)
        return role == "facilitator"

    @staticmethod
    def _readable(user: Any, queryset: QuerySet[M], *, cop_field: str) -> QuerySet[M]:
        """Open active CoPs for anyone with `cop.view`; private ones for current members."""
        from carenet.cop.models import CopMember

        prefix = f"{cop_field}__" if cop_field else ""
        member_of = CopMember.objects.filter(user=user, left_on__isnull=True).values("cop_id")
        condition = Q(**{f"{prefix}pk__in": member_of})
        if permissions.can(user, "cop.view"):
            condition |= Q(**{f"{prefix}visibility": "open", f"{prefix}is_active": True})
        return queryset.filter(condition)

    @staticmethod
    def _supervision_logs(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
        """Supervision logs the user gave or received."""
        from carenet.cop.models import SupervisionLog

        received = SupervisionLog.supervisees.through.objects.filter(user_id=user.pk)
        return queryset.filter(Q(supervisor=user) | Q(pk__in=received.values("supervisionlog_id")))

    @staticmethod
    def _trainings(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
        """Trainings the user gives or takes, and those of organisations where the user may
        organise trainings."""
        from carenet.cop.models import Training, TrainingParticipant

        scope = permissions.scope_of(user)
        if scope.superuser:
            return queryset
        taken = TrainingParticipant.objects.filter(user_id=user.pk).values("training_id")
        given = Training.trainers.through.objects.filter(user_id=user.pk).values("training_id")
        return queryset.filter(
            Q(pk__in=given) | Q(pk__in=taken) | Q(issuer__in=scope.orgs_for("cop.train"))
        )

    @staticmethod
    def _can_manage_training(user: User | AnonymousUser | None, training: Any) -> bool:
        """Trainers of a training and the admins of its organisation manage it."""
        scope = permissions.scope_of(user)
        if scope.superuser:
            return True
        if user is None or not user.is_authenticated:
            return False
        if scope.roles.get(training.issuer_id) == Role.ORG_ADMIN:
            return True
        return training.trainers.filter(pk=user.pk).exists()

    @staticmethod
    def _can_assess(user: User | AnonymousUser | None, practitioner: Any) -> bool:
        """Facilitators and supervisors assess the members of their CoPs; trainers assess the
        participants of their trainings. Nobody assesses themselves here."""
        from carenet.cop.models import CopMember, TrainingParticipant

        if user is None or not user.is_authenticated or practitioner.pk == user.pk:
            return False
        led = CopMember.objects.filter(
            user=user, left_on__isnull=True, role__in=["facilitator", "supervisor"]
        ).values("cop_id")
        if CopMember.objects.filter(
            user=practitioner, left_on__isnull=True, cop_id__in=led
        ).exists():
            return True
        return TrainingParticipant.objects.filter(
            user=practitioner, training__trainers=user
        ).exists()


def register() -> None:
    permissions.register(
        org_actions=ORG_ACTIONS, network_actions=NETWORK_ACTIONS, policy=CopPolicy()
    )
