"""People invited straight into a CoP or a training: what accepting does.

The CoP app owns CoPs and trainings; accepting goes through its services, acting as the
person who invited (whose right to add people is checked again then)."""

from __future__ import annotations

from carenet.accounts import queries as account_queries
from carenet.accounts import services as account_services
from carenet.accounts.models import Invitation, InvitationKind, Organisation, Role, User


def _accept_cop(invitation: Invitation, user: User) -> None:
    from carenet.cop import services as cop_services
    from carenet.cop.queries import community as cop_queries

    inviter = _inviter(invitation)
    cop = cop_queries.cop_for(inviter, invitation.target)
    cop_services.member_add(
        actor=inviter,
        cop=cop,
        user=user,
        organisation=_organisation_for(invitation, user),
        profession=None,
    )


def _accept_training(invitation: Invitation, user: User) -> None:
    from carenet.cop import services as training_services
    from carenet.cop.queries import learning

    inviter = _inviter(invitation)
    training = learning.training_to_manage(inviter, invitation.target)
    if invitation.kind == InvitationKind.TRAINER:
        training_services.trainer_add(actor=inviter, training=training, user=user)
    else:
        training_services.participant_add(actor=inviter, training=training, user=user)


def _inviter(invitation: Invitation) -> User:
    if invitation.invited_by is None or not invitation.invited_by.is_active:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(_("The person who invited you can no longer add people."))
    return invitation.invited_by


def _organisation_for(invitation: Invitation, user: User) -> Organisation:
    """A CoP member takes part for an organisation: the CoP's host if they work there, else
    their own; a person from outside the network (a volunteer, a teacher) joins the host as a
    viewer, the lowest role."""
    memberships = list(account_queries.memberships_of(user))
    for m in memberships:
        if m.organisation_id == invitation.organisation_id:
            return m.organisation
    if memberships:
        return memberships[0].organisation
    account_services.membership_set(
        actor=invitation.invited_by,
        user=user,
        organisation=invitation.organisation,
        role=Role.VIEWER,
    )
    return invitation.organisation


def register() -> None:
    account_services.register_acceptor(InvitationKind.COP, _accept_cop)
    account_services.register_acceptor(InvitationKind.TRAINING, _accept_training)
    account_services.register_acceptor(InvitationKind.TRAINER, _accept_training)
