"""Request checks that hold for every page and API."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


class RejectNullCharactersMiddleware:
    """Answers 400 to a path or query parameter holding a NUL character.

    No text we store may contain one (PostgreSQL refuses it), and no person types one:
    such a request is broken or hostile, so it stops here with the translated 400 page
    instead of reaching a query. Form fields refuse NUL on their own (Django's
    `ProhibitNullCharactersValidator`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)
