"""Sign-in events reach the audit log here: Django announces them only as signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from carenet.core import audit
from carenet.core.models import AuditAction


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit.record(AuditAction.SIGN_IN, actor=user, request=request)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(AuditAction.SIGN_OUT, actor=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The attempted address is recorded only as the account it names, if any: never the
    # typed text (it may be a password typed into the wrong field).
    attempted = str(credentials.get("username") or credentials.get("email") or "")
    user = get_user_model().objects.filter(email__iexact=attempted).first() if attempted else None
    entry_actor = None
    audit.record(
        AuditAction.SIGN_IN_FAILED,
        actor=entry_actor,
        request=request,
        obj=user,
        detail="unknown account" if user is None else "",
    )
