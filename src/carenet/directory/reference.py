"""Reference data the public search reads on every request: code lists and areas.

The search form shows six code lists in the visitor's language on every request; they change
a few times a year. Each is kept in Django's cache (`cache.get_or_set`, per scheme and
language, for `TTL` seconds) and dropped when one of its terms or its scheme is saved
(`apps.py` connects `forget`); bulk loads write without signals and are seen after `TTL`.
Areas are read from the database: one indexed query each (see docs/performance.md for what
keeping them in memory saved, and why it went).
"""

from __future__ import annotations

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


def forget(sender: type, instance: Any, **kwargs: Any) -> None:
    """Drop the kept lists of the scheme of a saved or deleted term or scheme (a receiver)."""
    scheme = instance.code if isinstance(instance, Scheme) else instance.scheme.code
    cache.delete_many([_key(scheme, code) for code, _name in settings.LANGUAGES])


def area(pcode: str) -> AdminArea | None:
    """The area with this P-code, without its boundary; None when the gazetteer has none."""
    return AdminArea.objects.filter(pcode=normalise_pcode(pcode)).defer("boundary").first()


def regions(pcodes: Iterable[str]) -> list[AdminArea]:
    """These oblasts and voivodeships with their boundaries, by P-code order (results maps)."""
    return list(AdminArea.objects.filter(level=1, pcode__in=list(pcodes)).order_by("pcode"))
