"""Folding text for search: lower case, no diacritics, no apostrophes, in any script.

"Львів", "ЛЬВІВ" and "львiв" fold alike; so do "Łódź" and "lodz", "Їжакевич" and "іжакевич".
Both the stored search text and the query go through `fold`, so matching is a plain
substring test that every database can index.
"""

from __future__ import annotations

import re
import unicodedata

from translitua import UkrainianKMU, translit

# Letters that Unicode does not decompose into a base letter and a mark.
# Cyrillic ghe with upturn, io and Ukrainian i fold to ghe, ie and Latin i: people type
# what their keyboard offers.
_EXTRA = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ß": "ss",
        "\u0491": "\u0433",
        "\u0451": "\u0435",
        "\u0456": "i",
    }
)
# Combining marks, and the apostrophes Ukrainian text uses (', U+2019, U+02BC, `).
_DROP = re.compile(r"[\u0300-\u036f'\u2019\u02bc`]")
_SPACE = re.compile(r"[^\w|]+")


def fold(value: str) -> str:
    """Lower-case, strip diacritics and apostrophes, collapse punctuation to single spaces."""
    text = unicodedata.normalize("NFKD", value.casefold())
    text = _DROP.sub("", text).translate(_EXTRA)
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def words(query: str, *, limit: int = 8) -> list[str]:
    """The folded words of a query; one-letter words are dropped (they match everything)."""
    return [w for w in fold(query).split() if len(w) > 1][:limit]


def codes(values: list[str]) -> str:
    """Codes stored as "|a|b|" so that "|a|" finds exactly code a."""
    return "|" + "|".join(sorted(set(values))) + "|" if values else ""


# --- the script an address is shown in ---------------------------------------------------
#
# On English and Polish pages a Ukrainian (Cyrillic) address is shown in Latin script, in the
# official Ukrainian national transliteration (Cabinet of Ministers resolution No. 55 of
# 27 January 2010, "KMU 2010", as on Ukrainian passports and road signs); on Ukrainian pages
# the original. Place names (`AdminArea`) follow the same rule through their `name_pl`/`name_en`.
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def transliterate_uk(value: str) -> str:
    """Ukrainian Cyrillic in Latin script by the KMU 2010 table ("Згорани" → "Zghorany")."""
    return translit(value, UkrainianKMU) if _CYRILLIC.search(value) else value


def in_reader_script(value: str, lang: str) -> str:
    """`value` as a reader of `lang` sees it: Latin script on en and pl pages, else as is."""
    if lang[:2] in ("en", "pl") and value and _CYRILLIC.search(value):
        return transliterate_uk(value)
    return value
