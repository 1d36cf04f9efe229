"""Template tags of the page shell (base.html)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.simple_tag(takes_context=True)
def return_path(context: dict[str, Any]) -> str:
    """Where the language and organisation switchers send the person back to, with GET.

    A page shown in answer to a POST (a form with errors) may sit at a URL that only takes
    POST: going back there with GET would answer 405. Such a page returns to the page the
    form was on (the Referer, when it is this site's), else to the home page."""
    request = context.get("request")
    if request is None:
        return "/"
    if request.method in ("GET", "HEAD"):
        return str(request.get_full_path())
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"
