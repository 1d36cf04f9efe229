"""Entries sent from a device's offline queue: idempotent, and answered in a form the queue reads.

A request from the queue carries `X-Idempotency-Key` (a UUID chosen on the device) and
`X-CareNet-Offline: 1`. An ordinary form may carry the same key as a hidden
`_idempotency_key` field, so a double submission saves once.

* First arrival: the view runs in a transaction; if it saved (answered with a redirect), a
  `SyncReceipt` is written in the same transaction.
* A retry (the answer was lost on the way back): the receipt's answer, nothing saved again.
* For the queue, a redirect becomes `{"saved": true}`; a `core.versions.Conflict` raised by a
  view or a service (the record changed meanwhile, the month is locked) becomes 409 with its
  message. A page with form errors stays a page: the queue shows its error list.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from carenet.core.versions import Conflict
from carenet.offline.models import SyncReceipt

HEADER = "X-Idempotency-Key"
FIELD = "_idempotency_key"


def from_queue(request: HttpRequest) -> bool:
    return request.headers.get("X-CareNet-Offline") == "1"


def idempotency_key(request: HttpRequest) -> uuid.UUID | None:
    raw = request.headers.get(HEADER) or (
        request.POST.get(FIELD, "") if request.method == "POST" else ""
    )
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not request.user.is_authenticated:
            return self.get_response(request)
        key = idempotency_key(request)
        if key is None:
            return self._answer(request, self.get_response(request), replayed=False)
        receipt = SyncReceipt.objects.filter(user=request.user, key=key).first()
        if receipt is not None:
            return self._replay(request, receipt)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                elif _saved(response):
                    SyncReceipt.objects.create(
                        user=request.user,
                        key=key,
                        path=request.path[:500],
                        status_code=response.status_code,
                        location=response["Location"][:500],
                    )
        except IntegrityError:  # the same key arrived twice at once: the other one saved it
            receipt = SyncReceipt.objects.get(user=request.user, key=key)
            return self._replay(request, receipt)
        return self._answer(request, response, replayed=False)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Conflict):
            return None
        if from_queue(request):
            return JsonResponse({"saved": False, "message": exception.message}, status=409)
        return render(request, "offline/conflict.html", {"message": exception.message}, status=409)

    def _replay(self, request: HttpRequest, receipt: SyncReceipt) -> HttpResponse:
        if receipt.path != request.path[:500]:
            message = _("This entry's key was already used for another form.")
            if from_queue(request):
                return JsonResponse({"saved": False, "message": message}, status=409)
            return render(request, "offline/conflict.html", {"message": message}, status=409)
        return self._answer(request, HttpResponseRedirect(receipt.location), replayed=True)

    @staticmethod
    def _answer(request: HttpRequest, response: HttpResponse, *, replayed: bool) -> HttpResponse:
        if from_queue(request) and _saved(response):
            return JsonResponse(
                {"saved": True, "replayed": replayed, "location": response["Location"]}
            )
        return response


def _saved(response: HttpResponse) -> bool:
    return 300 <= response.status_code < 400 and response.has_header("Location")
