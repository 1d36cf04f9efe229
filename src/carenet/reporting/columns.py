"""The columns of a 4W sheet: one list drives the template, the importer and the exports.

A column is found in an uploaded file by its HXL hashtag (attributes in any order), or by
its header in English, Ukrainian or Polish, or by its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Column:
    key: str
    hxl: str
    label: StrPromise
    kind: str = "text"  # text | int | date | code
    required: bool = False
    template: bool = True  # in the template a focal point fills in
    imported: bool = True  # read back on import (False: derived, export only)
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("org", "#org", _("Reporting organisation"), "code", width=16),
    Column("partner", "#org+impl", _("Implementing partner"), width=20),
    Column("donor", "#org+funder", _("Donor"), width=16),
    Column("sector", "#sector", _("Sectors"), template=False, imported=False),
    Column("activity", "#activity+code", _("Activity code"), "code", required=True, width=40),
    Column(
        "activity_name", "#activity+name", _("Activity"), template=False, imported=False, width=40
    ),
    Column("layer", "#activity+layer", _("Pyramid layer"), template=False, imported=False),
    Column("adm1", "#adm1+code", _("Admin 1 P-code"), template=False, imported=False),
    Column("adm1_name", "#adm1+name", _("Admin 1"), template=False, imported=False),
    Column("adm2", "#adm2+code", _("Admin 2 P-code"), template=False, imported=False),
    Column("adm2_name", "#adm2+name", _("Admin 2"), template=False, imported=False),
    Column("adm3", "#adm3+code", _("Admin 3 P-code"), template=False, imported=False),
    Column("adm3_name", "#adm3+name", _("Admin 3"), template=False, imported=False),
    Column("pcode", "#loc+code", _("P-code (lowest level known)"), "code", required=True, width=36),
    Column("site", "#loc+site+id", _("Site ID (optional)"), width=38),
    Column("target_group", "#group+targeted+code", _("Target group"), "code", width=30),
    Column("status", "#status", _("Status"), "code", required=True, width=12),
    Column("month", "#date+reported", _("Reporting month"), template=False, imported=False),
    Column("start_date", "#date+start", _("Start date"), "date", required=True, width=12),
    Column("end_date", "#date+end", _("End date"), "date", width=12),
    Column("reached_f_0_17", "#reached+f+children", _("Girls 0-17"), "int"),
    Column("reached_m_0_17", "#reached+m+children", _("Boys 0-17"), "int"),
    Column("reached_f_18_59", "#reached+f+adults", _("Women 18-59"), "int"),
    Column("reached_m_18_59", "#reached+m+adults", _("Men 18-59"), "int"),
    Column("reached_f_60", "#reached+f+elderly", _("Women 60+"), "int"),
    Column("reached_m_60", "#reached+m+elderly", _("Men 60+"), "int"),
    Column("reached_total", "#reached+total", _("People reached (total)"), "int"),
    Column("sessions", "#output+sessions", _("Sessions held"), "int"),
    Column("trained", "#output+trained", _("Staff or volunteers trained"), "int"),
    Column("comments", "#description", _("Comments"), width=30),
    Column("review", "#status+review", _("Review status"), template=False, imported=False),
)
BY_KEY = {c.key: c for c in COLUMNS}
TEMPLATE_COLUMNS = tuple(c for c in COLUMNS if c.template)
# an export that re-imports cleanly writes the admin-level columns too; the importer skips them
EXPORT_COLUMNS = COLUMNS
LOWEST_PCODE_FALLBACK = ("adm3", "adm2", "adm1")


def normalise_tag(text: str) -> str:
    """`#Reached +children+F` -> `#reached+children+f` (attributes sorted)."""
    parts = [p.strip().lower() for p in text.strip().split("+")]
    if not parts or not parts[0].startswith("#"):
        return ""
    return "+".join([parts[0].replace(" ", ""), *sorted(p for p in parts[1:] if p)])


def looks_like_hxl_row(cells: list[object]) -> bool:
    """A row of hashtags: every non-empty cell starts with '#', and at least two do."""
    texts = [str(c).strip() for c in cells if c not in (None, "")]
    return len(texts) >= 2 and all(t.startswith("#") for t in texts)


# HXL 1.0-style hashtags of the 2014 3W/4W sheets, read as today's columns
OLD_TAGS = {
    "#org_id": "org",
    "#activity_id": "activity",
    "#adm1_id": "adm1",
    "#adm2_id": "adm2",
    "#adm3_id": "adm3",
    "#loc_id": "pcode",
    "#from_date": "start_date",
    "#to_date": "end_date",
}


@cache
def _by_tag() -> dict[str, str]:
    return {**OLD_TAGS, **{normalise_tag(c.hxl): c.key for c in COLUMNS}}


@cache
def _by_label() -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in ("en", "uk", "pl"):
        with translation.override(lang):
            for c in COLUMNS:
                out[_fold(str(c.label))] = c.key
    # a column's key is read too ("pcode", "start_date"), but never over a title, and only for
    # a column that is imported: "Activity" is the activity's name (not read), and "Adm3"
    # is not taken for a P-code column
    for c in COLUMNS:
        if c.imported:
            out.setdefault(_fold(c.key), c.key)
    return out


def _fold(text: str) -> str:
    return " ".join(text.replace("*", "").split()).casefold()


def key_for_tag(tag: object) -> str | None:
    return _by_tag().get(normalise_tag(str(tag or "")))


def key_for_label(label: object) -> str | None:
    return _by_label().get(_fold(str(label or "")))


def is_old_tag(header: object) -> bool:
    """Whether a header (title and hashtag joined by " / ") holds an HXL 1.0-style hashtag."""
    return any(normalise_tag(part) in OLD_TAGS for part in str(header or "").split(" / "))
