"""Reference data the public search reads on every request: code lists and areas.

The search form shows six code lists in the visitor's language on every request; they change
a few times a year. Each is kept in Django's cache (`cache.get_or_set`, per scheme and
language, for `TTL` seconds) and dropped when one of its terms or its scheme is saved
(`apps.py` connects `forget`); bulk loads write without signals and are seen after `TTL`.
The rendered filters of the form are kept too, per language and chosen values (template
fragment caching in `_search_form.html`, varying on `version()`).
Areas looked up by P-code and the regions a results map draws are kept the same way
(areas change when the gazetteer is reloaded, a few times a year). What each piece of
caching saves is in docs/performance.md.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from carenet.geo.models import AdminArea
from carenet.geo.queries import normalise_pcode
from carenet.taxonomy.models import Scheme, Term

TTL = 300  # seconds
_VERSION = "directory:terms:version"


@dataclass(frozen=True)
class TermList:
    """The active terms of a code list in one language, ready for a `<select>`."""

    choices: list[tuple[str, str]]  # ("", "—") first
    codes: frozenset[str]


def _key(scheme: str, language: str) -> str:
    return f"directory:terms:{scheme}:{language}"


def term_list(scheme: str) -> TermList:
    """The active terms of `scheme` with their labels in the active language."""

    def build() -> TermList:
        choices = [("", "—"), *((t.code, t.label) for t in Term.objects.of(scheme))]
        return TermList(choices, frozenset(code for code, _label in choices[1:]))

    found = cache.get_or_set(_key(scheme, get_language() or "en"), build, TTL)
    return cast(TermList, found)


def version() -> int:
    """Changes whenever a code list changes: the search form's cached fragment (the filters,
    `_search_form.html`) varies on it."""
    return cast(int, cache.get_or_set(_VERSION, time.time_ns, None))


def forget(sender: type, instance: Any, **kwargs: Any) -> None:
    """Drop the kept lists of the scheme of a saved or deleted term or scheme (a receiver)."""
    scheme = instance.code if isinstance(instance, Scheme) else instance.scheme.code
    cache.delete_many([_key(scheme, code) for code, _name in settings.LANGUAGES])
    cache.set(_VERSION, time.time_ns(), None)


def area(pcode: str) -> AdminArea | None:
    """The area with this P-code, without its boundary; None when the gazetteer has none.
    Kept in the cache (`TTL`): every search for a place looks one up."""
    code = normalise_pcode(pcode)
    # any text a person typed: hashed, so that the key is short and safe for every backend
    digest = hashlib.sha256(code.encode()).hexdigest()
    found = cache.get_or_set(
        f"directory:area:{digest}",
        lambda: AdminArea.objects.filter(pcode=code).defer("boundary").first(),
        TTL,
    )
    return cast(AdminArea | None, found)


def regions(pcodes: Iterable[str]) -> list[AdminArea]:
    """These oblasts and voivodeships with their boundaries, by P-code order: every results
    map draws some, and their geometry is the heaviest thing it loads (kept in the cache)."""
    keys = {f"directory:region:{p}": p for p in sorted(set(pcodes))}
    found = cache.get_many(list(keys))
    missing = [p for key, p in keys.items() if key not in found]
    if missing:
        loaded = {
            f"directory:region:{a.pcode}": a
            for a in AdminArea.objects.filter(level=1, pcode__in=missing)
        }
        cache.set_many(loaded, TTL)
        found |= loaded
    return [found[key] for key in keys if key in found]
