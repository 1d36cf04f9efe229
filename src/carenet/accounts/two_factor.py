"""TOTP devices (django-otp): one authenticator app per user, confirmed by a first code.

First-time set-up shows the device's secret. For a role that sees client data a password
alone must not be enough to see it (a stolen password would let the thief enrol their own
authenticator), so the secret is shown only to a session holding an enrolment grant, which
comes from a fresh link: e-mailed to the account's address on request, or issued by an
administrator (`carenet two-factor-link <e-mail>`). The link is a signed token, no table:
it names the user and a digest of their password hash and confirmed devices, so it stops
working once used to confirm a device, when the password changes, or after
`ENROL_LINK_SECONDS`. Opening it draws a new secret, so one shown before is worthless.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from carenet.core import audit, permissions
from carenet.core.models import AuditAction

ENROL_SALT = "carenet.accounts.two_factor.enrol"
ENROL_LINK_SECONDS = 24 * 3600  # how long an e-mailed or issued link works
GRANT_SECONDS = 30 * 60  # how long a session that opened the link may finish the set-up
RESEND_SECONDS = 60  # at most one e-mail a minute per session
SESSION_GRANT = "carenet_2fa_enrol"
SESSION_SENT = "carenet_2fa_enrol_sent"


def device_for(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def verify(device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(AuditAction.PERMISSION, actor=device.user, detail="two-factor set up")
    return True


def secret_b32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP")


# --- enrolment: who may see a new secret --------------------------------------------------------


def enrolment_guarded(user: Any) -> bool:
    """Whether this user's first set-up needs an enrolment link (roles that see client data)."""
    return permissions.needs_two_factor(user)


def may_enrol(session: SessionBase, user: Any) -> bool:
    """May this session see a new secret for `user`?"""
    if not enrolment_guarded(user):
        return True
    grant = session.get(SESSION_GRANT) or {}
    fresh = time.time() - float(grant.get("at", 0)) < GRANT_SECONDS
    return bool(grant.get("user") == user.pk and fresh)


def _state(user: Any) -> str:
    """Changes when the password changes or a device is confirmed: old links stop working."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).count()
    return salted_hmac(ENROL_SALT, f"{user.pk}:{user.password}:{confirmed}").hexdigest()[:24]


def enrolment_token(user: Any) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=ENROL_SALT)


def enrolment_url(user: Any) -> str:
    token = enrolment_token(user)
    path = reverse("accounts:two_factor_enrol", args=[token])
    return settings.CARENET_SITE_URL.rstrip("/") + path


def token_is_valid(user: Any, token: str) -> bool:
    try:
        data = signing.loads(token, salt=ENROL_SALT, max_age=ENROL_LINK_SECONDS)
    except signing.BadSignature:  # also expired
        return False
    return bool(data.get("u") == user.pk and data.get("s") == _state(user))


@transaction.atomic
def enrolment_open(session: SessionBase, user: Any, token: str) -> bool:
    """Open an enrolment link in a signed-in session: grant it the set-up, with a new
    secret. False when the link is not this user's, is used or has expired."""
    if not token_is_valid(user, token):
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=False):
        device.key = random_hex(20)
        device.save(update_fields=["key"])
    session[SESSION_GRANT] = {"user": user.pk, "at": time.time()}
    audit.record(AuditAction.PERMISSION, actor=user, detail="two-factor enrolment link opened")
    return True


def enrolment_send(session: SessionBase, user: Any) -> bool:
    """E-mail the user a set-up link (not more than once a minute per session)."""
    last = float(session.get(SESSION_SENT, 0))
    if time.time() - last < RESEND_SECONDS:
        return False
    context = {"url": enrolment_url(user), "hours": ENROL_LINK_SECONDS // 3600}
    subject = render_to_string("accounts/email/two-factor-enrol-subject.txt", context)
    text = render_to_string("accounts/email/two-factor-enrol-body.txt", context)
    html = render_to_string("accounts/email/two-factor-enrol-body.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    session[SESSION_SENT] = time.time()
    audit.record(AuditAction.PERMISSION, actor=user, detail="two-factor enrolment link sent")
    return True
