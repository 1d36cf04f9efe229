"""Reading the code lists: the current version of a scheme, its active terms, in order.

Other apps call these rather than filtering `Term` themselves, so a new scheme version or a
deactivated term takes effect everywhere at once. Code lists are public reference data: no
access filter applies.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext

from carenet.taxonomy.models import Scheme, Term

FOUR_W = "iasc-4w"


class UnknownCode(ValidationError):
    """A code that the current version of a scheme does not hold."""

    def __init__(self, scheme_code: str, code: str) -> None:
        self.scheme_code, self.term_code = scheme_code, code
        super().__init__(
            gettext("Unknown code “%(code)s” in the list “%(scheme)s”.")
            % {"code": code, "scheme": scheme_code},
            code="unknown_code",
        )


def schemes() -> QuerySet[Scheme]:
    """Every scheme version, current ones first within each code."""
    return Scheme.objects.order_by("code", "-is_current", "-version")


def current_scheme(scheme_code: str) -> Scheme | None:
    """The current version of a scheme, or None when none is loaded."""
    return Scheme.objects.filter(code=scheme_code, is_current=True).first()


def terms(scheme_code: str) -> QuerySet[Term]:
    """Active terms of the current version of `scheme_code`, in their display order."""
    return Term.objects.of(scheme_code).select_related("parent").order_by("sort_order", "code")


def term(scheme_code: str, code: str) -> Term:
    """The active term `code` of the current version, or `UnknownCode`."""
    found = terms(scheme_code).filter(code=str(code).strip()).first()
    if found is None:
        raise UnknownCode(scheme_code, str(code))
    return found


def terms_by_code(scheme_code: str) -> dict[str, Term]:
    """Active terms of the current version keyed by code (one query)."""
    return {t.code: t for t in terms(scheme_code)}


def choices(scheme_code: str) -> list[tuple[str, str]]:
    """(code, label) pairs in the active language, for form fields."""
    return [(t.code, t.label) for t in terms(scheme_code)]


def attribute(found: Term, name: str, default: Any = None) -> Any:
    """`found.attributes[name]`, inherited from the nearest ancestor that sets it."""
    node: Term | None = found
    while node is not None:
        if name in (node.attributes or {}):
            return node.attributes[name]
        node = node.parent
    return default


def layer_of_4w(code: str | Term) -> str | None:
    """The usual pyramid layer ("1".."4") of a 4W code, or None for cross-cutting codes.

    The mapping is data (`attributes.layer`), configurable per scheme version; a subcode
    without its own `layer` inherits its parent's.
    """
    found = code if isinstance(code, Term) else term(FOUR_W, code)
    layer = attribute(found, "layer")
    return None if layer in (None, "") else str(layer)


def counts_people(code: str | Term) -> bool:
    """Whether a 4W activity reports a number of people (11.1 assessments do not)."""
    found = code if isinstance(code, Term) else term(FOUR_W, code)
    return bool(attribute(found, "counts_people", True))


class UnknownScheme(ValidationError):
    """A scheme code (or version) that is not loaded."""

    def __init__(self, scheme_code: str, version: str | None = None) -> None:
        self.scheme_code, self.version = scheme_code, version
        name = f"{scheme_code} {version}" if version else scheme_code
        super().__init__(
            gettext("No code list “%(scheme)s” is loaded.") % {"scheme": name},
            code="unknown_scheme",
        )


def scheme_version(scheme_code: str, version: str | None = None) -> Scheme:
    """A scheme by code and version (the current one by default), or `UnknownScheme`."""
    found = Scheme.objects.filter(code=scheme_code)
    found = found.filter(version=version) if version else found.filter(is_current=True)
    scheme = found.first()
    if scheme is None:
        raise UnknownScheme(scheme_code, version)
    return scheme


def terms_of(scheme: Scheme) -> QuerySet[Term]:
    """Active terms of one scheme version (current or not), in their display order."""
    active = scheme.terms.filter(is_active=True).select_related("parent")
    return active.order_by("sort_order", "code")


def current_terms() -> dict[int, list[Term]]:
    """Active terms of every current scheme, by scheme id (one query)."""
    grouped: dict[int, list[Term]] = {}
    rows = Term.objects.filter(scheme__is_current=True, is_active=True).select_related("parent")
    for t in rows.order_by("scheme__code", "sort_order", "code"):
        grouped.setdefault(t.scheme_id, []).append(t)  # type: ignore[attr-defined]
    return grouped
