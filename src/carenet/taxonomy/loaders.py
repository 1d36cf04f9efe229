"""Load the code lists shipped in `taxonomy/data/` into `Scheme` and `Term`.

`schemes.csv` lists every scheme version (code, version, names, source, `is_current`, file);
each scheme's file holds its terms. Every file is read and validated before anything is
written, then all schemes are upserted in one transaction: loading the same files twice
changes nothing. Terms that the files no longer hold (e.g. subcodes a superuser added in the
admin) are kept and counted as `not_in_file`. See docs/taxonomy.md.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from carenet.taxonomy.models import Scheme, Term

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMES_FILE = "schemes.csv"
SCHEME_COLUMNS = ("code", "version", "name_en", "name_uk", "name_pl", "source_url", "is_current")
TERM_COLUMNS = (
    "code", "parent", "label_en", "label_uk", "label_pl", "description_en", "attributes",
    "source_url", "verified", "sort_order",
)  # fmt: skip
TERM_FIELDS = (
    "parent_id", "label_en", "label_uk", "label_pl", "description_en", "attributes",
    "source_url", "verified", "sort_order",
)  # fmt: skip
BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
_url = URLValidator(schemes=["http", "https"])


class TaxonomyFileError(ValueError):
    """A data file is malformed; the message names the file and the line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.path, self.line = path, line
        super().__init__(
            _("%(file)s, line %(line)s: %(message)s")
            % {"file": path.name, "line": line, "message": message}
        )


@dataclass
class LoadCounts:
    """What loading one scheme version did to its terms."""

    version: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0
    scheme_changed: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class TermRow:
    line: int
    code: str
    parent: str
    values: dict[str, Any]


@dataclass
class SchemeRow:
    line: int
    code: str
    version: str
    values: dict[str, Any]
    is_current: bool
    path: Path
    terms: list[TermRow] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.code if self.is_current else f"{self.code}@{self.version}"


def load_all(data_dir: Path | None = None) -> dict[str, LoadCounts]:
    """Load every scheme of `schemes.csv`; keys are scheme codes (`code@version` if not current).

    Raises `TaxonomyFileError` (and writes nothing) when any file is malformed.
    """
    rows = read_schemes(data_dir or DATA_DIR)
    for row in rows:
        row.terms = read_terms(row.path)
    with transaction.atomic():
        return {row.key: _write(row) for row in rows}


def load_scheme(code: str, version: str | None = None, data_dir: Path | None = None) -> LoadCounts:
    """Load one scheme version (by default the current one listed for `code`)."""
    directory = data_dir or DATA_DIR
    rows = [r for r in read_schemes(directory) if r.code == code]
    if version is not None:
        rows = [r for r in rows if r.version == version]
    elif len(rows) > 1:
        rows = [r for r in rows if r.is_current][:1]
    if not rows:
        wanted = f"{code}@{version}" if version else code
        raise TaxonomyFileError(
            directory / SCHEMES_FILE, 1, _("no scheme %(code)s is listed.") % {"code": wanted}
        )
    row = rows[0]
    row.terms = read_terms(row.path)
    with transaction.atomic():
        return _write(row)


# --- reading and validating -------------------------------------------------------------


def read_schemes(data_dir: Path) -> list[SchemeRow]:
    """The validated rows of `schemes.csv`, each with the path of its terms file."""
    path = data_dir / SCHEMES_FILE
    rows: list[SchemeRow] = []
    seen: dict[tuple[str, str], int] = {}
    current: dict[str, int] = {}
    for line, raw in _records(path, SCHEME_COLUMNS):
        code, version = _required(path, line, raw, "code"), _required(path, line, raw, "version")
        if (code, version) in seen:
            raise TaxonomyFileError(
                path,
                line,
                _("duplicate scheme %(key)s (first on line %(first)s).")
                % {"key": f"{code}@{version}", "first": seen[code, version]},
            )
        seen[code, version] = line
        is_current = _boolean(path, line, raw, "is_current")
        if is_current and code in current:
            raise TaxonomyFileError(
                path,
                line,
                _("two current versions of %(code)s (the other on line %(first)s).")
                % {"code": code, "first": current[code]},
            )
        if is_current:
            current[code] = line
        file = (raw.get("file") or "").strip() or f"{code}.csv"
        if "/" in file or "\\" in file or not (data_dir / file).is_file():
            raise TaxonomyFileError(path, line, _("file %(file)s not found.") % {"file": file})
        values = {
            "name_en": _required(path, line, raw, "name_en"),
            "name_uk": _required(path, line, raw, "name_uk"),
            "name_pl": _required(path, line, raw, "name_pl"),
            "source_url": _source_url(path, line, raw),
        }
        rows.append(SchemeRow(line, code, version, values, is_current, data_dir / file))
    return rows


def read_terms(path: Path) -> list[TermRow]:
    """The validated term rows of one scheme file (codes unique, parents known, no cycles)."""
    rows: list[TermRow] = []
    lines: dict[str, int] = {}
    for line, raw in _records(path, TERM_COLUMNS):
        code = _required(path, line, raw, "code")
        if code in lines:
            raise TaxonomyFileError(
                path,
                line,
                _("duplicate code %(code)s (first on line %(first)s).")
                % {"code": code, "first": lines[code]},
            )
        lines[code] = line
        rows.append(
            TermRow(
                line,
                code,
                (raw.get("parent") or "").strip(),
                _term_values(path, line, raw, default_order=len(rows) + 1),
            )
        )
    parents = {row.code: row.parent for row in rows}
    for row in rows:
        _check_parent(path, row, parents)
    return rows


