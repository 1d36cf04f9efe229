"""Sending one templated e-mail in the recipient's language.

Templates come in threes, as everywhere in CareNet: `<name>-subject.txt`, `<name>-body.txt`
and `<name>-body.html`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute(path: str) -> str:
    """`path` on the site's public address (CARENET_SITE_URL)."""
    return settings.CARENET_SITE_URL.rstrip("/") + path


def link(viewname: str, **kwargs: Any) -> str:
    return absolute(reverse(viewname, kwargs=kwargs or None))


def send(template: str, to: str, context: dict[str, Any], language: str = "") -> None:
    """Render `template` (e.g. "accounts/email/invitation") and send it to one address."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}-subject.txt", context)
        text = render_to_string(f"{template}-body.txt", context)
        html = render_to_string(f"{template}-body.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
