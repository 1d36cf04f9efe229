"""Pages whose frame is the same for every visitor who is not signed in.

The public search is the busiest page of the site, and most of what it shows around its
results (the header, the language switcher, the footer, the links to styles and scripts)
is the same for every visitor in one language. `render` renders such a page's template once
per language with a marker in place of each part that changes per request (the `live`
context entries, the CSRF token, the page's own address), keeps the pieces, and per request
only joins them with those parts:

    return frames.render(request, "directory/search.html", context, live=("form_html",))

Signed-in users and visitors with a message waiting get the template rendered in full, as
`django.shortcuts.render` does: their header shows their name, menu or messages.
`tests/test_frames.py` checks that both ways give the same page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render as render_in_full
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.translation import get_language

# Cannot occur in rendered output: escaping leaves it, and no stored or requested text
# holds it (forms refuse it, `RejectNullCharactersMiddleware` answers 400 to it).
MARK = "\x00"
_CSRF, _PATH = "csrf_token", "full_path"

_frames: dict[tuple[Any, ...], list[str]] = {}


class _FrameRequest:
    """What templates read of `request` while the frame is rendered: only markers."""

    GET: Mapping[str, str] = {}

    def get_full_path(self) -> str:
        return f"{MARK}{_PATH}{MARK}"


def render(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, live: Sequence[str]
) -> HttpResponse:
    """`django.shortcuts.render`, with the frame kept when the visitor is not signed in.

    `live` names the context entries that change per request: each must be a safe string
    (already rendered and escaped). Every other entry must be the same for every visitor
    in a language, for as long as the process runs."""
    if request.user.is_authenticated or len(get_messages(request)):
        return render_in_full(request, template_name, context)
    parts = _frame(template_name, context, tuple(live))
    fill = {name: str(context[name]) for name in live}
    fill[_CSRF] = escape(get_token(request))
    fill[_PATH] = escape(request.get_full_path())
    # parts alternate: frame, marker name, frame, ... (the frame is template output)
    return HttpResponse("".join(part if i % 2 == 0 else fill[part] for i, part in enumerate(parts)))


def _frame(template_name: str, context: dict[str, Any], live: tuple[str, ...]) -> list[str]:
    key = (template_name, live, get_language(), get_script_prefix())
    parts = _frames.get(key)
    if parts is None:
        markers = {name: f"{MARK}{name}{MARK}" for name in (*live, _CSRF)}
        frame_context = {
            **context,
            **markers,
            "request": _FrameRequest(),
            "user": AnonymousUser(),
            "messages": (),
        }
        parts = render_to_string(template_name, frame_context).split(MARK)
        if not settings.DEBUG:  # while developing, templates change under a running server
            _frames[key] = parts
    return parts


def forget() -> None:
    """Drop the kept frames (tests that change templates or settings)."""
    _frames.clear()
