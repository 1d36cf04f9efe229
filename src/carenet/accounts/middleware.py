"""Per-request account context: the organisation a user acts for, and the 2FA gate."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from carenet.accounts import queries
from carenet.core import permissions

SESSION_KEY = "carenet_acting_org"


class ActingOrganisationMiddleware:
    """Sets `request.acting_organisation`: the organisation chosen in the session, or the
    user's first membership. Only organisations the user belongs to can be chosen."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting_organisation = queries.acting_organisation(  # type: ignore[attr-defined]
            request.user, request.session.get(SESSION_KEY)
        )
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Sends users whose role reaches client data to set up or enter a one-time code."""

    EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/jsi18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and permissions.needs_two_factor(user)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
