"""Error pages that say no without saying too much.

* `CannotChange`: raised by an edit view when the person may see the object but not change
  it (a viewer opening an edit URL). They get a translated page saying so, with a way back
  to the object, instead of a bare "not found". Raise it only after the object was found
  through the app's access-checked query: to anyone who may not see it, it stays a 404.
* In development (DEBUG) Django answers a view's `Http404` with its technical page, whose
  message tells "no such object" from "not yours" (a private community's document). The
  middleware answers it with the ordinary 404 page in every mode; URLs that match no route
  keep Django's technical page in development.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


class CannotChange(PermissionDenied):
    """The object is visible to this person, who may not change it (a 403 with its own
    page: code that expects PermissionDenied keeps working)."""

    def __init__(self, back_url: str = "", what: str = "") -> None:
        super().__init__(what)
        self.back_url = back_url
        self.what = what


def cannot_change_response(request: HttpRequest, exc: CannotChange) -> HttpResponse:
    context = {"back_url": exc.back_url, "what": exc.what}
    return render(request, "errors/cannot_change.html", context, status=403)


class ErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, CannotChange):
            return cannot_change_response(request, exc)
        if isinstance(exc, Http404):
            from carenet.core.views import page_not_found

            return page_not_found(request, exc)
        return None
