"""Small helpers shared by the community views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest
from django.utils import timezone

from carenet.community import queries

if TYPE_CHECKING:
    from carenet.accounts.models import User


def require_app(request: HttpRequest) -> None:
    """The community pages are for members of an organisation and coordinators."""
    if not queries.may_use_community_app(request.user):
        raise PermissionDenied


def require_edit_somewhere(request: HttpRequest) -> None:
    if not queries.may_record_somewhere(request.user):
        raise PermissionDenied


def today() -> Any:
    return timezone.localdate()


def form_error(form: Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form."""
    form.add_error(None, exc)


def saved(request: HttpRequest, text: str) -> None:
    messages.success(request, text)


def can_record(request: HttpRequest) -> bool:
    """Whether to offer "record ..." links: the user may edit somewhere."""
    return queries.may_record_somewhere(request.user)


def actor(request: HttpRequest) -> User:
    """The signed-in user who acts (every view that writes is behind `login_required`)."""
    return cast("User", request.user)
