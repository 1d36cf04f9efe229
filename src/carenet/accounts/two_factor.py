"""TOTP devices (django-otp): one authenticator app per user, confirmed by a first code."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from carenet.core import audit
from carenet.core.models import AuditAction


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
