"""A guard against client identities in free text (supervision notes, minutes, posts).

It catches the obvious: e-mail addresses, phone numbers, long ID-like numbers (PESEL,
RNOKPP, passport numbers), full dates (dates of birth) and a title followed by a name. It
cannot catch every name; the forms also say plainly that only themes belong here.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("phone", re.compile(r"(?<!\d)\+?\d(?:[\s().-]?\d){8,}(?!\d)")),
    ("document", re.compile(r"\b[A-ZА-ЯІЇЄҐ]{2}\s?\d{6}\b")),  # noqa: RUF001 - Cyrillic
    ("date", re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}\b")),
    (
        "name",
        re.compile(
            r"(?<!\w)(?i:mr|mrs|ms|miss|dr|pan|pani|пан|пані)\.?\s+"
            r"[A-ZА-ЯІЇЄҐŁŚŻŹĆŃÓ][\w'’-]+"  # noqa: RUF001 - Cyrillic letters, typographic apostrophe
        ),
    ),
]

LABELS = {
    "email": _("an e-mail address"),
    "phone": _("a phone or ID number"),
    "document": _("a document number"),
    "date": _("a full date (such as a date of birth)"),
    "name": _("a person's name"),
}


def identifiers_in(text: str) -> list[str]:
    """The kinds of obvious identifiers found in `text` (empty when none)."""
    return [kind for kind, pattern in _PATTERNS if pattern.search(text or "")]


def check_no_identifiers(text: str) -> None:
    """Raise ValidationError naming what looks like an identifier."""
    found = identifiers_in(text)
    if found:
        raise ValidationError(
            _(
                "This text seems to contain %(what)s. Write themes only, never details that "
                "could identify a client or another person."
            ),
            code="identifier",
            params={"what": ", ".join(str(LABELS[k]) for k in found)},
        )
