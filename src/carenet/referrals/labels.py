"""Code-list labels in the reader's language (codes are stored; people read labels)."""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import get_language

from carenet.taxonomy import queries as taxonomy

_TTL = 300  # seconds; code lists change rarely and an edit shows within minutes


def _labels(scheme: str) -> list[tuple[str, str]]:
    lang = (get_language() or "en")[:2]
    key = f"referrals:terms:{scheme}:{lang}"
    cached = cache.get(key)
    if cached is None:
        cached = [(t.code, t.label) for t in taxonomy.terms(scheme)]
        cache.set(key, cached, _TTL)
    return cached


def term_choices(scheme: str) -> list[tuple[str, str]]:
    """(code, "code label") pairs of a scheme's current, active terms."""
    return [
        (code, f"{code} {label}" if scheme == "iasc-4w" else label)
        for code, label in _labels(scheme)
    ]


def term_label(scheme: str, code: str) -> str:
    """The label of `code` in `scheme`, or the code itself when it is unknown."""
    if not code:
        return ""
    return dict(_labels(scheme)).get(code, code)
