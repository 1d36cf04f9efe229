"""Spam and flood protection of the public forms (feedback, complaints, volunteer
applications), without third-party captchas.

* A honeypot field that people do not see (and screen readers skip) but form-filling bots do.
* A signed token with the time the form was shown: a form sent sooner than
  `MIN_FILL_SECONDS` after it was shown, or after `MAX_AGE_SECONDS`, is refused.
* A rate limit per client address in Django's cache. The key is a keyed hash of the address
  and the day, so neither the cache nor the database ever holds the address itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_FILL_SECONDS = 3
MAX_AGE_SECONDS = 6 * 3600
RATE_LIMIT = 20  # forms sent per client address ...
RATE_WINDOW_SECONDS = 3600  # ... within this many seconds
HONEYPOT = "website"
_SALT = "carenet.feedback.form"  # kept: forms shown before an upgrade still send


def issue_token(target: str, now: float | None = None) -> str:
    """A token saying when the form for `target` (a site or service uuid) was shown."""
    return signing.dumps(
        {"t": int(now if now is not None else time.time()), "o": target}, salt=_SALT
    )


def check_token(token: str, target: str, now: float | None = None) -> str:
    """ "" when the token is good; else why not: "invalid", "too_fast" or "expired"."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return "invalid"
    if not isinstance(data, dict) or data.get("o") != target or not isinstance(data.get("t"), int):
        return "invalid"
    age = (now if now is not None else time.time()) - data["t"]
    if age < MIN_FILL_SECONDS:
        return "too_fast"
    if age > MAX_AGE_SECONDS:
        return "expired"
    return ""


def _client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR") or "unknown"
    day = timezone.now().date().isoformat()
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{day}|{address}".encode(), hashlib.sha256
    ).hexdigest()
    return f"public-form:rate:{digest[:32]}"


def over_limit(request: HttpRequest) -> bool:
    """Count one form sent from this client; True when it is over the limit."""
    key = _client_key(request)
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > RATE_LIMIT


# Markup or script in free text: tags, javascript: URLs, event handlers.
_MARKUP = re.compile(r"<\s*/?\s*[a-z!]|javascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)
PLAIN_TEXT = _("Please write plain text, without HTML or scripts.")
TOKEN_ERRORS = {
    "invalid": _("The form could not be sent. Please open the page again and retry."),
    "too_fast": _("The form was sent too quickly. Please check your answers and send it again."),
    "expired": _("The form was open for too long. Please send it again."),
}


def plain(value: str) -> str:
    value = value.strip()
    if _MARKUP.search(value):
        raise ValidationError(PLAIN_TEXT, code="markup")
    return value


class PublicForm(forms.Form):
    """The anti-spam fields every public form carries: a honeypot and the signed token."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, target: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target = target
        if not self.is_bound:
            self.initial["token"] = issue_token(target)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(TOKEN_ERRORS["invalid"], code="honeypot")
        return ""

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        problem = check_token(token, self.target)
        if problem:
            raise ValidationError(TOKEN_ERRORS[problem], code=problem)
        return token

    def fresh_token(self) -> str:
        """A new token for the form shown again after an error."""
        return issue_token(self.target)
