"""Optimistic locking for forms that may be sent late (from a device's offline queue).

A form carries the version of what it shows (`version_of(...)` of the values it was built
from) in a hidden `_version` field; the view calls `check_version` before saving. If the
record changed since the form was opened, `Conflict` says so instead of overwriting: the
offline queue shows the message beside the entry, a browser shows it as a page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

FIELD = "_version"


class Conflict(Exception):  # noqa: N818 - reads as what happened, like Http404
    """The entry cannot be applied as it is: says why, in the person's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def version_of(*values: Any) -> str:
    """A short stamp of the values a form shows; it changes when any of them changes."""
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


def check_version(request: HttpRequest, current: str) -> None:
    """Raise `Conflict` when the form was opened on another version of the record."""
    sent = request.POST.get(FIELD, "")
    if sent and sent != current:
        raise Conflict(
            _(
                "This record was changed by someone else after the form was opened. "
                "Open it again and enter your changes once more."
            )
        )
