"""Helpers shared by the CoP views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from carenet.core import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from carenet.accounts.models import Organisation, User
    from carenet.cop.models import CommunityOfPractice


def user(request: HttpRequest) -> User:
    """The signed-in user (every view that calls this is behind login_required)."""
    return cast("User", request.user)


def require_network(request: HttpRequest) -> None:
    """CoP pages are for people of the network: members of an organisation or coordinators."""
    if not permissions.can(request.user, "cop.view"):
        raise PermissionDenied


def may_act_for(request: HttpRequest, action: str) -> bool:
    """Whether the user may take `action` for the organisation they act for."""
    organisation = getattr(request, "acting_organisation", None)
    return organisation is not None and permissions.can(request.user, action, organisation)


def acting_organisation(request: HttpRequest, action: str) -> Organisation:
    """The organisation the user acts for, if they may take `action` in it; else 403."""
    organisation = getattr(request, "acting_organisation", None)
    permissions.require(request.user, action, organisation, hide=False)
    if organisation is None:
        raise PermissionDenied
    return cast("Organisation", organisation)


def flags(user: User | AnonymousUser, cop: CommunityOfPractice) -> dict[str, bool]:
    """What the user may do in this CoP, for the templates (decided by core.permissions)."""
    return {
        action: permissions.can_on(user, f"cop.{action}", cop)
        for action in ("read", "contribute", "supervise", "facilitate", "health", "join")
    }


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def query_value(params: Any, name: str, limit: int = 100) -> str:
    return str(params.get(name, "")).strip()[:limit]
