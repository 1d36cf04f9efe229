"""Telling the other side of a referral what changed: an in-app notification and an e-mail.

Neither ever carries personal data: only the referral code, what happened and a link. The
e-mail is queued with `transaction.on_commit`, so nothing is sent for a change that rolls back.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carenet.accounts.models import User
from carenet.core import permissions
from carenet.referrals.models import Notification, Referral

if TYPE_CHECKING:
    from carenet.accounts.models import Organisation

logger = logging.getLogger(__name__)

# What the other side is told, by event (a transition's name, or a consent change).
EVENTS: dict[str, str | Promise] = {
    "send": _("New referral for your organisation"),
    "acknowledge": _("The receiver acknowledged the referral"),
    "accept": _("The receiver accepted the referral"),
    "decline": _("The receiver declined the referral"),
    "start": _("The service has started"),
    "no_show": _("The person did not attend"),
    "complete": _("The service is completed: the outcome is ready"),
    "cancel": _("The referrer cancelled the referral"),
    "revoke": _("The referrer's manager revoked the referral"),
    "consent_withdrawn": _("Consent to share this person's information was withdrawn"),
}


_WITHOUT_EMAIL: ContextVar[bool] = ContextVar("referrals_without_email", default=False)


@contextmanager
def without_email() -> Iterator[None]:
    """In-app notifications only, no e-mail queued (used by the demo builder)."""
    token = _WITHOUT_EMAIL.set(True)
    try:
        yield
    finally:
        _WITHOUT_EMAIL.reset(token)


def event_label(event: str) -> str:
    return str(EVENTS.get(event, event))


def notify(referral: Referral, event: str, organisation: Organisation) -> Notification:
    """Notify `organisation` (one side of the referral) of `event`; e-mail after commit."""
    notification = Notification.objects.create(
        organisation=organisation, referral=referral, event=event
    )
    if not _WITHOUT_EMAIL.get():
        from carenet.referrals.tasks import send_notification_email

        transaction.on_commit(functools.partial(send_notification_email.enqueue, notification.pk))
    return notification


def recipients(notification: Notification) -> list[User]:
    """Who gets the e-mail: the referral's author on the referring side (while they still
    handle referrals there), otherwise everyone who handles referrals in the organisation."""
    roles = [str(r) for r in permissions.ORG_ACTIONS["referral.handle"]]
    handlers = User.objects.filter(
        memberships__organisation=notification.organisation,
        memberships__role__in=roles,
        is_active=True,
    ).order_by("pk")
    referral = notification.referral
    if notification.organisation_id == referral.from_organisation_id and referral.created_by_id:
        author = handlers.filter(pk=referral.created_by_id)
        if author.exists():
            return list(author)
    return list(handlers)


def link(referral: Referral) -> str:
    return settings.CARENET_SITE_URL.rstrip("/") + reverse(
        "referrals:detail", kwargs={"uuid": referral.uuid}
    )


def send_email(notification: Notification) -> int:
    """Send the notification's e-mail to each recipient in their language; returns how many."""
    referral = notification.referral
    template = "referral-received" if notification.event == "send" else "referral-updated"
    sent = 0
    for user in recipients(notification):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            context = {
                "code": referral.code,
                "event": event_label(notification.event),
                "link": link(referral),
                "urgency": referral.get_urgency_display(),
            }
            subject = render_to_string(f"referrals/email/{template}-subject.txt", context)
            text = render_to_string(f"referrals/email/{template}-body.txt", context)
            html = render_to_string(f"referrals/email/{template}-body.html", context)
        message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[user.email])
        message.attach_alternative(html, "text/html")
        message.send()
        sent += 1
    logger.info(
        "referral notification e-mailed notification=%s referral=%s recipients=%d",
        notification.uuid,
        referral.uuid,
        sent,
    )
    return sent
