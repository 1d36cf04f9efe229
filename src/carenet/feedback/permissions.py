"""Who reads which complaint: the object-level rules of the feedback app.

* A complaint in a sensitive category (abuse, exploitation, misconduct by staff) is read
  only by the safeguarding focal point its organisation designated, while they are a member
  of it. No coordinator, superuser or organisation admin exception.
* Other complaints are read by the roles of `feedback.complaints` in the organisation.
* The staff member a complaint is about never reads it, whatever their role.

Everyone else gets 404 (`permissions.require_on`): an outsider cannot tell a complaint exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet

from carenet.accounts.models import Role
from carenet.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import User

M = TypeVar("M", bound=Model)

ORG_ACTIONS = {
    # anonymous feedback of the organisation's sites: read, assign themes, respond
    "feedback.view": {Role.ORG_ADMIN, Role.FOCAL_POINT},
    "feedback.respond": {Role.ORG_ADMIN, Role.FOCAL_POINT},
    # complaints that are not sensitive (the policy adds the focal point's sensitive ones)
    "feedback.complaints": {Role.ORG_ADMIN, Role.FOCAL_POINT},
    # due times and the safeguarding focal point
    "feedback.settings": {Role.ORG_ADMIN},
    # satisfaction trends, response times and themes (suppressed below the minimum cell)
    "feedback.insights": {Role.ORG_ADMIN, Role.FOCAL_POINT},
}
NETWORK_ACTIONS = {"feedback.insights"}
COMPLAINT = "feedback.complaint"


def safeguarding_orgs(user: User | AnonymousUser | None) -> list[int]:
    """The organisations where `user` is the designated safeguarding focal point (and a
    member)."""
    from carenet.feedback.models import ComplaintPolicy

    if user is None or not user.is_authenticated:
        return []
    member_of = list(permissions.scope_of(user).roles)
    return list(
        ComplaintPolicy.objects.filter(
            safeguarding_focal_point_id=user.pk, organisation_id__in=member_of
        ).values_list("organisation_id", flat=True)
    )


class FeedbackPolicy:
    """Registered for the `feedback.` actions; answers `feedback.complaint`."""

    def can(self, user: User | AnonymousUser | None, action: str, obj: Any) -> bool:
        if action != COMPLAINT:
            raise ValueError(f"unknown object action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if obj.subject_user_id is not None and obj.subject_user_id == user.pk:
            return False
        if obj.sensitive:
            return obj.organisation_id in safeguarding_orgs(user)
        return permissions.acts_for(user, "feedback.complaints", obj.organisation)

    def filter(
        self,
        user: User | AnonymousUser | None,
        action: str,
        queryset: QuerySet[M],
        **kwargs: Any,
    ) -> QuerySet[M]:
        if action != COMPLAINT:
            raise ValueError(f"unknown object action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return queryset.none()
        handled = permissions.scope_of(user).orgs_for("feedback.complaints")
        allowed = Q(sensitive=False, organisation_id__in=handled) | Q(
            sensitive=True, organisation_id__in=safeguarding_orgs(user)
        )
        return queryset.filter(allowed).exclude(subject_user_id=user.pk)


def register() -> None:
    permissions.register(
        org_actions=ORG_ACTIONS, network_actions=NETWORK_ACTIONS, policy=FeedbackPolicy()
    )
