"""Reference data the public search reads on every request, kept in process memory.

The search page shows six code lists, resolves a place by its P-code and draws the regions
around its results on every request; code lists and the gazetteer change a few times a year.
What is kept here is forgotten at once when a term, code list or area is saved or deleted
in this process (`apps.py` connects `forget`), and after `TTL` seconds in any case: bulk
loads write without signals, and other worker processes learn of a change that way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from carenet.geo.models import AdminArea
from carenet.geo.queries import normalise_pcode
from carenet.taxonomy.models import Term

TTL = 300.0  # seconds
AREAS_KEPT = 5000  # P-codes looked up; a bound on memory, not a tuning knob


@dataclass(frozen=True)
class TermList:
    """The active terms of a code list in one language, ready for a `<select>`."""

    choices: list[tuple[str, str]]  # ("", "—") first
    codes: frozenset[str]
    options: str  # the escaped <option> elements, none selected

    def options_html(self, selected: str) -> SafeString:
        """The options with `selected` marked (the value has been checked against `codes`)."""
        html = self.options
        if selected in self.codes:
            plain = format_html('<option value="{}">', selected)
            html = html.replace(plain, plain[:-1] + " selected>", 1)
        return mark_safe(html)  # noqa: S308 - built with format_html, the value escaped


_kept: dict[Any, tuple[float, Any]] = {}  # code lists and regions
_areas: dict[str, tuple[float, AdminArea]] = {}


def _get(store: dict[Any, tuple[float, Any]], key: Any) -> Any:
    found = store.get(key)
    if found is None or time.monotonic() - found[0] > TTL:
        return None
    return found[1]


def _put(store: dict[Any, tuple[float, Any]], key: Any, value: Any) -> Any:
    store[key] = (time.monotonic(), value)
    return value


def forget(*args: Any, **kwargs: Any) -> None:
    """Drop everything kept (also a signal receiver, hence the arguments)."""
    _kept.clear()
    _areas.clear()


def kept(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """`build()`, kept under `key` in the active language: for what is made only from code
    lists and interface text (the empty fields of the search form)."""
    full_key = (*key, get_language() or "en")
    found = _get(_kept, full_key)
    if found is None:
        found = _put(_kept, full_key, build())
    return found


def term_list(scheme: str) -> TermList:
    """The active terms of `scheme` with their labels in the active language."""
    key = ("terms", scheme, get_language() or "en")
    found = _get(_kept, key)
    if found is None:
        choices = [("", "—"), *((t.code, t.label) for t in Term.objects.of(scheme))]
        options = format_html_join("", '<option value="{}">{}</option>', choices)
        found = _put(_kept, key, TermList(choices, frozenset(c for c, _l in choices[1:]), options))
    return found


def area(pcode: str) -> AdminArea | None:
    """The area with this P-code, without its boundary; None when the gazetteer has none.

    Shared between requests: callers read it and never change it."""
    code = normalise_pcode(pcode)
    found = _get(_areas, code)
    if found is None:
        found = AdminArea.objects.filter(pcode=code).defer("boundary").first()
        if found is None:
            return None  # not kept: anyone can type any text
        if len(_areas) >= AREAS_KEPT:
            _areas.clear()
        _put(_areas, code, found)
    return found


def regions() -> dict[str, AdminArea]:
    """Oblasts and voivodeships with their boundaries, by P-code: every results map draws
    some of them, and their geometry is the heaviest thing to load."""
    found = _get(_kept, "regions")
    if found is None:
        found = _put(_kept, "regions", {a.pcode: a for a in AdminArea.objects.filter(level=1)})
    return found
