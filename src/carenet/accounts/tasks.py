"""Background work of accounts: the invitation e-mail."""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from carenet.accounts import mail
from carenet.accounts.models import Invitation

logger = logging.getLogger(__name__)


@task()
def send_invitation(invitation_id: int, token: str) -> bool:
    """E-mail the invitation link (the one copy of its token) to the invited address."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation.name,
        "inviter": (inviter.full_name or inviter.email) if inviter else "",
        "what": invitation.target_label or invitation.organisation.name,
        "role": invitation.get_role_display() if invitation.role else "",
        "link": mail.link("accounts:invitation", token=token),
        "expires_at": invitation.expires_at,
    }
    mail.send("accounts/email/invitation", invitation.email, context)
    logger.info("invitation e-mailed invitation=%s", invitation.uuid)
    return True


@task()
def send_rendered(subject: str, text: str, html: str, to: str) -> None:
    """Send an e-mail rendered in the request (the password reset link)."""
    message = EmailMultiAlternatives(subject, text, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