def _term_values(path: Path, line: int, raw: dict[str, str], default_order: int) -> dict[str, Any]:
    order = (raw.get("sort_order") or "").strip()
    if order and not order.isdigit():
        raise TaxonomyFileError(
            path, line, _("sort_order must be a whole number, not %(value)s.") % {"value": order}
        )
    return {
        "label_en": _required(path, line, raw, "label_en"),
        "label_uk": _required(path, line, raw, "label_uk"),
        "label_pl": _required(path, line, raw, "label_pl"),
        "description_en": (raw.get("description_en") or "").strip(),
        "attributes": _attributes(path, line, raw),
        "source_url": _source_url(path, line, raw),
        "verified": _boolean(path, line, raw, "verified"),
        "sort_order": int(order) if order else default_order,
    }


def _check_parent(path: Path, row: TermRow, parents: dict[str, str]) -> None:
    if not row.parent:
        return
    if row.parent not in parents:
        raise TaxonomyFileError(
            path,
            row.line,
            _("unknown parent %(parent)s of %(code)s.") % {"parent": row.parent, "code": row.code},
        )
    seen, parent = {row.code}, row.parent
    while parent:
        if parent in seen:
            raise TaxonomyFileError(
                path, row.line, _("the parents of %(code)s form a loop.") % {"code": row.code}
            )
        seen.add(parent)
        parent = parents[parent]


def _records(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise TaxonomyFileError(path, 0, _("the file does not exist.")) from exc
    except UnicodeDecodeError as exc:
        raise TaxonomyFileError(path, 1, _("the file is not UTF-8 text.")) from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise TaxonomyFileError(
            path, 1, _("missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    records = []
    for raw in reader:
        if None in raw:  # more cells than the header has
            raise TaxonomyFileError(path, reader.line_num, _("more cells than columns."))
        if any((v or "").strip() for v in raw.values()):
            records.append((reader.line_num, raw))
    return records


def _required(path: Path, line: int, raw: dict[str, str], column: str) -> str:
    value = (raw.get(column) or "").strip()
    if not value:
        raise TaxonomyFileError(path, line, _("%(column)s is empty.") % {"column": column})
    return value


def _boolean(path: Path, line: int, raw: dict[str, str], column: str) -> bool:
    value = (raw.get(column) or "").strip().lower()
    if value not in BOOLEANS:
        raise TaxonomyFileError(
            path,
            line,
            _("%(column)s must be true or false, not %(value)s.")
            % {"column": column, "value": value},
        )
    return BOOLEANS[value]


def _attributes(path: Path, line: int, raw: dict[str, str]) -> dict[str, Any]:
    text = (raw.get("attributes") or "").strip() or "{}"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TaxonomyFileError(
            path, line, _("attributes are not valid JSON (%(error)s).") % {"error": exc.msg}
        ) from exc
    if not isinstance(value, dict):
        raise TaxonomyFileError(path, line, _("attributes must be a JSON object."))
    return value


def _source_url(path: Path, line: int, raw: dict[str, str]) -> str:
    value = (raw.get("source_url") or "").strip()
    if value:
        try:
            _url(value)
        except ValidationError as exc:
            raise TaxonomyFileError(
                path, line, _("source_url %(value)s is not a web address.") % {"value": value}
            ) from exc
    return value


# --- writing ------------------------------------------------------------------------------


def _write(row: SchemeRow) -> LoadCounts:
    scheme, changed = _upsert_scheme(row)
    counts = LoadCounts(version=row.version, scheme_changed=changed)
    existing = {t.code: t for t in scheme.terms.all()}
    new = [
        Term(scheme=scheme, code=r.code, **r.values) for r in row.terms if r.code not in existing
    ]
    Term.objects.bulk_create(new)
    created = {t.code for t in new}
    terms = {t.code: t for t in scheme.terms.all()}
    dirty = []
    for r in row.terms:
        term = terms[r.code]
        wanted = {**r.values, "parent_id": terms[r.parent].pk if r.parent else None}
        if _assign(term, wanted):
            dirty.append(term)
            if r.code not in created:
                counts.updated += 1
        elif r.code not in created:
            counts.unchanged += 1
    if dirty:
        Term.objects.bulk_update(dirty, TERM_FIELDS)
    counts.created = len(created)
    counts.not_in_file = len(set(terms) - {r.code for r in row.terms})
    return counts


def _upsert_scheme(row: SchemeRow) -> tuple[Scheme, bool]:
    scheme, created = Scheme.objects.get_or_create(
        code=row.code, version=row.version, defaults={**row.values, "is_current": row.is_current}
    )
    changed = created or _assign(scheme, {**row.values, "is_current": row.is_current})
    if changed and not created:
        scheme.save()
    if row.is_current:
        others = Scheme.objects.filter(code=row.code, is_current=True).exclude(pk=scheme.pk)
        changed = bool(others.update(is_current=False)) or changed
    return scheme, changed


def _assign(obj: Scheme | Term, values: dict[str, Any]) -> bool:
    """Set `values` on `obj`; True when anything differed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed
